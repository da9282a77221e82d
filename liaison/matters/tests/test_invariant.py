"""The invariant, proven by random play: random people take random actions, with valid
and invalid inputs, on a few matters of a small hospital.

After every step, for every matter: services.check_invariant holds; an open matter has
exactly one owning department, a responsible person who works there (or, at escalation
levels 3 and 4, the leader in charge or a leading-group member) and a next deadline; the
clock ledger runs exactly the matter's own clock (the lead's accept clock while
dispatched, its reply clock while accepted, with the matter's due; test_clock_ledger runs
this machine with the sweep among its steps).

Every step also checks the actions against allowed_actions:
- an action taken from allowed_actions with valid inputs succeeds;
- an action that succeeds was in allowed_actions;
- a refused action raises a ServiceError with a message and changes nothing (the matter's
  row, its timeline, co-organizers, extension requests, attachments, notifications);
- a successful action writes timeline events by the person who acted (one; two when a
  submission goes straight on to the lead named by the originator).
"""

import collections
import datetime
import os

import pytest
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from liaison.core.errors import ServiceError
from liaison.matters import services
from liaison.matters.models import (
    OPEN_STATES,
    EscalationLevel,
    LinkKind,
    Matter,
    MatterEvent,
    MatterLink,
    Rating,
)
from liaison.matters.services import Action, MatterInput
from liaison.org.roles import default_responsible, leader_in_charge, leading_group, works_in

from .factories import Hospital, build_hospital, seeded_kind, snapshot

pytestmark = pytest.mark.django_db

#: A modest, repeatable run by default (the same examples every time, about 20 s); set
#: INVARIANT_EXAMPLES=500 for a long random hunt.
EXAMPLES = int(os.environ.get("INVARIANT_EXAMPLES") or 0)

#: Departments that can lead (internal, with people in them).
LEADS = ["YB", "XXK", "YJK", "MZB", "ZWK", "BWK", "EK", "LDXZ"]
CO = ["XXK", "YJK", "MZB", "ZWK", "BWK"]

ACTIONS = list(Action.LABELS)
FORWARD = {
    Action.SUBMIT,
    Action.DISPATCH,
    Action.ACCEPT,
    Action.CONTRIBUTE,
    Action.REQUEST_EXTENSION,
    Action.DECIDE_EXTENSION,
    Action.REPLY,
    Action.CONFIRM,
}

CALLS = {
    Action.SUBMIT: lambda m, p, **kw: services.submit_matter(m, p),
    Action.DISPATCH: services.dispatch,
    Action.ACCEPT: services.accept,
    Action.RETURN: services.return_matter,
    Action.TRANSFER: services.transfer,
    Action.CONTRIBUTE: services.contribute,
    Action.REQUEST_EXTENSION: services.request_extension,
    Action.DECIDE_EXTENSION: services.decide_extension,
    Action.REPLY: services.reply,
    Action.CONFIRM: services.confirm,
    Action.REOPEN: services.reopen,
    Action.ESCALATE: services.escalate,
    Action.WITHDRAW: services.withdraw,
    Action.CLOSE: services.close_as_not_a_matter,
    Action.COMMENT: services.comment,
    Action.EDIT: lambda m, p, **kw: services.edit_draft(m, p, kw["data"]),
    Action.LINK: services.link,
    Action.ASK_ORIGINATOR: services.ask_originator,
    Action.GIVE_INFORMATION: services.give_information,
}


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def draw_inputs(
    data, h: Hospital, matter: Matter, person, action: str, valid: bool, matters: list
) -> dict:
    """Keyword arguments for the action: valid ones, or (when not `valid`) ones of which
    at least one is wrong. A link links to one of `matters`: valid when the person sees it
    and it is not linked yet (otherwise it links the matter to itself)."""
    d = h.d
    reason = "科室之间说不清，请协调。"
    bad_text = data.draw(st.sampled_from(["", "   "]), label="blank")
    text = reason if valid else bad_text
    if action == Action.SUBMIT or action == Action.ACCEPT:
        if action == Action.ACCEPT and not valid:
            return {"responsible": h.p["outsider"]}
        return {}
    if action in (Action.DISPATCH, Action.TRANSFER):
        co = [d[c] for c in data.draw(st.lists(st.sampled_from(CO), max_size=2, unique=True))]
        choices = [c for c in LEADS if action == Action.DISPATCH or d[c] != matter.lead_department]
        lead = d[data.draw(st.sampled_from(choices), label="lead")]
        kwargs = {"lead": lead, "co_departments": co, "reason": reason}
        if action == Action.DISPATCH:
            kwargs["due"] = data.draw(st.sampled_from([None, days(3), days(20)]), label="due")
        if not valid:
            wrong = data.draw(st.sampled_from(["external", "past", "same", "reason"]))
            if wrong == "external":
                kwargs["lead"] = d["SWJW"]
            elif wrong == "past" and action == Action.DISPATCH:
                kwargs["due"] = days(-2)
            elif wrong == "same" and action == Action.TRANSFER and matter.lead_department:
                kwargs["lead"] = matter.lead_department
            elif action == Action.TRANSFER:
                kwargs["reason"] = bad_text
            else:
                kwargs["responsible"] = h.p["outsider"]
        return kwargs
    if action == Action.REQUEST_EXTENSION:
        base = max(matter.due or today(), today())
        due = base + datetime.timedelta(days=data.draw(st.integers(1, 30), label="more days"))
        if not valid:
            due = data.draw(st.sampled_from([matter.due or today(), days(-1)]), label="bad due")
        return {"due": due, "reason": reason}
    if action == Action.DECIDE_EXTENSION:
        approve = data.draw(st.booleans(), label="approve")
        return {"approve": approve if valid else False, "reason": text}
    if action == Action.CONFIRM:
        rating = data.draw(st.sampled_from(Rating.values), label="rating")
        if valid:
            return {"rating": rating, "comment": "还有问题"}
        return data.draw(
            st.sampled_from(
                [{"rating": "bogus", "comment": ""}, {"rating": "unsatisfied", "comment": ""}]
            )
        )
    if action in (Action.CONTRIBUTE, Action.REPLY, Action.GIVE_INFORMATION):
        return {"text": text}
    if action == Action.ASK_ORIGINATOR:
        return {"question": text}
    if action == Action.COMMENT:
        internal = data.draw(st.booleans(), label="internal")
        if valid:
            internal = internal and services.is_handling(person, matter)
            return {"text": "@信息科 @张三请看", "internal": internal}
        return {"text": bad_text, "internal": internal}
    if action == Action.EDIT:
        lead_code = data.draw(st.sampled_from([None, *LEADS]), label="new lead")
        return {
            "data": MatterInput(
                title=f"{matter.title}改" if valid else bad_text,
                kind=matter.kind,
                originator_department=matter.originator_department,
                lead_department=d[lead_code] if lead_code else None,
            )
        }
    if action == Action.LINK:
        linked = set(
            MatterLink.objects.filter(Q(source=matter) | Q(target=matter)).values_list(
                "source_id", "target_id"
            )
        )
        linked = {pk for pair in linked for pk in pair}
        targets = [
            m
            for m in Matter.objects.filter(pk__in=[m.pk for m in matters]).order_by("pk")
            if m.pk != matter.pk and m.pk not in linked and services.can_view(person, m)
        ]
        target = data.draw(st.sampled_from(targets)) if valid and targets else matter
        kind = data.draw(st.sampled_from(LinkKind.values), label="link kind")
        if kind == LinkKind.CHILD_OF and matter.pk in services.parents_of(target.pk):
            kind = LinkKind.RELATED  # part of its own part: refused, rightly
        return {"target_number": target.number, "kind": kind}
    return {"reason": text}  # return, reopen, escalate, withdraw, close


class LifecycleMachine(RuleBasedStateMachine):
    hospital: Hospital  # set by the test: one hospital, a fresh set of matters per example
    stats: collections.Counter

    def __init__(self):
        super().__init__()
        self.h = self.hospital
        self.people = sorted(self.h.p.values(), key=lambda p: p.pk)
        self.matters: list[Matter] = []
        # Each example runs in a savepoint, rolled back in teardown.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def relevant(self, matter: Matter) -> list:
        """People likely to have something to do with the matter."""
        p = self.h.p
        people = [matter.originator, matter.responsible_person, matter.dispatcher]
        for department in (matter.lead_department, matter.owner_department):
            if department is not None:
                people.append(default_responsible(department))
        for co in matter.co_organizers.select_related("department"):
            people.append(default_responsible(co.department))
        people += [p[k] for k in ("office", "vp", "president", "group_member")]
        unique = {person.pk: person for person in people if person is not None}
        return sorted(unique.values(), key=lambda person: person.pk)

    @initialize(data=st.data())
    def two_matters(self, data):
        self.raise_matter(data)
        self.raise_matter(data)

    def open_matters(self) -> list[Matter]:
        ids = [m.pk for m in self.matters]
        return list(Matter.objects.filter(pk__in=ids, state__in=[*OPEN_STATES, "draft"]))

    @precondition(lambda self: len(self.matters) < 6 and len(self.open_matters()) < 3)
    @rule(data=st.data())
    def raise_matter(self, data):
        originator = data.draw(st.sampled_from(self.people), label="originator")
        lead_code = data.draw(st.sampled_from([None, *LEADS]), label="direct lead")
        co = data.draw(st.lists(st.sampled_from(CO), max_size=2, unique=True), label="co")
        submit = data.draw(st.booleans(), label="submit")
        matter = services.create_matter(
            originator,
            MatterInput(
                title=f"随机事项{len(self.matters)}",
                kind=seeded_kind(self.h.organization),
                lead_department=self.h.d[lead_code] if lead_code else None,
                co_departments=tuple(self.h.d[c] for c in co),
            ),
            submit=submit,
        )
        self.matters.append(matter)
        self.stats["raised"] += 1

    @rule(data=st.data())
    def act(self, data):
        open_matters = self.open_matters()
        if open_matters and data.draw(st.integers(0, 3), label="an open one") > 0:
            matter = data.draw(st.sampled_from(open_matters), label="matter")
        else:
            matter = data.draw(st.sampled_from(self.matters), label="matter")
        matter.refresh_from_db()
        from_allowed = data.draw(st.booleans(), label="from allowed_actions")
        options = []
        if from_allowed:
            # The first of the people involved (in a drawn order) who may do something.
            for person in data.draw(st.permutations(self.relevant(matter)), label="who"):
                options = [a for a in services.allowed_actions(person, matter) if a != "comment"]
                if options:
                    break
        if options:
            # Half the time, an action that moves the matter along its main path, so that
            # replies, confirmations and extensions are reached as often as escalations.
            forward = [a for a in options if a in FORWARD]
            if forward and data.draw(st.booleans(), label="forward"):
                options = forward
            action = data.draw(st.sampled_from(options), label="allowed action")
            valid = data.draw(st.booleans(), label="valid inputs") or data.draw(st.booleans())
        else:
            from_allowed = False
            person = data.draw(st.sampled_from(self.people), label="person")
            action = data.draw(st.sampled_from(ACTIONS), label="action")
            valid = data.draw(st.booleans(), label="valid inputs")
        allowed = services.allowed_actions(person, matter)
        kwargs = draw_inputs(data, self.h, matter, person, action, valid, self.matters)
        if action == Action.LINK and kwargs["target_number"] == matter.number:
            valid = False  # nothing it could be linked to
        before = snapshot(matter)
        last_event = MatterEvent.objects.filter(matter=matter).order_by("-pk").first()
        try:
            CALLS[action](matter, person, **kwargs)
        except ServiceError as refused:
            assert not (from_allowed and valid), (
                f"{action} by {person} with valid inputs was allowed but refused: {refused.message}"
            )
            assert refused.message.strip()
            assert snapshot(matter) == before, f"refused {action} changed something"
            self.stats[f"refused {type(refused).__name__}"] += 1
            return
        assert action in allowed, f"{action} by {person} succeeded but was not allowed"
        new = MatterEvent.objects.filter(matter=matter, pk__gt=last_event.pk)
        assert 1 <= new.count() <= (2 if action == Action.SUBMIT else 1), action
        assert {e.actor_id for e in new} == {person.pk}
        self.stats[action] += 1

    @invariant()
    def every_open_matter_has_one_owner_one_responsible_person_and_a_deadline(self):
        for matter in Matter.objects.filter(pk__in=[m.pk for m in self.matters]).select_related(
            "responsible_person", "owner_department", "organization", "lead_department"
        ):
            services.check_invariant(matter)
            if matter.state in OPEN_STATES:
                assert matter.owner_department is not None
                person = matter.responsible_person
                works_there = works_in(person, matter.owner_department)
                if matter.escalation_level == EscalationLevel.LEADER_IN_CHARGE:
                    leaders = {
                        leader_in_charge(department)
                        for department in (matter.lead_department, matter.originator_department)
                        if department is not None
                    }
                    works_there = works_there or person in leaders
                if matter.escalation_level == EscalationLevel.LEADING_GROUP:
                    group = leading_group(matter.organization)
                    works_there = works_there or group.memberships.filter(person=person).exists()
                assert works_there, f"{person} does not work in {matter.owner_department}"
                assert matter.next_deadline is not None
            else:
                assert matter.owner_department_id is None
                assert matter.responsible_person_id is None


def test_random_actions_keep_the_invariant_and_refusals_change_nothing(db):
    LifecycleMachine.hospital = build_hospital()
    LifecycleMachine.stats = stats = collections.Counter()
    run_state_machine_as_test(
        LifecycleMachine,
        settings=settings(
            max_examples=EXAMPLES or 12,
            stateful_step_count=50,
            deadline=None,
            database=None,
            derandomize=not EXAMPLES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # It explored: most actions succeeded at least once, and refusals of every kind.
    succeeded = {action for action in ACTIONS if stats[action]}
    assert len(succeeded) >= 14, stats
    assert stats["refused WrongState"] and stats["refused NotAllowed"], stats
    assert stats["refused InvalidInput"], stats

"""The clocks: what the sweep does to matters whose reminder or deadline has come, a batch
at a time."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from liaison.core import bulk
from liaison.core.errors import InvalidInput
from liaison.deadlines.models import BreachAction
from liaison.deadlines.services import clock as level_clock
from liaison.inbox.models import Ask
from liaison.inbox.services import notify_many
from liaison.inbox.texts import Text
from liaison.org.models import (
    Department,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)
from liaison.org.roles import default_responsible, department_of, leader_in_charge
from liaison.worktime.services import Snapshots

from ..models import (
    ClockEnd,
    EscalationLevel,
    EventType,
    ExtensionRequest,
    ExtensionState,
    Matter,
    MatterEvent,
    MatterKind,
    State,
    Urgency,
)
from .clock_ledger import Writes
from .clocks import arm_clock
from .escalation import Effects, climb, escalation_target
from .records import event_row, matter_url, notice_for


class SweepBatch(Effects):
    """A batch of due matters handled in one transaction by the sweep."""

    MATTER_FIELDS = [
        "state",
        "escalation_level",
        "owner_department",
        "responsible_person",
        "next_deadline",
        "next_check_at",
        "reminders_due",
        "accept_due",
        "reply_due",
        "updated_at",
    ]

    def __init__(self, now: datetime.datetime, matters: list[Matter], cache: dict | None = None):
        self.now = now
        self.saved: dict[int, Matter] = {}
        self.events: list[MatterEvent] = []
        self.notices: list[dict] = []
        self.lapsed: list[int] = []
        self.clocks = Writes()
        # Look-ups that do not depend on the batch (service levels, calendars, rungs, who
        # heads a department) may be shared by all the batches of one sweep.
        self.cache: dict = {} if cache is None else cache
        _attach_related(matters, self.cache)
        self.pending = {
            x.matter_id: x
            for x in ExtensionRequest.objects.filter(
                matter__in=matters, state=ExtensionState.PENDING
            )
        }
        # Who the batch's rungs may go to, read at once for all its departments.
        departments = {m.lead_department_id for m in matters} | {
            m.owner_department_id for m in matters
        }
        unread = {pk for pk in departments if ("heads", pk) not in self.cache}
        self.cache.update({("heads", pk): [] for pk in unread})
        for position in (
            Position.objects.current()
            .filter(department_id__in=unread, role=PositionRole.HEAD, person__is_active=True)
            .select_related("person")
        ):
            self.cache[("heads", position.department_id)].append(position.person)
        departments |= {m.originator_department_id for m in matters}
        unread = {pk for pk in departments if ("leader", pk) not in self.cache}
        self.cache.update({("leader", pk): None for pk in unread})
        for assignment in (
            LeaderInCharge.objects.current()
            .filter(department_id__in=unread)
            .select_related("leader")
        ):
            self.cache[("leader", assignment.department_id)] = assignment.leader

    def _cached(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def save(self, matter):
        matter.updated_at = self.now
        self.saved[matter.pk] = matter

    def event(self, matter, type_, actor, **kwargs):
        self.events.append(event_row(matter, type_, actor, **kwargs))

    def tell(self, matter, people, ask, actor, detail="", *, urgent=False):
        # reverse() per matter would cost more than the rest of a reminder: the address
        # of matter 0, read once, with each matter's id in place of the 0.
        prefix = self._cached("url", lambda: matter_url(Matter(pk=0)).removesuffix("0/"))
        self.notices.append(
            notice_for(
                matter, people, ask, actor, detail, urgent=urgent, url=f"{prefix}{matter.pk}/"
            )
        )

    def level(self, matter):
        return self._cached(
            ("level", matter.kind_id, matter.urgency), lambda: super(SweepBatch, self).level(matter)
        )

    def clock(self, matter, step, department, start):
        level = self.level(matter)
        calendars = self._cached(
            ("calendars", matter.organization_id), lambda: Snapshots(matter.organization)
        )
        snapshot = calendars.for_department(department.pk if department else None)
        within, unit = (
            (level.accept_within, level.accept_unit)
            if step == "accept"
            else (level.reply_within, level.reply_unit)
        )
        return level_clock(snapshot, start, within, unit, level.reminders, level.on_breach)

    def escalation_hours(self, organization):
        return self._cached(
            ("hours", organization.pk),
            lambda: super(SweepBatch, self).escalation_hours(organization),
        )

    def heads(self, department):
        key = ("heads", department.pk if department else None)
        return self._cached(key, lambda: super(SweepBatch, self).heads(department))

    def handlers(self, department):
        return self._cached(
            ("handlers", department.pk), lambda: super(SweepBatch, self).handlers(department)
        )

    def target(self, matter, level):
        # Only the leader in charge depends on the matter's departments.
        if level == EscalationLevel.LEADER_IN_CHARGE:
            key = ("target", level, matter.lead_department_id, matter.originator_department_id)
        else:
            key = ("target", level, matter.organization_id)
        return self._cached(
            key,
            lambda: escalation_target(
                matter, None, level, leader_of=self._leader_of, department_of=self._department_of
            ),
        )

    def _leader_of(self, department: Department) -> Person | None:
        return self._cached(("leader", department.pk), lambda: leader_in_charge(department))

    def _department_of(self, person: Person) -> Department | None:
        return self._cached(("department of", person.pk), lambda: department_of(person))

    def lookups(self) -> dict:
        return self.cache

    def lapse_extension(self, matter):
        pending = self.pending.pop(matter.pk, None)
        if pending is None:
            return {}
        self.lapsed.append(pending.pk)
        return {"extension_lapsed": pending.proposed_due}

    def ledger(self, matter, *, was, end, at):
        self.clocks.changed(matter, was=was, end=end, at=at)

    def flush(self) -> None:
        bulk.update(list(self.saved.values()), self.MATTER_FIELDS)
        self.clocks.flush()
        bulk.insert(self.events)
        if self.lapsed:
            ExtensionRequest.objects.filter(pk__in=self.lapsed).update(
                state=ExtensionState.LAPSED, decided_at=self.now
            )
        notify_many(self.notices)


def _attach_related(matters: list[Matter], cache: dict) -> None:
    """The objects a batch of matters refers to, read once each (a select_related would
    build a copy per matter); organizations, kinds and departments once per sweep."""

    def shared(model, pks, *related):
        known = cache.setdefault(("objects", model), {})
        missing = set(pks) - known.keys() - {None}
        if missing:
            known.update(model.objects.select_related(*related).in_bulk(missing))
        return known

    organizations = shared(
        Organization, {m.organization_id for m in matters}, "coordinating_department"
    )
    kinds = shared(MatterKind, {m.kind_id for m in matters})
    departments = shared(
        Department,
        {
            pk
            for m in matters
            for pk in (m.lead_department_id, m.owner_department_id, m.originator_department_id)
        },
    )
    people = Person.objects.in_bulk({m.responsible_person_id for m in matters} - {None})
    for matter in matters:
        matter.organization = organizations[matter.organization_id]
        matter.kind = kinds[matter.kind_id]
        matter.lead_department = departments.get(matter.lead_department_id)
        matter.owner_department = departments.get(matter.owner_department_id)
        matter.originator_department = departments[matter.originator_department_id]
        matter.responsible_person = people.get(matter.responsible_person_id)


STEP_OF_STATE = {
    State.SUBMITTED: "dispatch",
    State.DISPATCHED: "accept",
    State.ACCEPTED: "reply",
    State.REPLIED: "confirm",
    State.ESCALATED: "decide",
}


@transaction.atomic
def check_clocks(
    pks: Iterable[int], now: datetime.datetime | None = None, cache: dict | None = None
) -> Counter:
    """Remind, or record a missed time limit and climb the ladder, for the matters among
    `pks` whose check time has come, in one transaction. Counts what was done
    ("reminded", "escalated", "breached"). Rows another sweep holds are skipped (it does
    them), and each row is re-checked under its lock, so two sweeps at once, or one run
    twice, never remind or escalate twice."""
    now = now or timezone.now()
    matters = list(
        Matter.objects.select_for_update(skip_locked=True)
        .defer("description", "rating_comment")
        .filter(pk__in=list(pks), next_check_at__lte=now)
        .order_by("pk")
    )
    counts = Counter()
    if not matters:
        return counts
    batch = SweepBatch(now, matters, cache)
    with translation.override(settings.LANGUAGE_CODE):
        for matter in matters:
            if not matter.is_open or matter.paused_at is not None:
                matter.next_check_at = None
                batch.save(matter)
                continue
            if now < matter.next_deadline:
                outcome = _remind(matter, now, batch)
            else:
                outcome = _breach(matter, now, batch)
            if outcome:
                counts[outcome] += 1
        batch.flush()
    return counts


def _remind(matter: Matter, now: datetime.datetime, effects: Effects) -> str | None:
    reminders = [datetime.datetime.fromisoformat(r) for r in matter.reminders_due]
    passed = [r for r in reminders if r <= now]
    upcoming = [r for r in reminders if r > now]
    matter.reminders_due = [r.isoformat() for r in upcoming]
    matter.next_check_at = min([*upcoming, matter.next_deadline])
    effects.save(matter)
    if not passed:
        return None
    step = STEP_OF_STATE[matter.state]
    effects.event(matter, EventType.REMINDED, None, at=now, step=step, due=matter.next_deadline)
    effects.tell(
        matter,
        [matter.responsible_person],
        Ask.REMINDER,
        None,
        Text(gettext_noop("Due %(time)s."), time=matter.next_deadline),
        urgent=matter.urgency == Urgency.EMERGENCY,
    )
    return "reminded"


BREACH_REASONS = {
    "accept": gettext_noop("Not accepted in time."),
    "reply": gettext_noop("No reply in time."),
    "decide": gettext_noop("No decision in time at this level."),
}


def _breach(matter: Matter, now: datetime.datetime, effects: Effects) -> str:
    step = STEP_OF_STATE[matter.state]
    due = matter.next_deadline
    matter.reminders_due = []
    matter.next_check_at = None
    effects.save(matter)
    effects.event(
        matter, EventType.BREACHED, None, at=now, step=step, due=due, holder=matter.owner_department
    )
    escalates = step in BREACH_REASONS and effects.level(matter).on_breach == BreachAction.ESCALATE
    if escalates and _climb_on_breach(matter, step, now, effects):
        return "escalated"
    holder = matter.owner_department
    effects.tell(
        matter,
        [matter.responsible_person, *effects.heads(holder)],
        Ask.OVERDUE,
        None,
        Text(gettext_noop("The time limit (%(time)s) was missed."), time=due),
        urgent=True,
    )
    return "breached"


def _climb_on_breach(matter: Matter, step: str, now: datetime.datetime, effects: Effects) -> bool:
    """The escalation ladder on its own: not accepted → the lead department's head;
    not accepted by the head either, or no reply → the coordinating office; no decision
    at a rung → the next rung, up to the leading group. False at the top, or when the
    organization lacks the next rung (then the holder and their head are told)."""
    # The inbox shows the reason in each reader's language (the timeline, in the site's).
    reason = Text(BREACH_REASONS[step])
    if step == "accept" and matter.escalation_level < EscalationLevel.DEPARTMENT_HEADS:
        heads = effects.heads(matter.lead_department)
        head = heads[0] if heads else default_responsible(matter.lead_department)
        matter.escalation_level = EscalationLevel.DEPARTMENT_HEADS
        matter.responsible_person = head
        fresh = effects.clock(matter, "accept", matter.lead_department, now)
        matter.accept_due = fresh.due
        arm_clock(matter, fresh.due, fresh.reminders, now)
        effects.save(matter)
        # The missed time ends escalated; the head's fresh time is a new accept clock.
        effects.ledger(matter, was=matter.state, end=ClockEnd.ESCALATED, at=now)
        effects.event(
            matter,
            EventType.ESCALATED,
            None,
            at=now,
            reason=str(reason),
            level=EscalationLevel.DEPARTMENT_HEADS,
            automatic=True,
            responsible=head,
        )
        effects.tell(matter, [head], Ask.ACCEPT, None, reason, urgent=True)
        return True
    level = max(matter.escalation_level + 1, EscalationLevel.COORDINATING_OFFICE)
    while level <= EscalationLevel.LEADING_GROUP:
        try:
            department, responsible = effects.target(matter, level)
        except InvalidInput:
            level += 1  # e.g. no leader in charge is set: the next rung decides
            continue
        climb(matter, None, level, department, responsible, reason, now, effects, automatic=True)
        return True
    return False

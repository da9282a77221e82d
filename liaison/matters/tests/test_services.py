"""The lifecycle's rules, at the service level: one behaviour per test.

Refusals are checked three ways: the right error (WrongState 409, NotAllowed 403,
InvalidInput 400), a message that says what happened, and nothing changed (the matter's
row, its timeline, co-organizers, extension requests, attachments, notifications).
"""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from liaison.deadlines.services import step_clock
from liaison.inbox.models import Ask, Delivery, Notification
from liaison.matters import services
from liaison.matters.models import (
    Attachment,
    CoOrganizer,
    EscalationLevel,
    EventType,
    ExtensionState,
    Matter,
    MatterSettings,
    Rating,
    Resolution,
    State,
)
from liaison.matters.services import Action, InvalidInput, MatterInput, NotAllowed, WrongState
from liaison.org.roles import default_responsible, handlers_of

from .factories import MatterFactory, build_hospital, changes_nothing, in_days, seeded_kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def h():
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def close_to(value: datetime.datetime, expected: datetime.datetime) -> bool:
    return abs(value - expected) < datetime.timedelta(minutes=1)


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def hours_from_now(hours: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def asked(person, ask: str) -> int:
    return Notification.objects.filter(recipient=person, ask=ask).count()


def raise_matter(h, *, originator="yjk_liaison", state=State.SUBMITTED, **kwargs):
    return MatterFactory(originator=h.p[originator], by=h, state=state, **kwargs)


def last_event(matter):
    return matter.events.order_by("-at", "-pk").first()


def test_a_submitted_matter_waits_at_the_coordinating_office(h):
    matter = raise_matter(h)
    assert matter.state == State.SUBMITTED
    assert matter.owner_department == h.d["YB"]
    assert matter.responsible_person == h.p["office_head"]
    assert close_to(matter.next_deadline, hours_from_now(24))
    assert asked(h.p["office"], Ask.DISPATCH) == 1
    assert asked(h.p["office_head"], Ask.DISPATCH) == 1


def test_a_matter_with_a_lead_goes_directly_to_that_lead_on_submission(h):
    data = MatterInput(
        title="药房网络中断", kind=seeded_kind(h.organization), lead_department=h.d["XXK"]
    )
    matter = services.create_matter(h.p["yjk_liaison"], data, submit=True)
    assert matter.state == State.DISPATCHED
    assert matter.owner_department == h.d["XXK"]
    assert matter.responsible_person == h.p["xxk_head"]
    assert matter.dispatcher == h.p["yjk_liaison"]
    assert matter.relation == "horizontal"
    assert [e.type for e in matter.events.all()] == ["created", "submitted", "dispatched"]
    assert asked(h.p["xxk_head"], Ask.ACCEPT) == 1


def test_a_draft_stays_with_its_originator_until_submitted(h):
    matter = raise_matter(h, state=State.DRAFT)
    assert matter.state == State.DRAFT
    services.check_invariant(matter)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.submit_matter(matter, h.p["office"])
    matter = services.submit_matter(matter, h.p["yjk_liaison"])
    assert matter.state == State.SUBMITTED


def test_numbers_are_unique_per_organization_year_and_prefix(h):
    year = timezone.localdate().year
    first = raise_matter(h)
    second = raise_matter(h)
    supervision = MatterFactory(
        originator=h.p["supervisor"], kind=seeded_kind(h.organization, "supervision")
    )
    other = build_hospital("h2")
    elsewhere = MatterFactory(originator=other.p["yjk_liaison"])
    assert first.number == f"XT-{year}-000001"
    assert second.number == f"XT-{year}-000002"
    assert supervision.number == f"DB-{year}-000001"
    assert elsewhere.number == f"XT-{year}-000001"
    with time_machine.travel(datetime.datetime(year + 1, 1, 1, 9, tzinfo=datetime.UTC)):
        assert raise_matter(h).number == f"XT-{year + 1}-000001"


def test_an_external_unit_cannot_lead_a_matter(h):
    data = MatterInput(
        title="外部事项", kind=seeded_kind(h.organization), lead_department=h.d["SWJW"]
    )
    with pytest.raises(InvalidInput, match="external"):
        services.create_matter(h.p["yjk_liaison"], data)
    assert Matter.objects.count() == 0


def test_a_matter_is_raised_only_for_a_department_one_works_in(h):
    data = MatterInput(
        title="代人提出", kind=seeded_kind(h.organization), originator_department=h.d["XXK"]
    )
    with pytest.raises(InvalidInput):
        services.create_matter(h.p["yjk_liaison"], data)
    assert Matter.objects.count() == 0


# Dispatch.


def test_dispatch_gives_the_lead_ownership_its_head_responsibility_and_a_deadline(h):
    matter = raise_matter(h)
    # Friday 16:00: a normal matter has one working day to be accepted, until Monday 16:00.
    with time_machine.travel(local(2026, 11, 20, 16), tick=False):
        matter = services.dispatch(
            matter, h.p["office"], lead=h.d["XXK"], co_departments=[h.d["MZB"], h.d["ZWK"]]
        )
        assert matter.due == in_days(matter.kind.default_days)
    assert matter.state == State.DISPATCHED
    assert (matter.lead_department, matter.owner_department) == (h.d["XXK"], h.d["XXK"])
    assert matter.responsible_person == h.p["xxk_head"]
    assert matter.next_deadline == local(2026, 11, 23, 16)
    assert matter.dispatcher == h.p["office"]
    assert matter.dispatcher_department == h.d["YB"]
    assert {c.department.code for c in matter.co_organizers.all()} == {"MZB", "ZWK"}
    assert asked(h.p["xxk_head"], Ask.ACCEPT) == 1
    assert asked(h.p["xxk_liaison"], Ask.ACCEPT) == 1
    assert asked(h.p["mzb_head"], Ask.CONTRIBUTE) == 1
    assert asked(h.p["xxk_staff"], Ask.ACCEPT) == 0


def test_dispatch_to_a_department_without_a_head_makes_its_liaison_officer_responsible(h):
    matter = services.dispatch(raise_matter(h), h.p["office"], lead=h.d["BWK"])
    assert matter.responsible_person == h.p["bwk_liaison"]
    assert default_responsible(h.d["BWK"]) == h.p["bwk_liaison"]


@pytest.mark.parametrize(
    "who",
    [
        "outsider",  # cannot even see it
        "yjk_staff",  # the originator's colleague: sees it, may not dispatch
        "xxk_head",
        "supervisor",  # the supervision office sees everything, dispatches nothing
    ],
)
def test_only_the_coordinating_office_or_the_originator_may_dispatch(h, who):
    matter = raise_matter(h)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.dispatch(matter, h.p[who], lead=h.d["XXK"])


def test_the_originator_may_dispatch_a_submitted_matter(h):
    matter = services.dispatch(raise_matter(h), h.p["yjk_liaison"], lead=h.d["ZWK"])
    assert matter.state == State.DISPATCHED and matter.dispatcher == h.p["yjk_liaison"]


def test_the_originator_may_not_redispatch_once_dispatched(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.dispatch(matter, h.p["yjk_liaison"], lead=h.d["ZWK"])


def test_the_coordinating_office_can_always_redispatch(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    matter = services.dispatch(matter, h.p["office_head"], lead=h.d["ZWK"], reason="总务负责")
    assert matter.state == State.DISPATCHED
    assert matter.owner_department == h.d["ZWK"]
    assert matter.responsible_person == h.p["zwk_head"]
    assert last_event(matter).from_state == State.ACCEPTED


def test_a_due_date_in_the_past_is_invalid(h):
    matter = raise_matter(h)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.dispatch(matter, h.p["office"], lead=h.d["XXK"], due=in_days(-1))


def test_the_responsible_person_must_work_in_the_lead(h):
    matter = raise_matter(h)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.dispatch(matter, h.p["office"], lead=h.d["XXK"], responsible=h.p["yjk_head"])


def test_an_external_unit_is_not_dispatched_to(h):
    matter = raise_matter(h)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.dispatch(matter, h.p["office"], lead=h.d["SWJW"])


# Accept.


@pytest.mark.parametrize("who", ["xxk_head", "xxk_deputy", "xxk_liaison"])
def test_the_head_deputy_or_liaison_officer_of_the_lead_accepts(h, who):
    matter = raise_matter(h, state=State.DISPATCHED)
    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        matter = services.accept(matter, h.p[who])
    assert matter.state == State.ACCEPTED
    assert matter.owner_department == h.d["XXK"]
    # The reply clock in the lead's working time, but no later than the promised due date
    # (which of the two comes first depends on the weekday the test runs).
    reply_clock = step_clock(matter.kind, matter.urgency, "reply", h.d["XXK"], now).due
    assert matter.next_deadline == min(reply_clock, matter.due_at)
    assert asked(h.p["yjk_liaison"], Ask.INFO) == 1


def test_a_named_responsible_person_may_accept(h):
    matter = services.dispatch(
        raise_matter(h), h.p["office"], lead=h.d["XXK"], responsible=h.p["xxk_staff"]
    )
    matter = services.accept(matter, h.p["xxk_staff"])
    assert matter.state == State.ACCEPTED and matter.responsible_person == h.p["xxk_staff"]


@pytest.mark.parametrize("who", ["xxk_staff", "yjk_liaison", "office", "outsider"])
def test_others_may_not_accept(h, who):
    matter = raise_matter(h, state=State.DISPATCHED)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.accept(matter, h.p[who])


def test_accepting_twice_says_who_accepted_and_when(h):
    matter = services.accept(raise_matter(h, state=State.DISPATCHED), h.p["xxk_head"])
    with changes_nothing(matter), pytest.raises(WrongState) as refused:
        services.accept(matter, h.p["xxk_liaison"])
    assert "already" in refused.value.message
    assert "Accepted by 赵信息" in refused.value.message
    assert refused.value.status == 409


# Return.


def test_a_return_needs_a_reason(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.return_matter(matter, h.p["xxk_head"], reason="  ")


def test_a_return_goes_back_to_the_office_that_dispatched_it(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    matter = services.return_matter(matter, h.p["xxk_head"], reason="不属于信息科职责")
    assert matter.state == State.SUBMITTED
    assert matter.owner_department == h.d["YB"]
    assert matter.responsible_person == h.p["office"]
    assert matter.return_count == 1
    assert Notification.objects.filter(
        recipient=h.p["office"], ask=Ask.DISPATCH, detail="不属于信息科职责"
    ).exists()
    assert last_event(matter).reason == "不属于信息科职责"


def test_a_return_after_direct_dispatch_goes_back_to_the_originator(h):
    data = MatterInput(
        title="药房网络中断", kind=seeded_kind(h.organization), lead_department=h.d["XXK"]
    )
    matter = services.create_matter(h.p["yjk_liaison"], data, submit=True)
    matter = services.return_matter(matter, h.p["xxk_liaison"], reason="请找总务科")
    assert matter.state == State.SUBMITTED
    assert matter.owner_department == h.d["YJK"]
    assert matter.responsible_person == h.p["yjk_liaison"]
    assert asked(h.p["yjk_liaison"], Ask.DISPATCH) == 1
    matter = services.dispatch(matter, h.p["yjk_liaison"], lead=h.d["ZWK"])
    assert matter.state == State.DISPATCHED and matter.return_count == 1


def test_whoever_gets_a_return_may_close_it_as_not_a_matter(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    matter = services.return_matter(matter, h.p["xxk_head"], reason="不属于信息科职责")
    matter = services.close_as_not_a_matter(matter, h.p["office"], reason="属于正常流程，无需协调")
    assert matter.state == State.CLOSED
    assert matter.resolution == Resolution.NOT_A_MATTER
    services.check_invariant(matter)
    assert asked(h.p["yjk_liaison"], Ask.INFO) == 1


def test_returns_are_counted(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    matter = services.return_matter(matter, h.p["xxk_head"], reason="不是我们的")
    matter = services.dispatch(matter, h.p["office"], lead=h.d["ZWK"])
    matter = services.return_matter(matter, h.p["zwk_head"], reason="也不是我们的")
    assert matter.return_count == 2


# Transfer.


def test_a_transfer_moves_the_matter_counts_and_informs_the_originator(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    matter = services.transfer(matter, h.p["xxk_head"], lead=h.d["ZWK"], reason="属于后勤")
    assert matter.state == State.DISPATCHED
    assert (matter.lead_department, matter.owner_department) == (h.d["ZWK"], h.d["ZWK"])
    assert matter.responsible_person == h.p["zwk_head"]
    assert matter.transfer_count == 1
    assert asked(h.p["zwk_head"], Ask.ACCEPT) == 1
    assert Notification.objects.filter(
        recipient=h.p["yjk_liaison"], ask=Ask.INFO, detail__contains="总务科"
    ).exists()


def test_a_transfer_needs_a_reason_and_another_department(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.transfer(matter, h.p["xxk_head"], lead=h.d["ZWK"], reason="")
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.transfer(matter, h.p["xxk_head"], lead=h.d["XXK"], reason="还是我们")


def test_the_office_may_transfer_but_a_co_organizer_may_not(h):
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.transfer(matter, h.p["mzb_head"], lead=h.d["ZWK"], reason="给总务")
    matter = services.transfer(matter, h.p["office"], lead=h.d["ZWK"], reason="给总务")
    assert matter.lead_department == h.d["ZWK"]


# Co-organizers.


def test_each_co_organizer_gives_its_part_once_and_the_lead_sees_who_is_missing(h):
    matter = raise_matter(h, state=State.ACCEPTED, co_departments=[h.d["MZB"], h.d["ZWK"]])
    matter = services.contribute(matter, h.p["mzb_liaison"], text="门诊部已安排人工叫号。")
    parts = {c.department.code: c for c in CoOrganizer.objects.filter(matter=matter)}
    assert parts["MZB"].contributed_by == h.p["mzb_liaison"]
    assert parts["MZB"].contributed_at is not None
    assert parts["ZWK"].contributed_at is None  # still missing
    assert asked(h.p["xxk_head"], Ask.INFO) == 1
    with changes_nothing(matter), pytest.raises(WrongState) as refused:
        services.contribute(matter, h.p["mzb_head"], text="再说一次")
    assert "门诊部 already gave its part: 冯联络" in refused.value.message
    services.contribute(matter, h.p["zwk_head"], text="总务科已检修线路。")
    assert not CoOrganizer.objects.filter(matter=matter, contributed_at__isnull=True).exists()


def test_only_handlers_of_a_co_organizer_give_its_part(h):
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    for who in ("mzb_staff", "xxk_head", "outsider"):
        with changes_nothing(matter), pytest.raises(NotAllowed):
            services.contribute(matter, h.p[who], text="我们的意见")


def test_a_co_organizer_part_needs_text(h):
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.contribute(matter, h.p["mzb_head"], text="")


# Extensions.


def test_the_due_date_changes_only_when_an_extension_is_approved(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    due = matter.due
    services.request_extension(
        matter, h.p["xxk_liaison"], due=due + datetime.timedelta(7), reason="等配件"
    )
    matter.refresh_from_db()
    assert matter.due == due
    assert asked(h.p["office"], Ask.DECIDE_EXTENSION) == 1  # the dispatcher
    assert asked(h.p["vp"], Ask.DECIDE_EXTENSION) == 1  # the lead's leader in charge
    request = services.decide_extension(matter, h.p["office"], approve=True)
    matter.refresh_from_db()
    assert request.state == ExtensionState.APPROVED
    assert matter.due == due + datetime.timedelta(7)
    assert matter.next_deadline == matter.due_at


def test_only_one_extension_request_waits_at_a_time(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    services.request_extension(matter, h.p["xxk_head"], due=in_days(30), reason="等配件")
    with changes_nothing(matter), pytest.raises(WrongState):
        services.request_extension(matter, h.p["xxk_head"], due=in_days(40), reason="还要等")
    assert Action.REQUEST_EXTENSION not in services.allowed_actions(h.p["xxk_head"], matter)


@pytest.mark.parametrize("days", [0, -1])
def test_the_proposed_date_must_be_later_than_the_due_date(h, days):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.request_extension(
            matter, h.p["xxk_head"], due=matter.due + datetime.timedelta(days), reason="等配件"
        )


def test_denying_an_extension_needs_a_reason_and_keeps_the_due_date(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    due = matter.due
    services.request_extension(matter, h.p["xxk_head"], due=in_days(30), reason="等配件")
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.decide_extension(matter, h.p["office"], approve=False)
    request = services.decide_extension(matter, h.p["office"], approve=False, reason="时间够用")
    matter.refresh_from_db()
    assert request.state == ExtensionState.DENIED and request.decision_reason == "时间够用"
    assert matter.due == due
    assert asked(h.p["xxk_head"], Ask.INFO) == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("office", True),  # the dispatcher
        ("office_head", True),  # the coordinating office
        ("vp", True),  # the lead's leader in charge
        ("president", False),  # a leader, but not in charge of 信息科
        ("xxk_head", False),
        ("xxk_liaison", False),  # who asked
        ("yjk_liaison", False),  # the originator
    ],
)
def test_who_may_decide_an_extension(h, who, allowed):
    matter = raise_matter(h, state=State.ACCEPTED)
    services.request_extension(matter, h.p["xxk_liaison"], due=in_days(30), reason="等配件")
    assert (Action.DECIDE_EXTENSION in services.allowed_actions(h.p[who], matter)) is allowed
    if allowed:
        services.decide_extension(matter, h.p[who], approve=True)
    else:
        with changes_nothing(matter), pytest.raises(NotAllowed):
            services.decide_extension(matter, h.p[who], approve=True)


def test_a_second_decision_learns_who_decided(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    services.request_extension(matter, h.p["xxk_liaison"], due=in_days(30), reason="等配件")
    services.decide_extension(matter, h.p["vp"], approve=True)
    with changes_nothing(matter), pytest.raises(WrongState, match="韩副院长"):
        services.decide_extension(matter, h.p["office"], approve=False, reason="不同意")


# Reply and confirmation.


def test_a_reply_asks_the_originator_to_confirm(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    matter = services.reply(matter, h.p["xxk_liaison"], text="已更换交换机。")
    assert matter.state == State.REPLIED
    assert matter.owner_department == h.d["YJK"]
    assert matter.responsible_person == h.p["yjk_liaison"]
    assert close_to(matter.next_deadline, hours_from_now(72))
    assert asked(h.p["yjk_liaison"], Ask.CONFIRM) == 1


def test_a_reply_needs_text_and_a_lead_handler(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.reply(matter, h.p["xxk_head"], text="")
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.reply(matter, h.p["yjk_liaison"], text="我自己回复")


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY_SATISFIED])
def test_a_satisfied_confirmation_closes_the_matter_as_done(h, rating):
    matter = services.confirm(
        raise_matter(h, state=State.REPLIED), h.p["yjk_liaison"], rating=rating
    )
    assert matter.state == State.CLOSED
    assert matter.resolution == Resolution.DONE
    assert matter.rating == rating
    assert matter.closed_at is not None
    services.check_invariant(matter)


def test_the_lead_is_told_the_rating_by_mail(h, mailoutbox, django_capture_on_commit_callbacks):
    matter = raise_matter(h, state=State.REPLIED)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm(matter, h.p["yjk_liaison"], rating=Rating.BASICALLY_SATISFIED)
    assert {m.to[0] for m in mailoutbox} >= {"xxk_head@hospital.example"}
    assert Notification.objects.get(recipient=h.p["xxk_head"], ask=Ask.INFO).detail == str(
        Rating.BASICALLY_SATISFIED.label
    )


def test_unsatisfied_needs_a_comment(h):
    matter = raise_matter(h, state=State.REPLIED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.confirm(matter, h.p["yjk_liaison"], rating=Rating.UNSATISFIED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.confirm(matter, h.p["yjk_liaison"], rating="great")


def test_unsatisfied_reopens_it_to_the_lead_and_counts(h):
    matter = raise_matter(h, state=State.REPLIED)
    matter = services.confirm(
        matter, h.p["yjk_liaison"], rating=Rating.UNSATISFIED, comment="叫号屏仍然黑屏"
    )
    assert matter.state == State.ACCEPTED
    assert matter.reopen_count == 1
    assert matter.owner_department == h.d["XXK"]
    assert matter.responsible_person == h.p["xxk_head"]  # who replied
    assert matter.rating == Rating.UNSATISFIED
    assert asked(h.p["xxk_head"], Ask.REPLY) == 1
    event = last_event(matter)
    assert (event.type, event.from_state, event.to_state) == ("confirmed", "replied", "accepted")
    assert event.reason == "叫号屏仍然黑屏"


def test_only_the_originator_side_confirms(h):
    matter = raise_matter(h, state=State.REPLIED)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.confirm(matter, h.p["xxk_head"], rating=Rating.SATISFIED)
    matter = services.confirm(matter, h.p["yjk_head"], rating=Rating.SATISFIED)
    assert matter.state == State.CLOSED


# Reopen.


@pytest.mark.parametrize("who", ["yjk_liaison", "office"])
def test_the_originator_or_the_office_reopens_a_closed_matter(h, who):
    matter = services.reopen(raise_matter(h, state=State.CLOSED), h.p[who], reason="问题复发")
    assert matter.state == State.ACCEPTED
    assert matter.reopen_count == 1
    assert matter.owner_department == h.d["XXK"]
    assert matter.resolution == "" and matter.closed_at is None
    services.check_invariant(matter)


def test_others_may_not_reopen(h):
    matter = raise_matter(h, state=State.CLOSED)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.reopen(matter, h.p["xxk_head"], reason="我们想再看看")
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.reopen(matter, h.p["yjk_liaison"], reason="")


def test_reopening_a_matter_closed_as_not_a_matter_puts_it_before_the_office(h):
    matter = services.close_as_not_a_matter(raise_matter(h), h.p["office"], reason="不需协调")
    matter = services.reopen(matter, h.p["yjk_liaison"], reason="确实需要协调")
    assert matter.state == State.SUBMITTED
    assert matter.owner_department == h.d["YB"]
    assert matter.responsible_person == h.p["office_head"]
    assert matter.reopen_count == 1
    services.check_invariant(matter)
    assert asked(h.p["office"], Ask.DISPATCH) == 2


# Escalation.


def test_escalation_climbs_the_ladder_to_the_leading_group(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    steps = [
        # who escalates, level, owning department, responsible person
        ("yjk_liaison", EscalationLevel.DEPARTMENT_HEADS, "YJK", "yjk_head"),
        ("yjk_head", EscalationLevel.COORDINATING_OFFICE, "YB", "office_head"),
        ("office", EscalationLevel.LEADER_IN_CHARGE, "YLD", "vp"),
        ("vp", EscalationLevel.LEADING_GROUP, "LDXZ", "president"),
    ]
    for who, level, owner, responsible in steps:
        matter = services.escalate(matter, h.p[who], reason=f"协调困难 {level}")
        assert matter.state == State.ESCALATED
        assert matter.escalation_level == level
        assert matter.owner_department == h.d[owner]
        assert matter.responsible_person == h.p[responsible]
        # Two days (the escalation hours), or the kind's time to accept if shorter.
        to_accept = step_clock(matter.kind, matter.urgency, "accept", h.d[owner], timezone.now())
        assert close_to(matter.next_deadline, min(hours_from_now(48), to_accept.due))
        assert asked(h.p[responsible], Ask.DECIDE) == 1
        assert last_event(matter).reason == f"协调困难 {level}"
        services.check_invariant(matter)
    with changes_nothing(matter), pytest.raises(WrongState, match="top of the ladder"):
        services.escalate(matter, h.p["president"], reason="再往上")
    assert Action.ESCALATE not in services.allowed_actions(h.p["president"], matter)


def test_an_escalation_needs_a_reason(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.escalate(matter, h.p["yjk_liaison"], reason="")


def test_only_the_escalated_level_passes_it_on(h):
    matter = services.escalate(
        raise_matter(h, state=State.DISPATCHED), h.p["xxk_head"], reason="难"
    )
    assert matter.owner_department == h.d["XXK"]  # department heads: the lead's head
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.escalate(matter, h.p["yjk_liaison"], reason="再往上")
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.escalate(matter, h.p["xxk_staff"], reason="再往上")


def test_the_escalated_level_can_redispatch(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    for who in ("xxk_head", "xxk_head", "office"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert matter.responsible_person == h.p["vp"]
    matter = services.dispatch(matter, h.p["vp"], lead=h.d["ZWK"], reason="由总务牵头")
    assert matter.state == State.DISPATCHED
    assert matter.owner_department == h.d["ZWK"] and matter.dispatcher == h.p["vp"]
    services.check_invariant(matter)


def test_the_leading_group_can_close_it_as_not_a_matter(h):
    matter = raise_matter(h, state=State.DISPATCHED)
    for who in ("xxk_head", "xxk_head", "office", "vp"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    assert matter.escalation_level == EscalationLevel.LEADING_GROUP
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.close_as_not_a_matter(matter, h.p["xxk_head"], reason="不办了")
    matter = services.close_as_not_a_matter(matter, h.p["group_member"], reason="按现行制度执行")
    assert matter.state == State.CLOSED
    assert matter.resolution == Resolution.NOT_A_MATTER
    services.check_invariant(matter)


# Withdraw.


@pytest.mark.parametrize("state", [State.DRAFT, State.SUBMITTED, State.DISPATCHED])
def test_the_originator_withdraws_before_acceptance_with_a_reason(h, state):
    matter = raise_matter(h, state=state)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.withdraw(matter, h.p["yjk_liaison"], reason="")
    matter = services.withdraw(matter, h.p["yjk_liaison"], reason="已自行解决")
    assert matter.state == State.WITHDRAWN
    services.check_invariant(matter)


def test_withdrawing_after_acceptance_is_refused_naming_who_accepted(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(WrongState, match="Accepted by 赵信息"):
        services.withdraw(matter, h.p["yjk_liaison"], reason="不要了")


def test_only_the_originator_withdraws(h):
    matter = raise_matter(h, state=State.SUBMITTED)
    for who in ("office", "yjk_head"):
        with changes_nothing(matter), pytest.raises(NotAllowed):
            services.withdraw(matter, h.p[who], reason="替他撤回")


# Comments and mentions.


def test_mentions_of_a_name_an_employee_number_and_a_department_notify_them(h):
    matter = raise_matter(h, state=State.ACCEPTED, co_departments=[h.d["MZB"]])
    number = h.p["office_head"].employee_number
    services.comment(matter, h.p["xxk_head"], text=f"@钱联络 请看；@{number} 知悉。@门诊部，请配合")
    mentioned = set(
        Notification.objects.filter(ask=Ask.MENTION).values_list("recipient__name", flat=True)
    )
    assert mentioned == {"钱联络", "杨主任", "王门诊", "冯联络"}


def test_a_mention_in_running_chinese_text_finds_the_longest_name(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    services.comment(matter, h.p["office"], text="@信息科请今天处理")
    mentioned = set(
        Notification.objects.filter(ask=Ask.MENTION).values_list("recipient__name", flat=True)
    )
    assert mentioned == {"赵信息", "钱联络", "许副科长"}


def test_people_who_cannot_see_the_matter_are_not_told_of_a_mention(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    services.comment(matter, h.p["xxk_head"], text="@孔护士 @儿科 你们也看看")
    assert not Notification.objects.filter(ask=Ask.MENTION).exists()


def test_internal_notes_are_written_only_by_handling_departments(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.comment(matter, h.p["yjk_liaison"], text="内部意见", internal=True)
    event = services.comment(matter, h.p["xxk_staff"], text="服务器型号待确认", internal=True)
    assert event.is_internal and event.type == EventType.COMMENTED


def test_the_originator_does_not_become_a_handler_while_confirming(h):
    matter = raise_matter(h, state=State.REPLIED)
    assert matter.responsible_person == h.p["yjk_liaison"]
    assert not services.is_handling(h.p["yjk_liaison"], matter)
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.comment(matter, h.p["yjk_liaison"], text="内部意见", internal=True)


def test_a_comment_needs_text_and_sight_of_the_matter(h):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.comment(matter, h.p["xxk_head"], text=" ")
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.comment(matter, h.p["outsider"], text="路过")


# Attachments.


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


def test_attachments_keep_their_chinese_file_names(h, media):
    matter = raise_matter(h, state=State.ACCEPTED)
    upload = SimpleUploadedFile("会议纪要（定稿）.pdf", b"%PDF-1.4", content_type="application/pdf")
    event = services.add_attachments(matter, h.p["xxk_head"], [upload], text="纪要")
    attachment = Attachment.objects.get(matter=matter)
    assert attachment.original_name == "会议纪要（定稿）.pdf"
    assert attachment.event == event and event.type == EventType.ATTACHED
    assert attachment.size == 8
    assert attachment.file.read() == b"%PDF-1.4"
    assert "会议纪要" not in attachment.file.name  # stored under a neutral name


@pytest.mark.parametrize("name", ["page.html", "logo.svg", "setup.exe", "noextension"])
def test_other_file_types_are_refused(h, media, name):
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.add_attachments(matter, h.p["xxk_head"], [SimpleUploadedFile(name, b"<svg/>")])
    assert stored_files(media) == []


def test_files_over_the_size_limit_are_refused(h, media, settings):
    settings.MATTER_ATTACHMENT_MAX_BYTES = 10
    matter = raise_matter(h, state=State.ACCEPTED)
    with changes_nothing(matter), pytest.raises(InvalidInput, match="too large"):
        services.add_attachments(matter, h.p["xxk_head"], [SimpleUploadedFile("大.pdf", b"x" * 11)])
    small = SimpleUploadedFile("小.pdf", b"%PDF-1.4\n\n")
    services.add_attachments(matter, h.p["xxk_head"], [small])
    assert Attachment.objects.filter(matter=matter).count() == 1


def test_a_refused_file_in_a_batch_stores_none_of_them(h, media):
    matter = raise_matter(h, state=State.ACCEPTED)
    uploads = [SimpleUploadedFile("说明.docx", b"doc"), SimpleUploadedFile("x.html", b"<p>")]
    with changes_nothing(matter), pytest.raises(InvalidInput):
        services.reply(matter, h.p["xxk_head"], text="已处理", attachments=uploads)
    assert stored_files(media) == []


def test_a_reply_carries_its_attachments(h, media):
    matter = raise_matter(h, state=State.ACCEPTED)
    upload = SimpleUploadedFile("整改报告.xlsx", b"PK\x03\x04")
    matter = services.reply(matter, h.p["xxk_head"], text="见附件", attachments=[upload])
    attachment = Attachment.objects.get(matter=matter)
    assert attachment.event.type == EventType.REPLIED
    assert attachment.uploaded_by == h.p["xxk_head"]


# Archive.


def test_closed_and_withdrawn_matters_are_archived_after_the_archive_period(h):
    MatterSettings.objects.update_or_create(
        organization=h.organization, defaults={"archive_after_days": 10}
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        closed = raise_matter(h, state=State.CLOSED)
        withdrawn = raise_matter(h, state=State.WITHDRAWN)
        open_matter = raise_matter(h, state=State.ACCEPTED)
    with time_machine.travel(start + datetime.timedelta(days=9), tick=False):
        assert services.archive_closed_matters(h.organization) == 0
    with time_machine.travel(start + datetime.timedelta(days=11), tick=False):
        assert services.archive_closed_matters(h.organization) == 2
    for matter in (closed, withdrawn):
        matter.refresh_from_db()
        assert matter.state == State.ARCHIVED
        event = last_event(matter)
        assert (event.type, event.actor) == (EventType.ARCHIVED, None)
    open_matter.refresh_from_db()
    assert open_matter.state == State.ACCEPTED
    with pytest.raises(WrongState):
        services.reopen(closed, h.p["yjk_liaison"], reason="太晚了")


# The timeline and notifications.


def test_every_action_writes_exactly_one_event_with_actor_states_and_reason(h):
    p = h.p
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    steps = [
        (services.accept, p["xxk_head"], {}, "accepted", "dispatched", "accepted", ""),
        (services.contribute, p["mzb_head"], {"text": "配合"}, "contributed", "", "", ""),
        (
            services.request_extension,
            p["xxk_head"],
            {"due": in_days(30), "reason": "等配件"},
            "extension_requested",
            "",
            "",
            "等配件",
        ),
        (
            services.decide_extension,
            p["vp"],
            {"approve": False, "reason": "不延"},
            "extension_decided",
            "",
            "",
            "不延",
        ),
        (services.comment, p["office"], {"text": "请抓紧"}, "commented", "", "", ""),
        (services.reply, p["xxk_head"], {"text": "已修复"}, "replied", "accepted", "replied", ""),
        (
            services.confirm,
            p["yjk_liaison"],
            {"rating": "unsatisfied", "comment": "没修好"},
            "confirmed",
            "replied",
            "accepted",
            "没修好",
        ),
        (services.reply, p["xxk_head"], {"text": "换了新屏"}, "replied", "accepted", "replied", ""),
        (
            services.confirm,
            p["yjk_liaison"],
            {"rating": "satisfied"},
            "confirmed",
            "replied",
            "closed",
            "",
        ),
        (
            services.reopen,
            p["office"],
            {"reason": "又坏了"},
            "reopened",
            "closed",
            "accepted",
            "又坏了",
        ),
        (
            services.transfer,
            p["office"],
            {"lead": h.d["ZWK"], "reason": "线路问题"},
            "transferred",
            "accepted",
            "dispatched",
            "线路问题",
        ),
        (
            services.return_matter,
            p["zwk_head"],
            {"reason": "不是线路"},
            "returned",
            "dispatched",
            "submitted",
            "不是线路",
        ),
        (
            services.escalate,
            p["office"],
            {"reason": "谁都不管"},
            "escalated",
            "submitted",
            "escalated",
            "谁都不管",
        ),
    ]
    for action, actor, kwargs, type_, from_state, to_state, reason in steps:
        before = matter.events.count()
        action(matter, actor, **kwargs)
        assert matter.events.count() == before + 1, type_
        event = last_event(matter)
        assert (event.type, event.actor, event.from_state, event.to_state, event.reason) == (
            type_,
            actor,
            from_state,
            to_state,
            reason,
        )
        matter.refresh_from_db()
        services.check_invariant(matter)


def test_the_person_asked_to_act_gets_mail_only_after_commit(
    h, mailoutbox, django_capture_on_commit_callbacks
):
    matter = raise_matter(h)
    mailoutbox.clear()
    # The submission's mail waits in the outbox (its commit never ran in this test); a
    # delivery task would send it along with the dispatch's: not this test's business.
    Delivery.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.dispatch(matter, h.p["office"], lead=h.d["XXK"])
        assert mailoutbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == [
        "xxk_deputy@hospital.example",
        "xxk_head@hospital.example",
        "xxk_liaison@hospital.example",
    ]
    assert matter.number in mailoutbox[0].subject


def test_a_refused_action_sends_nothing(h, mailoutbox, django_capture_on_commit_callbacks):
    matter = raise_matter(h, state=State.ACCEPTED)
    mailoutbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        changes_nothing(matter),
        pytest.raises(WrongState),
    ):
        services.accept(matter, h.p["xxk_head"])
    assert callbacks == [] and mailoutbox == []


def test_the_actor_is_not_notified_of_their_own_action(h):
    matter = services.accept(raise_matter(h, state=State.DISPATCHED), h.p["xxk_head"])
    assert asked(h.p["xxk_head"], Ask.REPLY) == 0
    assert matter.responsible_person == h.p["xxk_head"]


# Reading who may do what.


def test_allowed_actions_follow_the_person_and_the_state(h):
    matter = raise_matter(h, state=State.DISPATCHED, co_departments=[h.d["MZB"]])
    assert set(services.allowed_actions(h.p["xxk_head"], matter)) == {
        "accept",
        "return",
        "transfer",
        "escalate",
        "comment",
        "link",
    }
    assert set(services.allowed_actions(h.p["yjk_liaison"], matter)) == {
        "withdraw",
        "escalate",
        "comment",
        "link",
    }
    assert set(services.allowed_actions(h.p["mzb_head"], matter)) == {
        "contribute",
        "comment",
        "link",
    }
    assert set(services.allowed_actions(h.p["office"], matter)) == {
        "dispatch",
        "transfer",
        "comment",
        "link",
    }
    assert services.allowed_actions(h.p["outsider"], matter) == []
    assert services.allowed_actions(None, matter) == []


def test_handlers_of_a_department_are_its_head_deputy_and_liaison_officer(h):
    assert set(handlers_of(h.d["XXK"])) == {
        h.p["xxk_head"],
        h.p["xxk_deputy"],
        h.p["xxk_liaison"],
    }
    assert services.is_handling(h.p["office"], raise_matter(h, state=State.DISPATCHED))

"""The sweep: reminders at the service level's points, missed time limits, and a matter
left alone walking up the whole escalation ladder on its own; the reply clock standing
while the lead waits on the originator; two sweeps at once doing everything once."""

import datetime as dt
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse

from liaison.deadlines.models import BreachAction, ServiceLevel
from liaison.deadlines.services import step_clock
from liaison.deadlines.sweep import run_sweep
from liaison.inbox.models import Ask, Delivery, DeliveryState, Notification
from liaison.matters import services
from liaison.matters.models import EscalationLevel, EventType, Matter, MatterEvent, State
from liaison.matters.tests.factories import MatterFactory, build_hospital
from liaison.matters.tests.test_concurrency import concurrent_db  # noqa: F401 (a fixture)

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def h(db):
    return build_hospital()


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


def dispatched(h, **kwargs) -> Matter:
    return MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED, **kwargs)


def events(matter, type_) -> list[MatterEvent]:
    return list(MatterEvent.objects.filter(matter=matter, type=type_).order_by("at", "pk"))


CLOCK_OUTCOMES = {"reminded", "breached", "escalated"}


def on_matters(counts: dict) -> dict:
    """What a sweep did to matters' clocks (it also archives and delivers)."""
    return {key: value for key, value in counts.items() if key in CLOCK_OUTCOMES}


def sweep_until(end: dt.datetime, start: dt.datetime, step=dt.timedelta(minutes=30)) -> None:
    moment = start
    while moment <= end:
        run_sweep(moment)
        moment += step


def test_dispatch_starts_the_accept_clock_with_its_reminders(h, clock):
    matter = dispatched(h)
    expected = step_clock(matter.kind, "normal", "accept", h.d["XXK"], MONDAY_9)
    assert matter.accept_due == matter.next_deadline == expected.due == at(2026, 11, 24, 9, 0)
    assert matter.reply_due is None
    assert matter.next_check_at == expected.reminders[0] > MONDAY_9
    assert len(matter.reminders_due) == 2


def test_nothing_is_due_before_the_first_reminder(h, clock):
    matter = dispatched(h)
    assert on_matters(run_sweep(matter.next_check_at - dt.timedelta(minutes=1))) == {}
    assert not events(matter, EventType.REMINDED)


def test_a_reminder_goes_to_the_holder_once_even_if_swept_twice(h, clock):
    matter = dispatched(h)
    first = matter.next_check_at
    assert on_matters(run_sweep(first)) == {"reminded": 1}
    assert on_matters(run_sweep(first)) == {}
    (reminded,) = events(matter, EventType.REMINDED)
    assert reminded.actor is None and reminded.data["step"] == "accept"
    reminders = Notification.objects.filter(ask=Ask.REMINDER)
    assert [n.recipient for n in reminders] == [matter.responsible_person]
    assert [n.url for n in reminders] == [reverse("matters:detail", args=[matter.pk])]
    matter.refresh_from_db()
    assert len(matter.reminders_due) == 1 and matter.next_check_at > first


def test_the_reminders_a_sweep_sends_are_handed_to_the_mail_in_the_same_sweep(h, clock):
    # The areas' steps run in order: the matters' clocks before the inbox's deliveries.
    matter = dispatched(h)
    pending = Delivery.objects.filter(state=DeliveryState.PENDING).count()
    counts = run_sweep(matter.next_check_at)
    assert counts["reminded"] == 1
    assert counts["deliveries_due"] == pending + 1


def test_a_sweep_long_after_both_reminders_sends_one(h, clock):
    matter = dispatched(h)
    last_reminder = dt.datetime.fromisoformat(matter.reminders_due[-1])
    assert on_matters(run_sweep(last_reminder)) == {"reminded": 1}
    matter.refresh_from_db()
    assert matter.reminders_due == [] and matter.next_check_at == matter.accept_due


def test_a_matter_left_alone_walks_up_the_whole_ladder(h, clock):
    matter = dispatched(h)
    sweep_until(at(2026, 12, 4, 18, 0), MONDAY_9)
    matter.refresh_from_db()
    climbed = events(matter, EventType.ESCALATED)
    assert [e.data["level"] for e in climbed] == [1, 2, 3, 4]
    assert all(e.actor is None and e.reason and e.data["automatic"] for e in climbed)
    # Each rung was missed before the next one: four breaches, then the top's own.
    assert [e.data["step"] for e in events(matter, EventType.BREACHED)] == [
        "accept",
        "accept",
        "decide",
        "decide",
        "decide",
    ]
    assert matter.state == State.ESCALATED
    assert matter.escalation_level == EscalationLevel.LEADING_GROUP
    assert matter.owner_department == h.d["LDXZ"]
    assert matter.responsible_person == h.p["president"]  # the group's chair
    assert matter.next_check_at is None  # the top: nothing further happens on its own
    services.check_invariant(matter)
    asked = Notification.objects.filter(object_id=str(matter.pk))
    assert asked.filter(recipient=h.p["xxk_head"], ask=Ask.ACCEPT).exists()  # rung 1
    assert asked.filter(recipient=h.p["office_head"], ask=Ask.DECIDE).exists()  # rung 2
    assert asked.filter(recipient=h.p["vp"], ask=Ask.DECIDE).exists()  # rung 3
    assert asked.filter(recipient=h.p["president"], ask=Ask.DECIDE).exists()  # rung 4
    assert asked.filter(ask=Ask.OVERDUE, recipient=h.p["president"]).exists()


def test_the_first_rung_is_the_lead_departments_head_who_can_accept(h, clock):
    matter = dispatched(h)
    run_sweep(matter.accept_due)
    matter.refresh_from_db()
    assert matter.state == State.DISPATCHED
    assert matter.escalation_level == EscalationLevel.DEPARTMENT_HEADS
    assert matter.responsible_person == h.p["xxk_head"]
    assert matter.accept_due > at(2026, 11, 24, 9, 0)  # a fresh time to accept
    services.accept(matter, h.p["xxk_head"])
    matter.refresh_from_db()
    assert matter.state == State.ACCEPTED and matter.reply_due is not None


def test_accepting_starts_the_reply_clock_capped_by_the_due_date(h, clock):
    matter = dispatched(h, due=dt.date(2026, 11, 25))
    matter = services.accept(matter, h.p["xxk_head"])
    assert matter.reply_due == matter.next_deadline == matter.due_at  # sooner than 5 days
    emergency = dispatched(h, urgency="emergency")
    emergency = services.accept(emergency, h.p["xxk_head"])
    assert emergency.reply_due == MONDAY_9 + dt.timedelta(hours=6)


def test_no_reply_in_time_goes_to_the_coordinating_office(h, clock):
    matter = services.accept(dispatched(h, urgency="emergency"), h.p["xxk_head"])
    assert on_matters(run_sweep(matter.reply_due)) == {"escalated": 1}
    matter.refresh_from_db()
    assert matter.state == State.ESCALATED
    assert matter.escalation_level == EscalationLevel.COORDINATING_OFFICE
    assert matter.owner_department == h.d["YB"]
    (climbed,) = events(matter, EventType.ESCALATED)
    assert climbed.data["level"] == 2 and climbed.from_state == State.ACCEPTED
    # An emergency's rung has the kind's time to accept (30 minutes), not two days.
    assert matter.next_deadline == matter.reply_due + dt.timedelta(minutes=30)


def test_an_emergency_is_reminded_at_half_and_ninety_percent(h, clock):
    matter = dispatched(h, urgency="emergency")
    assert matter.accept_due == MONDAY_9 + dt.timedelta(minutes=30)
    assert [dt.datetime.fromisoformat(r) for r in matter.reminders_due] == [
        MONDAY_9 + dt.timedelta(minutes=15),
        MONDAY_9 + dt.timedelta(minutes=27),
    ]


def test_a_level_that_only_notifies_records_the_breach_and_tells_holder_and_head(h, clock):
    ServiceLevel.objects.filter(kind__organization=h.organization).update(
        on_breach=BreachAction.NOTIFY
    )
    matter = dispatched(h)
    assert on_matters(run_sweep(matter.accept_due)) == {"breached": 1}
    matter.refresh_from_db()
    assert matter.state == State.DISPATCHED and matter.escalation_level == 0
    assert matter.next_check_at is None
    told = Notification.objects.filter(ask=Ask.OVERDUE).values_list("recipient", flat=True)
    assert set(told) == {matter.responsible_person.pk, h.p["xxk_head"].pk}


def test_waiting_on_the_originator_stops_the_reply_clock(h, clock):
    matter = services.accept(dispatched(h, urgency="urgent"), h.p["xxk_head"])
    due = matter.reply_due
    clock.move_to(at(2026, 11, 23, 10, 0))
    matter = services.ask_originator(matter, h.p["xxk_head"], question="请提供故障截图")
    assert matter.paused_at is not None and matter.next_check_at is None
    assert on_matters(run_sweep(due + dt.timedelta(days=3))) == {}  # long past: nothing happens
    assert services.Action.GIVE_INFORMATION in services.allowed_actions(h.p["mzb_staff"], matter)
    assert services.Action.REPLY in services.allowed_actions(h.p["xxk_head"], matter)
    # The originator answers on Wednesday 10:00: two working days later.
    clock.move_to(at(2026, 11, 25, 10, 0))
    matter = services.give_information(matter, h.p["mzb_staff"], text="截图见附件")
    assert matter.paused_at is None
    # One working day to reply (urgent), of which one working hour was used on Monday.
    assert (
        matter.reply_due
        == step_clock(matter.kind, "urgent", "reply", h.d["XXK"], at(2026, 11, 25, 9, 0)).due
    )
    assert matter.reply_due > due and matter.next_deadline == matter.reply_due
    (given,) = events(matter, EventType.INFO_GIVEN)
    assert given.data["paused_working_minutes"] > 0


def test_only_the_lead_asks_and_only_the_originator_answers(h, clock):
    matter = services.accept(dispatched(h), h.p["xxk_head"])
    with pytest.raises(services.NotAllowed):
        services.ask_originator(matter, h.p["mzb_staff"], question="?")
    with pytest.raises(services.InvalidInput):
        services.ask_originator(matter, h.p["xxk_head"], question="  ")
    services.ask_originator(matter, h.p["xxk_head"], question="哪台电脑？")
    with pytest.raises(services.NotAllowed):
        services.give_information(matter, h.p["xxk_staff"], text="x")
    assert Notification.objects.filter(recipient=h.p["mzb_staff"], ask=Ask.PROVIDE_INFO).exists()


def test_an_approved_extension_becomes_the_reply_deadline(h, clock):
    matter = services.accept(dispatched(h), h.p["xxk_head"])
    services.request_extension(
        matter, h.p["xxk_head"], due=dt.date(2026, 12, 10), reason="等待配件"
    )
    services.decide_extension(matter, h.p["office"], approve=True)
    matter.refresh_from_db()
    assert matter.reply_due == matter.next_deadline == matter.due_at
    assert matter.next_check_at == matter.due_at


def test_closed_matters_leave_the_sweep(h, clock):
    matter = services.accept(dispatched(h), h.p["xxk_head"])
    matter = services.reply(matter, h.p["xxk_head"], text="已处理")
    matter = services.confirm(matter, h.p["mzb_staff"], rating="satisfied")
    assert matter.next_check_at is None and matter.reminders_due == []


def test_the_sweep_command_runs_as_of_a_moment_and_can_move_the_clock(h, clock):
    matter = dispatched(h)
    out = StringIO()
    call_command("sweep", now="2026-11-23T09:00", stdout=out)
    assert "reminded" not in out.getvalue() and "escalated" not in out.getvalue()
    out = StringIO()
    call_command("sweep", now="2026-11-23T09:00", until="2026-12-04T18:00", every="1h", stdout=out)
    assert "escalated" in out.getvalue()
    matter.refresh_from_db()
    assert matter.escalation_level == EscalationLevel.LEADING_GROUP
    with pytest.raises(CommandError):
        call_command("sweep", now="next tuesday")
    with pytest.raises(CommandError):
        call_command("sweep", now="2026-11-23T09:00", until="2026-11-22T09:00")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_do_everything_once(concurrent_db):  # noqa: F811
    h = build_hospital("race")
    with time_machine.travel(MONDAY_9, tick=False):
        matters = [dispatched(h) for _ in range(6)]
    asked_before = Notification.objects.filter(ask=Ask.ACCEPT, recipient=h.p["xxk_head"]).count()
    moment = matters[0].accept_due
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep():
        try:
            barrier.wait()
            results.append(run_sweep(moment))
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sum(r.get("escalated", 0) for r in results) == 6
    for matter in matters:
        assert len(events(matter, EventType.ESCALATED)) == 1
        assert len(events(matter, EventType.BREACHED)) == 1
    # The head, asked once by each dispatch, is asked once more per matter by the rung.
    asked = Notification.objects.filter(ask=Ask.ACCEPT, recipient=h.p["xxk_head"]).count()
    assert asked == asked_before + 6

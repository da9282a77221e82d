"""The clock ledger, written by the services: each flow starts, moves and ends the right
clock (which department, due when, how it ended, the originator's confirmation); random
play with the sweep among the steps keeps one running clock per matter, the matter's own;
the migration fills the ledger for matters from before it as far as their rows tell."""

import collections
import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule, run_state_machine_as_test

from liaison.deadlines.sweep import run_sweep
from liaison.matters import services
from liaison.matters.models import Clock, ClockEnd, ClockKind, Matter, Rating, State

from .factories import MatterFactory, build_hospital, in_days
from .test_invariant import EXAMPLES, LifecycleMachine

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
ACCEPT, REPLY = ClockKind.ACCEPT, ClockKind.REPLY
RUNNING = ClockEnd.OPEN


@pytest.fixture
def h():
    return build_hospital()


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


def raise_matter(h, state=State.DISPATCHED, **kwargs) -> Matter:
    return MatterFactory(originator=h.p["mzb_staff"], by=h, state=state, **kwargs)


def ledger(matter: Matter) -> list[tuple]:
    """(kind, holder's code, how it ended) of each of the matter's clocks, oldest first."""
    return [
        (c.kind, c.department.code, c.end)
        for c in Clock.objects.filter(matter=matter).select_related("department")
    ]


def clocks(matter: Matter) -> list[Clock]:
    return list(Clock.objects.filter(matter=matter))


def test_a_dispatch_starts_the_leads_accept_clock(h, clock):
    matter = raise_matter(h)
    (accept,) = clocks(matter)
    assert (accept.kind, accept.department, accept.end) == (ACCEPT, h.d["XXK"], RUNNING)
    assert accept.started_at == MONDAY_9 and accept.due == matter.accept_due
    assert accept.organization == h.organization and accept.ended_at is None


def test_a_matter_waiting_at_the_office_runs_no_clock(h, clock):
    assert clocks(raise_matter(h, State.SUBMITTED)) == []


def test_accepting_meets_the_accept_clock_and_starts_the_reply_clock(h, clock):
    matter = raise_matter(h)
    clock.shift(dt.timedelta(hours=2))
    matter = services.accept(matter, h.p["xxk_head"])
    accept, reply = clocks(matter)
    assert (accept.end, accept.ended_at) == (ClockEnd.MET, MONDAY_9 + dt.timedelta(hours=2))
    assert (reply.kind, reply.department, reply.end) == (REPLY, h.d["XXK"], RUNNING)
    assert reply.started_at == accept.ended_at and reply.due == matter.reply_due


def test_a_return_ends_the_accept_clock_returned_and_starts_none(h, clock):
    matter = services.return_matter(raise_matter(h), h.p["xxk_head"], reason="不归我科")
    assert matter.owner_department == h.d["YB"]
    assert ledger(matter) == [(ACCEPT, "XXK", ClockEnd.RETURNED)]


@pytest.mark.parametrize("state", [State.DISPATCHED, State.ACCEPTED])
def test_a_transfer_ends_the_holders_clock_and_asks_the_new_lead_to_accept(h, clock, state):
    matter = raise_matter(h, state)
    matter = services.transfer(matter, h.p["xxk_head"], lead=h.d["YJK"], reason="属药剂科")
    *_, ended, started = clocks(matter)
    assert (ended.department, ended.end) == (h.d["XXK"], ClockEnd.TRANSFERRED)
    assert (started.kind, started.department, started.end) == (ACCEPT, h.d["YJK"], RUNNING)
    assert started.due == matter.accept_due


def test_an_escalation_ends_the_clock_and_the_lead_chosen_after_it_gets_a_new_one(h, clock):
    matter = raise_matter(h, State.ACCEPTED)
    matter = services.escalate(matter, h.p["mzb_staff"], reason="协调困难")
    matter = services.escalate(matter, h.p["mzb_head"], reason="协调困难")
    assert ledger(matter) == [(ACCEPT, "XXK", ClockEnd.MET), (REPLY, "XXK", ClockEnd.ESCALATED)]
    # The office's rung decides: no department clock runs while it does.
    matter = services.dispatch(matter, h.p["office_head"], lead=h.d["ZWK"], reason="总务牵头")
    assert ledger(matter)[-1] == (ACCEPT, "ZWK", RUNNING)
    services.check_invariant(matter)


def test_the_sweep_ends_a_missed_clock_escalated(h, clock):
    matter = raise_matter(h)
    first_due = matter.accept_due
    run_sweep(first_due)  # not accepted: to the lead's head, with a fresh time
    matter.refresh_from_db()
    missed, fresh = clocks(matter)
    assert (missed.end, missed.ended_at, missed.due) == (ClockEnd.ESCALATED, first_due, first_due)
    assert (fresh.kind, fresh.department, fresh.end) == (ACCEPT, h.d["XXK"], RUNNING)
    assert fresh.started_at == first_due and fresh.due == matter.accept_due > first_due
    run_sweep(matter.accept_due)  # the head did not accept either: to the office
    matter.refresh_from_db()
    assert matter.state == State.ESCALATED
    assert ledger(matter)[-1] == (ACCEPT, "XXK", ClockEnd.ESCALATED)
    services.check_invariant(matter)


def test_the_sweep_ends_a_missed_reply_clock_escalated(h, clock):
    matter = services.accept(raise_matter(h, urgency="emergency"), h.p["xxk_head"])
    run_sweep(matter.reply_due)
    assert ledger(matter)[-1] == (REPLY, "XXK", ClockEnd.ESCALATED)


def test_an_approved_extension_moves_the_reply_clocks_due(h, clock):
    matter = raise_matter(h, State.ACCEPTED, due=in_days(3))
    (_, reply) = clocks(matter)
    services.request_extension(matter, h.p["xxk_head"], due=in_days(10), reason="等配件")
    assert Clock.objects.get(pk=reply.pk).due == reply.due  # asked, not taken
    services.decide_extension(matter, h.p["office"], approve=True)
    matter.refresh_from_db()
    moved = Clock.objects.get(pk=reply.pk)
    assert moved.due == matter.reply_due == matter.due_at > reply.due
    assert (moved.started_at, moved.end) == (reply.started_at, RUNNING)
    assert len(clocks(matter)) == 2


def test_a_denied_extension_moves_nothing(h, clock):
    matter = raise_matter(h, State.ACCEPTED, due=in_days(3))
    (_, reply) = clocks(matter)
    services.request_extension(matter, h.p["xxk_head"], due=in_days(10), reason="等配件")
    services.decide_extension(matter, h.p["office"], approve=False, reason="不能再等")
    assert Clock.objects.get(pk=reply.pk).due == reply.due


def test_waiting_on_the_originator_moves_the_due_by_the_time_it_stood(h, clock):
    matter = services.accept(raise_matter(h, urgency="urgent"), h.p["xxk_head"])
    (_, reply) = clocks(matter)
    clock.shift(dt.timedelta(hours=1))
    matter = services.ask_originator(matter, h.p["xxk_head"], question="请提供故障截图")
    assert Clock.objects.get(pk=reply.pk).due == reply.due  # standing, not yet moved
    clock.shift(dt.timedelta(days=2))
    matter = services.give_information(matter, h.p["mzb_staff"], text="截图见附件")
    moved = Clock.objects.get(pk=reply.pk)
    assert moved.due == matter.reply_due > reply.due and moved.end == RUNNING


def test_a_reply_meets_the_reply_clock_when_replied(h, clock):
    matter = raise_matter(h, State.ACCEPTED)
    clock.shift(dt.timedelta(hours=5))
    matter = services.reply(matter, h.p["xxk_head"], text="已处理")
    (_, reply) = clocks(matter)
    assert (reply.end, reply.ended_at) == (ClockEnd.MET, matter.replied_at)
    assert reply.confirmed_at is None and reply.rating == ""


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY_SATISFIED])
def test_a_satisfied_confirmation_is_recorded_on_the_reply(h, clock, rating):
    matter = raise_matter(h, State.REPLIED)
    clock.shift(dt.timedelta(hours=3))
    matter = services.confirm(matter, h.p["mzb_staff"], rating=rating)
    (_, reply) = clocks(matter)
    assert (reply.confirmed_at, reply.rating, reply.reopened) == (matter.closed_at, rating, False)
    services.check_invariant(matter)


def test_an_unsatisfied_confirmation_reopens_the_reply_and_starts_a_new_one(h, clock):
    matter = raise_matter(h, State.REPLIED)
    clock.shift(dt.timedelta(hours=3))
    matter = services.confirm(matter, h.p["mzb_staff"], rating=Rating.UNSATISFIED, comment="没修好")
    _, redone, again = clocks(matter)
    assert (redone.rating, redone.reopened) == (Rating.UNSATISFIED, True)
    assert redone.confirmed_at == MONDAY_9 + dt.timedelta(hours=3)
    assert (again.kind, again.department, again.end) == (REPLY, h.d["XXK"], RUNNING)
    assert again.started_at == redone.confirmed_at and again.due == matter.reply_due
    # The second reply is a unit of its own, confirmed on its own.
    matter = services.reply(matter, h.p["xxk_head"], text="已更换")
    matter = services.confirm(matter, h.p["mzb_staff"], rating=Rating.SATISFIED)
    redone, again = clocks(matter)[1:]
    assert (redone.rating, again.rating, again.reopened) == ("unsatisfied", "satisfied", False)


def test_reopening_a_closed_matter_gives_the_lead_a_new_reply_clock(h, clock):
    matter = raise_matter(h, State.CLOSED)
    matter = services.reopen(matter, h.p["mzb_staff"], reason="又坏了")
    _, confirmed, again = clocks(matter)
    assert (confirmed.rating, confirmed.reopened) == (Rating.SATISFIED, False)
    assert (again.kind, again.department, again.end) == (REPLY, h.d["XXK"], RUNNING)
    services.check_invariant(matter)


def test_a_withdrawal_ends_the_accept_clock_withdrawn(h, clock):
    matter = services.withdraw(raise_matter(h), h.p["mzb_staff"], reason="已自行解决")
    assert ledger(matter) == [(ACCEPT, "XXK", ClockEnd.WITHDRAWN)]


def test_the_office_taking_it_from_the_lead_ends_the_clock_closed(h, clock):
    matter = raise_matter(h, State.ACCEPTED)
    matter = services.dispatch(matter, h.p["office"], lead=h.d["ZWK"], reason="改由总务牵头")
    assert ledger(matter) == [
        (ACCEPT, "XXK", ClockEnd.MET),
        (REPLY, "XXK", ClockEnd.CLOSED),
        (ACCEPT, "ZWK", RUNNING),
    ]


def test_closing_as_not_a_matter_leaves_no_clock_running(h, clock):
    matter = raise_matter(h)
    for who in ("xxk_head", "xxk_head", "office", "vp"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    matter = services.close_as_not_a_matter(matter, h.p["group_member"], reason="按制度执行")
    assert ledger(matter) == [(ACCEPT, "XXK", ClockEnd.ESCALATED)]
    services.check_invariant(matter)


def test_a_refused_action_writes_no_clock(h, clock):
    matter = raise_matter(h)
    with pytest.raises(services.NotAllowed):
        services.accept(matter, h.p["outsider"])
    assert ledger(matter) == [(ACCEPT, "XXK", RUNNING)]


class SweptLifecycleMachine(LifecycleMachine):
    """The invariant's random play (services.check_invariant after every step checks the
    ledger), with time passing: the sweep reminds, records missed limits and climbs."""

    @rule(data=st.data())
    def time_passes(self, data):
        due = [m for m in self.open_matters() if m.next_check_at is not None]
        # Now and then: a sweep at every step would escalate most matters first.
        if not due or data.draw(st.integers(0, 2), label="not yet") > 0:
            return
        matter = data.draw(st.sampled_from(due), label="swept")
        self.stats.update(services.check_clocks([matter.pk], matter.next_check_at))

    def teardown(self):
        ends = Clock.objects.filter(matter__in=self.matters).values_list("end", flat=True)
        self.stats.update(f"clock {end or 'running'}" for end in ends)
        super().teardown()


def test_random_actions_and_sweeps_keep_one_running_clock_the_matters_own(db):
    SweptLifecycleMachine.hospital = build_hospital()
    SweptLifecycleMachine.stats = stats = collections.Counter()
    run_state_machine_as_test(
        SweptLifecycleMachine,
        settings=settings(
            max_examples=EXAMPLES or 8,
            stateful_step_count=50,
            deadline=None,
            database=None,
            derandomize=not EXAMPLES,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    ends = ["met", "escalated", "returned", "transferred", "closed", "withdrawn", "running"]
    assert all(stats[f"clock {end}"] for end in ends), stats


def test_the_migration_fills_the_ledger_from_the_matters_rows(h, clock):
    dispatched = raise_matter(h)
    accepted = raise_matter(h, State.ACCEPTED)
    replied = raise_matter(h, State.REPLIED)
    closed = raise_matter(h, State.CLOSED)
    withdrawn = raise_matter(h, State.WITHDRAWN)
    written = {m.pk: [_row(c) for c in clocks(m)] for m in (dispatched, accepted, replied, closed)}
    Clock.objects.all().delete()
    migration = importlib.import_module("liaison.matters.migrations.0016_fill_clock_ledger")
    migration.fill(apps, None)
    # The running clock, or the last reply, as the services wrote it; not the accept
    # clock of an accepted matter (its due is gone), nothing of the withdrawn one.
    assert [_row(c) for c in clocks(dispatched)] == written[dispatched.pk]
    for matter in (accepted, replied, closed):
        assert [_row(c) for c in clocks(matter)] == written[matter.pk][-1:]
    assert clocks(withdrawn) == []
    migration.fill(apps, None)  # once per matter
    assert Clock.objects.count() == 4


def _row(clock: Clock) -> tuple:
    return (
        clock.kind,
        clock.department_id,
        clock.started_at,
        clock.due,
        clock.ended_at,
        clock.end,
        clock.confirmed_at,
        clock.rating,
        clock.reopened,
    )

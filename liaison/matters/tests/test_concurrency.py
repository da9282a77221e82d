"""Two people acting on one matter at the same moment, in real concurrent transactions.

Each action runs in its own thread with its own database connection; a barrier releases
them together, and the services' permission check is slowed down (after the row lock, so
the slowdown sits inside the critical section) to make the race window wide: without the
row lock (PostgreSQL) or the immediate write transaction (SQLite) both would pass their
checks and both would write.

SQLite: the test database is normally a shared-cache in-memory database, where a second
writer fails at once with "database table is locked" (shared-cache locks are table locks
and ignore busy_timeout). The `concurrent_db` fixture therefore copies the freshly
migrated test database into a file for the duration of each test, so the threads run
exactly as production does: WAL, BEGIN IMMEDIATE, busy_timeout=5000.
"""

import sqlite3
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import translation

from liaison.matters import policy, services
from liaison.matters.models import CoOrganizer, EventType, Matter, MatterEvent, State
from liaison.matters.services import MatterInput, WrongState

from .factories import MatterFactory, build_hospital, in_days, seeded_kind

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def concurrent_db(transactional_db, tmp_path):
    """A test database that several connections can write to at once."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(path)
    memory.connection.backup(copy)
    copy.close()
    original = connections.settings["default"]
    on_file = {**original, "NAME": str(path)}
    connections.settings["default"] = on_file  # connections opened by threads
    main = memory.__class__(on_file, "default")
    connections["default"] = main  # this thread's connection
    try:
        yield
    finally:
        main.close()
        connections["default"] = memory
        connections.settings["default"] = original


@pytest.fixture
def h(concurrent_db):
    with transaction.atomic():  # one commit (SQLite on file syncs every commit)
        return build_hospital()


@pytest.fixture(autouse=True)
def slow_checks(monkeypatch):
    """Hold each action inside its transaction for a moment after its checks."""
    check = policy.require

    def slow(person, matter, action):
        check(person, matter, action)
        time.sleep(0.15)

    monkeypatch.setattr(policy, "require", slow)


def race(*calls):
    """Run the calls at the same moment, each in a thread with its own connection; return
    each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            with translation.override("en"):
                barrier.wait(timeout=10)
                outcomes[index] = call()
        except Exception as exc:  # the outcome under test
            outcomes[index] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def winners(outcomes):
    return [i for i, outcome in enumerate(outcomes) if isinstance(outcome, Matter)]


def events(matter, type_):
    return MatterEvent.objects.filter(matter=matter, type=type_).count()


def fresh(matter):
    matter = Matter.objects.get(pk=matter.pk)
    services.check_invariant(matter)
    return matter


def test_two_people_accepting_at_once_one_wins_and_the_other_learns_who(h):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.DISPATCHED)
    people = [h.p["xxk_head"], h.p["xxk_liaison"]]
    outcomes = race(*(lambda p=p: services.accept(matter, p) for p in people))
    assert len(winners(outcomes)) == 1, outcomes
    [won] = winners(outcomes)
    lost = outcomes[1 - won]
    assert isinstance(lost, WrongState), lost
    assert f"Accepted by {people[won].name}" in lost.message
    matter = fresh(matter)
    assert matter.state == State.ACCEPTED
    assert events(matter, EventType.ACCEPTED) == 1


def test_accept_against_return_one_wins(h):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.DISPATCHED)
    outcomes = race(
        lambda: services.accept(matter, h.p["xxk_head"]),
        lambda: services.return_matter(matter, h.p["xxk_liaison"], reason="不属于信息科"),
    )
    assert len(winners(outcomes)) == 1, outcomes
    [won] = winners(outcomes)
    lost = outcomes[1 - won]
    assert isinstance(lost, WrongState), lost
    matter = fresh(matter)
    if won == 0:
        assert "Accepted by 赵信息" in lost.message
        assert (matter.state, matter.return_count) == (State.ACCEPTED, 0)
    else:
        assert "Returned by 钱联络" in lost.message
        assert (matter.state, matter.return_count) == (State.SUBMITTED, 1)
    assert events(matter, EventType.ACCEPTED) + events(matter, EventType.RETURNED) == 1


def test_two_co_organizers_give_their_parts_at_once_and_both_count(h):
    matter = MatterFactory(
        originator=h.p["yjk_liaison"],
        by=h,
        state=State.ACCEPTED,
        co_departments=[h.d["MZB"], h.d["ZWK"]],
    )
    outcomes = race(
        lambda: services.contribute(matter, h.p["mzb_head"], text="门诊部意见"),
        lambda: services.contribute(matter, h.p["zwk_head"], text="总务科意见"),
    )
    assert winners(outcomes) == [0, 1], outcomes
    assert events(matter, EventType.CONTRIBUTED) == 2
    parts = CoOrganizer.objects.filter(matter=matter)
    assert {(c.department.code, c.text) for c in parts} == {
        ("MZB", "门诊部意见"),
        ("ZWK", "总务科意见"),
    }


def test_the_same_co_organizer_giving_its_part_twice_at_once_counts_once(h):
    matter = MatterFactory(
        originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED, co_departments=[h.d["MZB"]]
    )
    people = [h.p["mzb_head"], h.p["mzb_liaison"]]
    outcomes = race(
        *(lambda p=p: services.contribute(matter, p, text=f"{p.name}的意见") for p in people)
    )
    assert len(winners(outcomes)) == 1, outcomes
    [won] = winners(outcomes)
    lost = outcomes[1 - won]
    assert isinstance(lost, WrongState), lost
    assert f"门诊部 already gave its part: {people[won].name}" in lost.message
    assert events(matter, EventType.CONTRIBUTED) == 1
    part = CoOrganizer.objects.get(matter=matter)
    assert (part.contributed_by, part.text) == (people[won], f"{people[won].name}的意见")


def test_dispatch_against_withdraw_ends_withdrawn_either_way(h):
    matter = MatterFactory(originator=h.p["yjk_liaison"], state=State.SUBMITTED)
    outcomes = race(
        lambda: services.dispatch(matter, h.p["office"], lead=h.d["XXK"]),
        lambda: services.withdraw(matter, h.p["yjk_liaison"], reason="已自行解决"),
    )
    matter = fresh(matter)
    assert matter.state == State.WITHDRAWN
    assert isinstance(outcomes[1], Matter), outcomes  # withdrawing before acceptance is fine
    if isinstance(outcomes[0], Matter):
        # Dispatched first, then withdrawn (still before acceptance): both legitimate.
        types = list(matter.events.values_list("type", flat=True))
        assert types[-2:] == [EventType.DISPATCHED, EventType.WITHDRAWN]
    else:
        assert isinstance(outcomes[0], WrongState), outcomes
        assert "Withdrawn by 吴联络" in outcomes[0].message
        assert events(matter, EventType.DISPATCHED) == 0
    assert events(matter, EventType.WITHDRAWN) == 1


def test_two_deciders_of_one_extension_request_one_wins(h):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    services.request_extension(matter, h.p["xxk_head"], due=in_days(30), reason="等配件")
    deciders = [h.p["office"], h.p["vp"]]  # the dispatcher and the leader in charge
    outcomes = race(
        lambda: services.decide_extension(matter, deciders[0], approve=True),
        lambda: services.decide_extension(matter, deciders[1], approve=False, reason="不同意"),
    )
    won = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
    assert len(won) == 1, outcomes
    lost = outcomes[1 - won[0]]
    assert isinstance(lost, WrongState), lost
    assert deciders[won[0]].name in lost.message
    assert events(matter, EventType.EXTENSION_DECIDED) == 1
    matter = fresh(matter)
    assert matter.due == (in_days(30) if won == [0] else in_days(matter.kind.default_days))


def test_matters_raised_at_the_same_moment_get_distinct_numbers(h):
    kind = seeded_kind(h.organization)
    people = [h.p[k] for k in ("yjk_liaison", "mzb_liaison", "zwk_liaison", "xxk_liaison")]
    outcomes = race(
        *(
            lambda p=p: services.create_matter(p, MatterInput(title=f"{p.name}的事项", kind=kind))
            for p in people
        )
    )
    assert all(isinstance(outcome, Matter) for outcome in outcomes), outcomes
    numbers = sorted(outcome.number for outcome in outcomes)
    assert [number[-6:] for number in numbers] == ["000001", "000002", "000003", "000004"]

"""The demo matters: every state, real timelines, work for every demo login, the
work-clothes chain, and the same matters from the same seed.

The hospital and its matters are built once for the module (a smaller count than the
default 300, to keep the suite fast) inside a transaction rolled back at the end.
"""

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from liaison.matters import selectors, services
from liaison.matters.demo import WORK_CLOTHES, build_demo_matters
from liaison.matters.models import (
    OPEN_STATES,
    EscalationLevel,
    EventType,
    ExtensionState,
    Matter,
    Rating,
    Resolution,
    State,
)
from liaison.org.demo import DEMO_LOGINS, build_demo_hospital
from liaison.org.models import Person

COUNT = 70

pytestmark = pytest.mark.django_db


def snapshot(organization):
    return list(
        Matter.objects.filter(organization=organization)
        .order_by("number")
        .values_list("number", "title", "state", "lead_department__code", "escalation_level")
    )


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        organization = build_demo_hospital()
        # Built twice from the same seed: the first build is rolled back after a snapshot.
        savepoint = transaction.savepoint()
        first = build_demo_matters(organization, count=COUNT, seed=7)
        first_snapshot = snapshot(organization)
        transaction.savepoint_rollback(savepoint)
        result = build_demo_matters(organization, count=COUNT, seed=7)
        yield organization, result, first, first_snapshot
        transaction.set_rollback(True)


def person(username):
    return Person.objects.get(user__username=username)


def test_builds_the_asked_number_of_matters_as_planned(demo):
    organization, result, _first, _snapshot = demo
    assert result.failures == []
    assert result.total == COUNT == Matter.objects.filter(organization=organization).count()


def test_every_state_occurs(demo):
    organization, result, _first, _snapshot = demo
    assert set(result.counts) == set(State.values)
    matters = Matter.objects.filter(organization=organization)
    done = matters.filter(state__in=[State.CLOSED, State.ARCHIVED])
    assert done.filter(rating=Rating.SATISFIED).exists()
    assert done.filter(rating=Rating.BASICALLY_SATISFIED).exists()
    assert done.filter(resolution=Resolution.NOT_A_MATTER).exists()
    assert matters.filter(reopen_count__gt=0).exists()  # unsatisfied, handled again
    levels = set(matters.filter(state=State.ESCALATED).values_list("escalation_level", flat=True))
    assert {EscalationLevel.LEADER_IN_CHARGE, EscalationLevel.LEADING_GROUP} <= levels
    assert len(levels) >= 3


def test_timelines_are_real_and_spread_over_weeks(demo):
    organization, _result, _first, _snapshot = demo
    matters = Matter.objects.filter(organization=organization)
    types = set(matters.values_list("events__type", flat=True).exclude(events__type__isnull=True))
    assert {
        EventType.RETURNED,
        EventType.TRANSFERRED,
        EventType.CONTRIBUTED,
        EventType.EXTENSION_REQUESTED,
        EventType.EXTENSION_DECIDED,
        EventType.COMMENTED,
        EventType.REOPENED,
        EventType.WITHDRAWN,
        EventType.ARCHIVED,
    } <= types
    first, last = (
        matters.order_by("created_at").first().created_at,
        matters.order_by("-created_at").first().created_at,
    )
    assert (last - first).days >= 60
    # Numbers follow dates.
    ordered = list(matters.order_by("created_at", "pk").values_list("number", flat=True))
    by_prefix = {}
    for number in ordered:
        prefix, _year, serial = number.split("-")
        assert int(serial) > by_prefix.get(prefix, 0)
        by_prefix[prefix] = int(serial)
    decided = {
        e.state
        for m in matters.filter(extensions__isnull=False).distinct()
        for e in m.extensions.all()
    }
    assert {ExtensionState.APPROVED, ExtensionState.DENIED, ExtensionState.PENDING} <= decided
    open_matters = matters.filter(state__in=OPEN_STATES)
    overdue = open_matters.filter(next_deadline__lt=timezone.now()).count()
    assert 0 < overdue < open_matters.count()


def test_every_open_matter_keeps_the_invariant(demo):
    organization, _result, _first, _snapshot = demo
    for matter in Matter.objects.filter(organization=organization):
        services.check_invariant(matter)


@pytest.mark.parametrize("login", [login.username for login in DEMO_LOGINS])
def test_every_demo_login_has_something_to_do(demo, login):
    assert selectors.todo(person(login)).exists()


def test_the_todo_of_each_role_holds_what_the_readme_promises(demo):
    zhuren = selectors.todo(person("zhuren"))
    assert zhuren.filter(state=State.DISPATCHED, lead_department__code="XXK").exists()
    assert zhuren.filter(state=State.ACCEPTED, lead_department__code="XXK").exists()

    lianluo = person("lianluo")
    assert selectors.todo(lianluo).filter(state=State.REPLIED, originator=lianluo).exists()
    assert selectors.raised_by(lianluo).count() >= 4

    yuanban = person("yuanban")
    waiting = selectors.todo(yuanban)
    assert waiting.filter(state=State.SUBMITTED, responsible_person=yuanban).exists()  # returned
    assert waiting.filter(state=State.ESCALATED).exists()

    fuyuanzhang = person("fuyuanzhang")
    waiting = selectors.todo(fuyuanzhang)
    assert waiting.filter(
        state=State.ESCALATED,
        escalation_level=EscalationLevel.LEADER_IN_CHARGE,
        responsible_person=fuyuanzhang,
    ).exists()
    assert waiting.filter(extensions__state=ExtensionState.PENDING, dispatcher=fuyuanzhang).exists()

    yuanzhang = person("yuanzhang")
    assert (
        selectors.todo(yuanzhang)
        .filter(
            state=State.ESCALATED,
            escalation_level=EscalationLevel.LEADING_GROUP,
            responsible_person=yuanzhang,
        )
        .exists()
    )


def test_the_work_clothes_chain_shows_who_was_asked_in_order(demo):
    organization, _result, _first, _snapshot = demo
    matter = Matter.objects.get(organization=organization, title=WORK_CLOTHES.title)
    assert matter.state == State.CLOSED
    assert matter.rating == Rating.BASICALLY_SATISFIED
    assert (matter.return_count, matter.transfer_count) == (3, 1)
    holders = []
    for event in matter.events.select_related("owner_department").order_by("at", "pk"):
        code = event.owner_department.code if event.owner_department else None
        if code and (not holders or holders[-1] != code):
            holders.append(code)
    # The team raises it → stores → (back) → HR → finance → (back) → HR → (back) →
    # department heads → office → the team leads, stores and HR co-organize.
    assert holders == [
        "ZWHQK",
        "WZB",
        "ZWHQK",
        "RLZYK",
        "CWK",
        "ZWHQK",
        "RLZYK",
        "ZWHQK",
        "YB",
        "ZWHQK",
    ]
    said = [
        (e.type, e.actor_department.code)
        for e in matter.events.filter(
            type__in=[EventType.RETURNED, EventType.TRANSFERRED]
        ).select_related("actor_department")
    ]
    assert said == [
        (EventType.RETURNED, "WZB"),
        (EventType.TRANSFERRED, "RLZYK"),
        (EventType.RETURNED, "CWK"),
        (EventType.RETURNED, "RLZYK"),
    ]
    assert all(e.reason for e in matter.events.filter(type=EventType.RETURNED))
    assert matter.co_organizers.filter(contributed_at__isnull=False).count() == 2


def test_the_same_seed_builds_the_same_matters(demo):
    organization, result, first, first_snapshot = demo
    assert first.counts == result.counts
    assert first_snapshot == snapshot(organization)

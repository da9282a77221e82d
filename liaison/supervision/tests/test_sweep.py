"""The sweep: a supervision's deadline passing without an accepted reply is told once,
however many sweeps run; supervisions that need no reply end with their matter."""

import datetime

import pytest
from django.utils import timezone

from liaison.inbox.models import Ask, Notification
from liaison.matters import services as matter_services
from liaison.matters.models import EventType
from liaison.matters.tests.factories import in_days
from liaison.supervision import services
from liaison.supervision.models import Supervision

from .conftest import submit

pytestmark = pytest.mark.django_db


def days_later(days: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def overdue_notices() -> int:
    return Notification.objects.filter(ask=Ask.OVERDUE).count()


def test_a_passed_deadline_is_told_once_to_the_supervisor_and_the_holder(h, supervised):
    assert services.sweep(days_later(5)) == {"supervision_overdue": 0, "supervision_ended": 0}
    assert overdue_notices() == 0  # the deadline day itself is not yet overdue

    first = services.sweep(days_later(6))
    second = services.sweep(days_later(6))
    assert first["supervision_overdue"] == 1 and second["supervision_overdue"] == 0
    for key in ("supervisor", "xxk_head", "xxk_liaison"):
        assert Notification.objects.filter(recipient=h.p[key], ask=Ask.OVERDUE).count() == 1
    assert supervised.events.filter(type=EventType.BREACHED).count() == 1
    supervision = supervised.supervisions.get()
    assert supervision.overdue_notified_at is not None

    services.sweep(days_later(9))
    assert supervised.events.filter(type=EventType.BREACHED).count() == 1


def test_a_claimed_supervision_is_not_told_again(h, supervised):
    # Another sweep claimed it a moment ago (the conditional UPDATE found it first).
    Supervision.objects.update(overdue_notified_at=timezone.now())
    assert services.sweep(days_later(8))["supervision_overdue"] == 0
    assert overdue_notices() == 0


def test_an_accepted_reply_is_never_overdue(h, supervised):
    submit(h, supervised)
    services.review_rectification(supervised, h.p["supervisor"], accept=True)
    assert services.sweep(days_later(30))["supervision_overdue"] == 0
    assert overdue_notices() == 0


def test_a_supervision_without_reply_ends_with_its_matter(h, matter):
    services.supervise(
        matter, h.p["supervisor"], deadline=in_days(9), reason="跟踪", rectification_required=False
    )
    assert services.sweep()["supervision_ended"] == 0
    matter_services.reply(matter, h.p["xxk_head"], text="已处理")
    assert services.sweep()["supervision_ended"] == 0  # waiting for confirmation: still open
    matter_services.confirm(matter, matter.originator, rating="satisfied")
    assert services.sweep()["supervision_ended"] == 1
    supervision = matter.supervisions.get()
    assert not supervision.is_active and supervision.ended_at is not None
    assert services.sweep()["supervision_ended"] == 0

"""The sweep writes in the site's language, yet its reminders read in each reader's."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from liaison.deadlines.sweep import run_sweep
from liaison.inbox.models import Ask, Notification
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, build_hospital

MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def h(db):
    return build_hospital()


def test_a_swept_reminder_reads_in_english_and_in_chinese(h, client):
    with time_machine.travel(MONDAY_9, tick=False):
        matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED)
        run_sweep(matter.next_check_at)
    (reminder,) = Notification.objects.filter(ask=Ask.REMINDER)
    client.force_login(reminder.recipient.user)
    english = client.get(reverse("inbox:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("inbox:list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Due " in english and "时限：" not in english
    assert "时限：" in chinese

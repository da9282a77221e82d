"""The leader's tiles fed by other areas: meetings' decisions still open as matters, and
the notices their departments issued that some have not read; each count opens exactly
what it counts."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from liaison.meetings import services as meetings
from liaison.meetings.models import Attendance, Presence
from liaison.meetings.tests.factories import RoomFactory, SeriesFactory
from liaison.notices.services import mark_read
from liaison.notices.tests.factories import publish

from .test_dashboard import counted, rows_of

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:dashboard")


def held_with_decisions(h, *titles):
    """A meeting of 信息科 chaired by 沈院长, its minutes approved with these decisions."""
    room = RoomFactory(organization=h.organization, code="r1", name="第一会议室")
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH)],
    )
    meeting = series.meetings.order_by("start").first()
    due = timezone.localdate() + datetime.timedelta(days=30)
    with time_machine.travel(meeting.end + datetime.timedelta(hours=1), tick=False):
        decisions = tuple(
            meetings.DecisionInput(title, h.d["XXK"], h.p["xxk_staff"], due) for title in titles
        )
        meetings.save_minutes(
            meeting,
            h.p["xxk_head"],
            meetings.MinutesInput(summary="会议讨论了叫号系统。", decisions=decisions),
        )
        meetings.record_attendance(
            meeting, h.p["xxk_head"], [meetings.PresenceInput(h.p["president"], Presence.PRESENT)]
        )
        meetings.approve_minutes(meeting, h.p["president"])
    return meeting


def test_open_meeting_decisions_count_and_open_exactly_those_matters(client, h):
    held_with_decisions(h, "更换叫号服务器", "培训导诊人员")
    client.force_login(h.p["president"].user)
    response = client.get(DASHBOARD)
    [(count, url)] = counted(response, "tile-decisions")
    assert count == 2
    assert rows_of(client, url) == 2


def unread_in_statistics(client, notice) -> int:
    url = reverse("notices:stats", args=[notice.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return sum(int(n) for n in re.findall(r"(\d+) ha(?:s|ve) not read it", html))


def test_notices_not_read_by_everyone_count_what_their_statistics_show(client, h):
    notice = publish(h, by="president", department="YLD", title="关于院感自查的通知")
    mark_read(notice, h.p["xxk_head"])
    client.force_login(h.p["president"].user)
    response = client.get(DASHBOARD)
    [(count, url)] = counted(response, "notice-unread")
    assert url == reverse("notices:detail", args=[notice.pk])
    assert count == unread_in_statistics(client, notice) > 0
    other = publish(h, by="office_head", department="YB", title="院办的通知")
    client.force_login(h.p["secretary"].user)  # issued neither
    assert counted(client.get(DASHBOARD), "notice-unread") == []
    assert other.pk

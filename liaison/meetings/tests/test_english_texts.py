"""A meeting read in English reads as English: the weekday before the date, a pre-briefing
named without Chinese (通气 stays in the Chinese translation), the time zone by its name
rather than its ID."""

import pytest
from django.utils import timezone

from liaison.meetings import services
from liaison.meetings.models import Attendance

from .factories import SeriesFactory
from .test_pages import login, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def series(h, room):
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )


def test_the_meeting_time_puts_the_weekday_first(client, h, series):
    meeting = series.meetings.order_by("start").first()
    html = page(login(client, h.p["xxk_head"]), f"/meetings/{meeting.pk}/")
    start = timezone.localtime(meeting.start)
    assert f"{start:%A} {start.day} {start:%B} {start.year}" in html


def test_a_pre_briefing_is_named_in_english_on_the_agenda_and_in_the_inbox(client, h, series):
    meeting = series.meetings.order_by("start").first()
    services.propose_item(
        meeting,
        h.p["mzb_head"],
        services.ItemInput(
            title="门诊叫号系统改造", prebriefing="先请院长了解。", prebriefed=(h.p["president"],)
        ),
    )
    president = login(client, h.p["president"])
    agenda = page(president, f"/meetings/{meeting.pk}/")
    assert "<strong>Pre-briefing</strong>" in agenda and "通气" not in agenda
    inbox = page(president, "/inbox/")
    assert "Pre-briefing on: 门诊叫号系统改造" in inbox and "通气" not in inbox


def test_the_series_and_the_quiet_hours_name_the_time_zone(client, h, series):
    reader = login(client, h.p["xxk_head"])
    for html in (
        page(reader, f"/meetings/series/{series.pk}/"),
        page(reader, "/inbox/preferences/"),
    ):
        assert "China Standard Time" in html and "Asia/Shanghai" not in html

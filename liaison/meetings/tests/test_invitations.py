"""Invitation e-mails carry the meeting as a calendar file, so that one click puts it (or
its change) into the recipient's calendar."""

import datetime

import icalendar
import pytest

from liaison.meetings import services
from liaison.meetings.models import Attendance

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db


def calendars(mails, address):
    """The calendar files of the e-mails sent to `address`."""
    return [
        icalendar.Calendar.from_ical(content)
        for mail in mails
        if address in mail.to
        for filename, content, mimetype in mail.attachments
        if mimetype == "text/calendar" and filename.endswith(".ics")
    ]


def test_a_series_invitation_and_a_move_come_with_the_calendar_file(
    h, room, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        series = SeriesFactory(
            by=h.p["xxk_head"],
            organizer=h.d["XXK"],
            room=room,
            departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
        )
    head = h.p["mzb_head"]
    (invited,) = calendars(mailoutbox, head.email)
    (event,) = invited.walk("VEVENT")
    assert str(event["SUMMARY"]) == series.title
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["FR"]

    mailoutbox.clear()
    meeting = series.meetings.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.move_meeting(
            meeting,
            h.p["xxk_head"],
            start=meeting.start + datetime.timedelta(hours=1),
            room=room,
            online_link="",
        )
    (moved,) = calendars(mailoutbox, head.email)
    override = [e for e in moved.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert [e["RECURRENCE-ID"].dt for e in override] == [meeting.recurrence_id]
    assert override[0]["DTSTART"].dt == meeting.start + datetime.timedelta(hours=1)


def test_other_notices_have_no_attachment(h, room, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        series = SeriesFactory(
            by=h.p["xxk_head"],
            organizer=h.d["XXK"],
            room=room,
            departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
        )
    mailoutbox.clear()
    meeting = series.meetings.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.propose_item(
            meeting, h.p["mzb_head"], services.ItemInput(title="门诊叫号系统改造")
        )
    assert mailoutbox, "the organizers are told of the proposal"
    assert all(not mail.attachments for mail in mailoutbox)

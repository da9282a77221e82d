"""After a meeting: it says what its record still lacks and who is to see to it, on its
page and in the "my meetings" of those people, until the minutes are approved."""

import datetime

import pytest
import time_machine

from liaison.meetings import selectors, services
from liaison.meetings.models import Attendance, Presence

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def ended(h, room):
    """信息科's meeting with 门诊部 (heads), chaired by 沈院长; it ended an hour ago."""
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )
    meeting = series.meetings.order_by("start").first()
    with time_machine.travel(meeting.end + datetime.timedelta(hours=1), tick=False):
        yield meeting


def minutes_by(h, meeting, recorder):
    return services.save_minutes(
        meeting,
        h.p["xxk_head"],
        services.MinutesInput(summary="会议讨论了门诊叫号系统。", recorder=recorder),
    )


def attendance(h, meeting):
    services.record_attendance(
        meeting, h.p["xxk_head"], [services.PresenceInput(h.p["president"], Presence.PRESENT)]
    )


def waiting(person) -> list[str]:
    return [missing.text for _meeting, _seen, missing in selectors.waiting_for(person)]


def test_an_ended_meeting_says_what_is_missing_and_who_is_to_do_it(h, ended):
    meeting = ended
    before = selectors.outstanding(meeting, meeting.end - datetime.timedelta(minutes=1))
    assert before is None  # not before it ends
    missing = selectors.outstanding(meeting)
    assert "record attendance and write the minutes" in missing.text
    assert "信息科" in missing.text and not missing.approval

    minutes_by(h, meeting, h.p["xxk_liaison"])
    missing = selectors.outstanding(meeting)
    assert "钱联络 is to record attendance." in missing.text

    attendance(h, meeting)
    missing = selectors.outstanding(meeting)
    assert "沈院长 is to approve the minutes" in missing.text and missing.approval

    services.approve_minutes(meeting, h.p["president"])
    meeting.refresh_from_db()
    assert selectors.outstanding(meeting) is None


def test_a_cancelled_meeting_lacks_nothing(h, room):
    series = SeriesFactory(by=h.p["xxk_head"], organizer=h.d["XXK"], room=room)
    meeting = series.meetings.order_by("start").first()
    services.cancel_meeting(meeting, h.p["xxk_head"], reason="改期")
    meeting.refresh_from_db()
    later = meeting.end + datetime.timedelta(days=1)
    assert selectors.outstanding(meeting, later) is None


def test_the_meeting_waits_in_the_my_meetings_of_whoever_is_to_act(h, ended):
    meeting = ended
    assert waiting(h.p["xxk_head"]) and not waiting(h.p["mzb_head"])  # invited only
    assert not waiting(h.p["office"])  # may organize any meeting, but this is not theirs
    minutes_by(h, meeting, h.p["xxk_liaison"])
    attendance(h, meeting)
    # Now only the chair approves: the organizers and the recorder wait no more.
    assert waiting(h.p["president"]) and not waiting(h.p["xxk_liaison"])
    assert not waiting(h.p["xxk_head"])


def test_my_meetings_lists_it_for_whoever_is_to_act(client, h, ended):
    meeting = ended
    minutes_by(h, meeting, h.p["xxk_liaison"])
    client.force_login(h.p["xxk_liaison"].user)
    mine = client.get("/meetings/mine/", **EN).content.decode()
    assert f'data-testid="waiting-meeting" data-meeting="{meeting.pk}"' in mine
    assert "The meeting has ended; the recorder 钱联络 is to record attendance." in mine
    client.force_login(h.p["mzb_head"].user)
    assert 'data-testid="my-waiting"' not in client.get("/meetings/mine/", **EN).content.decode()


def test_the_meeting_page_says_it_to_everyone(client, h, ended):
    client.force_login(h.p["mzb_head"].user)
    page = client.get(f"/meetings/{ended.pk}/", **EN).content.decode()
    expected = "The meeting has ended; the organizing department 信息科 is to record attendance"
    assert expected in page
    assert 'data-testid="meeting-state" data-state="scheduled">Ended, not yet recorded' in page

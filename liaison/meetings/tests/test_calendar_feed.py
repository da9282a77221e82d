"""The iCalendar feeds, read back by two independent parsers (icalendar with
recurring-ical-events, and vobject with dateutil's rule sets): the meetings they expand
from the rules, EXDATEs and RECURRENCE-IDs are exactly the meetings in the database."""

import datetime

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.meetings import calendar_feed, selectors, services
from liaison.meetings.models import Attendance, MeetingState

from .factories import SeriesFactory, call_emergency

pytestmark = pytest.mark.django_db

WINDOW = datetime.timedelta(days=120)
#: Moves reach this far: expand around the window, then keep what starts in it.
MARGIN = datetime.timedelta(days=30)


def with_icalendar(text: bytes, start, end) -> set[datetime.datetime]:
    calendar = icalendar.Calendar.from_ical(text)
    # between() also gives what overlaps the window: keep what starts in it.
    starts = {
        event.decoded("dtstart").astimezone(datetime.UTC)
        for event in recurring_ical_events.of(calendar).between(start, end)
    }
    return {moment for moment in starts if start <= moment < end}


def with_vobject(text: bytes, start, end) -> set[datetime.datetime]:
    calendar = vobject.readOne(text.decode())
    masters, moved, found = {}, {}, set()
    for event in calendar.vevent_list:
        uid = event.uid.value
        if hasattr(event, "recurrence_id"):
            moved.setdefault(uid, {})[event.recurrence_id.value] = event.dtstart.value
        elif hasattr(event, "rrule"):
            masters[uid] = event
        else:
            found.add(event.dtstart.value)
    for uid, event in masters.items():
        overrides = moved.get(uid, {})
        for instance in event.getrruleset(addRDate=True).between(
            start - MARGIN, end + MARGIN, inc=True
        ):
            found.add(overrides.get(instance, instance))
    return {moment.astimezone(datetime.UTC) for moment in found if start <= moment < end}


def in_database(scope, start, end) -> set[datetime.datetime]:
    return {
        m.start.astimezone(datetime.UTC)
        for m in selectors.meetings_in(scope).filter(
            state=MeetingState.SCHEDULED, start__gte=start, start__lt=end
        )
    }


def check(text: bytes, scope) -> set[datetime.datetime]:
    start = timezone.now()
    end = start + WINDOW
    expected = in_database(scope, start, end)
    assert expected, "nothing to compare"
    assert with_icalendar(text, start, end) == expected
    assert with_vobject(text, start, end) == expected
    return expected


@pytest.fixture
def weekly(h, room):
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )


@pytest.fixture
def exceptions(h, weekly, other_room):
    """Of the weekly series: the second coming meeting cancelled, the fourth moved a day
    earlier into room 2, the sixth moved two hours later in the same room; as they are
    now."""
    coming = list(weekly.meetings.filter(start__gt=timezone.now()).order_by("start"))
    cancelled = services.cancel_meeting(coming[1], h.p["xxk_head"], reason="节假日")
    into_room_2, _clashes = services.move_meeting(
        coming[3],
        h.p["xxk_head"],
        start=coming[3].start - datetime.timedelta(days=1),
        room=other_room,
        online_link="",
    )
    later, _clashes = services.move_meeting(
        coming[5],
        h.p["xxk_head"],
        start=coming[5].start + datetime.timedelta(hours=2),
        room=coming[5].room,
        online_link="",
    )
    return cancelled, into_room_2, later


def feed(scope) -> bytes:
    return calendar_feed.render(selectors.calendar_of(scope))


def test_a_department_feed_matches_the_database_in_both_parsers(h, weekly, exceptions, room):
    SeriesFactory(  # 药剂科's own series: not in 信息科's calendar
        by=h.p["yjk_head"],
        organizer=h.d["YJK"],
        room=room,
        departments=[(h.d["YJK"], Attendance.HEAD)],
        start_time=datetime.time(9),
        rule="FREQ=WEEKLY;BYDAY=TU",
    )
    emergency = call_emergency(
        h.p["xxk_head"],
        h.d["XXK"],
        room=room,
        departments=[(h.d["YJK"], "head")],
        start=timezone.now() + datetime.timedelta(minutes=10),
    )
    scope = selectors.Scope(h.organization, department=h.d["XXK"])
    found = check(feed(scope), scope)
    cancelled, into_room_2, later = exceptions
    assert cancelled.start not in found
    assert into_room_2.start in found and into_room_2.recurrence_id not in found
    assert later.start in found and later.recurrence_id not in found
    assert emergency.start in found


def test_the_feed_carries_the_time_zone_the_rule_and_the_exceptions(h, weekly, exceptions):
    text = feed(selectors.Scope(h.organization, department=h.d["XXK"])).decode()
    assert "BEGIN:VTIMEZONE" in text and "TZID:Asia/Shanghai" in text
    assert "DTSTART;TZID=Asia/Shanghai:" in text
    assert "RRULE:FREQ=WEEKLY;BYDAY=FR" in text
    cancelled = timezone.localtime(exceptions[0].recurrence_id).strftime("%Y%m%dT%H%M%S")
    assert f"EXDATE;TZID=Asia/Shanghai:{cancelled}" in text
    moved = timezone.localtime(exceptions[1].recurrence_id).strftime("%Y%m%dT%H%M%S")
    assert f"RECURRENCE-ID;TZID=Asia/Shanghai:{moved}" in text
    assert text.count(f"UID:series-{weekly.pk}@") == 3  # the series and its two moves
    calendar = icalendar.Calendar.from_ical(text)
    assert calendar["X-WR-CALNAME"] == "信息科"


def test_a_move_whose_original_time_the_new_rule_lacks_is_kept_with_an_rdate(h, weekly, exceptions):
    data = {
        "title": weekly.title,
        "kind": weekly.kind,
        "organizer": weekly.organizer,
        "rule": "FREQ=WEEKLY;BYDAY=TH",
        "start_date": weekly.start_date,
        "start_time": weekly.start_time,
        "duration": weekly.duration,
        "room": weekly.room,
        "departments": ((h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)),
    }
    services.edit_series(weekly, h.p["xxk_head"], services.SeriesInput(**data))
    scope = selectors.Scope(h.organization, department=h.d["XXK"])
    text = feed(scope)
    assert b"RDATE;TZID=Asia/Shanghai:" in text
    found = check(text, scope)
    _cancelled, into_room_2, later = exceptions
    # The moved meetings stay where they were moved to; the rest are Thursdays now.
    assert {into_room_2.start, later.start} <= found
    weekdays = {timezone.localtime(m).weekday() for m in found - {into_room_2.start, later.start}}
    assert weekdays == {3}


def test_a_room_feed_follows_the_meetings_that_moved_in_and_out(
    h, weekly, exceptions, room, other_room
):
    for where in (room, other_room):
        scope = selectors.Scope(h.organization, room=where)
        found = check(feed(scope), scope)
        assert (exceptions[1].start in found) == (where == other_room)
        assert (exceptions[2].start in found) == (where == room)


def test_a_person_feed_holds_the_series_they_attend_as_head(h, weekly, exceptions):
    scope = selectors.Scope(h.organization, person=h.p["mzb_head"])
    check(feed(scope), scope)
    nobody = feed(selectors.Scope(h.organization, person=h.p["outsider"]))
    assert b"BEGIN:VEVENT" not in nobody


def test_the_secret_address_works_without_login_until_it_is_reset(client, h, weekly, exceptions):
    token = services.feed_of(h.p["mzb_head"]).token
    url = f"/meetings/feed/{token}.ics"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    check(response.content, selectors.Scope(h.organization, person=h.p["mzb_head"]))
    services.reset_feed(h.p["mzb_head"])
    assert client.get(url).status_code == 404
    assert client.get("/meetings/feed/not-a-token.ics").status_code == 404


def api(person) -> APIClient:
    token = tokens.issue(person.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def test_the_api_feed_of_a_department_a_person_or_a_room(h, weekly, exceptions, room):
    client = api(h.p["outsider"])
    for query, scope in (
        ("department=XXK", selectors.Scope(h.organization, department=h.d["XXK"])),
        (
            f"person={h.p['mzb_head'].user.username}",
            selectors.Scope(h.organization, person=h.p["mzb_head"]),
        ),
        (f"room={room.code}", selectors.Scope(h.organization, room=room)),
    ):
        response = client.get(f"/api/v1/calendar.ics?{query}", HTTP_ACCEPT="text/calendar")
        assert response.status_code == 200, response.content
        check(response.content, scope)


def test_the_api_feed_needs_exactly_one_known_scope(h, weekly):
    client = api(h.p["outsider"])
    assert client.get("/api/v1/calendar.ics").status_code == 400
    both = client.get("/api/v1/calendar.ics?department=XXK&room=r1")
    assert both.status_code == 400 and "exactly one" in both.json()["detail"]
    unknown = client.get("/api/v1/calendar.ics?department=NOPE")
    assert unknown.status_code == 400 and "Unknown department" in unknown.json()["detail"]
    assert APIClient().get("/api/v1/calendar.ics?department=XXK").status_code in (401, 403)

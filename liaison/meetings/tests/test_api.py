"""The meetings API: series (list, create, retrieve, update), meetings with their
filters, the move, cancel, confirm and emergency actions, status codes and bodies."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, build_hospital
from liaison.meetings.models import Attendance, EventType, MeetingEvent, MeetingSeries

from .factories import RoomFactory, SeriesFactory, next_weekday

pytestmark = pytest.mark.django_db

SERIES = "/api/v1/meeting-series/"
MEETINGS = "/api/v1/meetings/"


def api(person, language: str = "en") -> APIClient:
    token = tokens.issue(person.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def username(h, key: str) -> str:
    return h.p[key].user.username


def series_body(h, room, **extra) -> dict:
    return {
        "title": "HIS升级项目周例会",
        "kind": "project",
        "organizer": "XXK",
        "rule": "FREQ=WEEKLY;BYDAY=FR",
        "start_date": next_weekday(4).isoformat(),
        "start_time": "15:00",
        "duration": 60,
        "room": room.code,
        "departments": [
            {"department": "XXK", "attendance": "both"},
            {"department": "MZB", "attendance": "liaison_officer"},
        ],
        "people": [username(h, "vp")],
        "chair": username(h, "xxk_head"),
        **extra,
    }


@pytest.fixture
def series(h, room):
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.BOTH)],
    )


def test_scheduling_a_series_answers_it_with_its_next_meetings(h, room):
    answer = api(h.p["xxk_liaison"]).post(SERIES, series_body(h, room), format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["organizer"] == "XXK" and body["room"] == room.code
    assert body["rule"] == "FREQ=WEEKLY;BYDAY=FR" and body["rule_text"] == "Every week on Fridays"
    assert body["chair"] == username(h, "xxk_head") and body["people"] == [username(h, "vp")]
    assert {d["department"]: d["attendance"] for d in body["departments"]} == {
        "XXK": "both",
        "MZB": "liaison_officer",
    }
    assert len(body["next_meetings"]) == 5 and body["warnings"] == []
    assert body["next_meetings"][0]["start"].startswith(next_weekday(4).isoformat())
    assert MeetingSeries.objects.get(pk=body["id"]).meetings.count() >= 52


def test_a_clash_comes_back_as_a_warning(h, series, room):
    body = series_body(
        h,
        room,
        organizer="YJK",
        chair=None,
        people=[],
        departments=[{"department": "YJK", "attendance": "head"}],
    )
    answer = api(h.p["yjk_head"]).post(SERIES, body, format="json")
    assert answer.status_code == 201
    warnings = answer.json()["warnings"]
    assert warnings and {w["kind"] for w in warnings} == {"room"}
    assert warnings[0]["room"] == room.code and "already booked" in warnings[0]["message"]


def test_scheduling_refusals(h, room):
    client = api(h.p["xxk_liaison"])
    bad_rule = client.post(SERIES, series_body(h, room, rule="FREQ=HOURLY"), format="json")
    assert bad_rule.status_code == 400 and "once a day" in bad_rule.json()["detail"]
    unknown = client.post(SERIES, series_body(h, room, organizer="NOPE"), format="json")
    assert unknown.status_code == 400 and "Unknown department" in unknown.json()["detail"]
    no_room = client.post(SERIES, series_body(h, room) | {"room": "nope"}, format="json")
    assert no_room.status_code == 400 and "Unknown room" in no_room.json()["detail"]
    missing = client.post(SERIES, {"title": "x"}, format="json")
    assert missing.status_code == 400 and "kind" in missing.json()
    staff = api(h.p["xxk_staff"]).post(SERIES, series_body(h, room), format="json")
    assert staff.status_code == 403
    assert not MeetingSeries.objects.exists()


def test_series_are_listed_and_read_within_the_organization(h, series):
    listed = api(h.p["outsider"]).get(SERIES).json()
    assert [s["id"] for s in listed["results"]] == [series.pk]
    assert api(h.p["outsider"]).get(f"{SERIES}{series.pk}/").status_code == 200
    stranger = build_hospital("h2").p["xxk_head"]
    assert api(stranger).get(f"{SERIES}{series.pk}/").status_code == 404
    assert api(stranger).get(SERIES).json()["results"] == []


def test_a_series_is_changed_whole_or_in_part(h, series, room, other_room):
    client = api(h.p["xxk_head"])
    patched = client.patch(f"{SERIES}{series.pk}/", {"room": other_room.code}, format="json")
    assert patched.status_code == 200, patched.json()
    assert patched.json()["room"] == other_room.code and patched.json()["sequence"] == 1
    assert patched.json()["title"] == series.title  # left out: unchanged
    put = client.put(
        f"{SERIES}{series.pk}/", series_body(h, room, rule="FREQ=WEEKLY;BYDAY=TH"), format="json"
    )
    assert put.status_code == 200, put.json()
    assert put.json()["rule"] == "FREQ=WEEKLY;BYDAY=TH"
    assert MeetingEvent.objects.filter(series=series, type=EventType.SERIES_CHANGED).count() == 2
    refused = api(h.p["yjk_head"]).patch(f"{SERIES}{series.pk}/", {"duration": 30}, format="json")
    assert refused.status_code == 403


def test_meetings_are_filtered_by_department_and_days(h, series, room):
    other = SeriesFactory(
        by=h.p["yjk_head"],
        organizer=h.d["YJK"],
        room=RoomFactory(organization=h.organization),
        departments=[(h.d["YJK"], Attendance.HEAD)],
        rule="FREQ=WEEKLY;BYDAY=MO",
        start_date=next_weekday(0),
    )
    first = series.meetings.order_by("start").first()
    day = timezone.localtime(first.start).date()
    client = api(h.p["outsider"])
    body = client.get(MEETINGS, {"department": "XXK", "from": day, "to": day}).json()
    assert [m["id"] for m in body["results"]] == [first.pk]
    meeting = body["results"][0]
    assert meeting["series"] == series.pk and meeting["title"] == series.title
    assert meeting["organizer"] == "XXK" and meeting["kind"] == "project"
    assert meeting["departments"][0]["department"] == "XXK"
    month = client.get(MEETINGS, {"from": day, "to": day + datetime.timedelta(days=27)}).json()[
        "results"
    ]
    assert {m["series"] for m in month} == {series.pk, other.pk}
    assert len(month) == 8
    by_person = client.get(MEETINGS, {"person": username(h, "yjk_head"), "from": day}).json()
    assert {m["series"] for m in by_person["results"]} == {other.pk}
    too_long = client.get(MEETINGS, {"from": "2026-01-01", "to": "2027-06-01"})
    assert too_long.status_code == 400 and "at most a year" in too_long.json()["detail"]
    backwards = client.get(MEETINGS, {"from": "2026-06-01", "to": "2026-01-01"})
    assert backwards.status_code == 400
    two = client.get(MEETINGS, {"department": "XXK", "room": room.code})
    assert two.status_code == 400 and "one of" in two.json()["detail"]


def test_move_and_cancel_one_meeting(h, series, other_room):
    client = api(h.p["xxk_head"])
    first, second = series.meetings.order_by("start")[:2]
    new_start = (first.start + datetime.timedelta(hours=-2)).isoformat()
    moved = client.post(
        f"{MEETINGS}{first.pk}/move/", {"start": new_start, "room": other_room.code}, format="json"
    )
    assert moved.status_code == 200, moved.json()
    body = moved.json()
    assert body["is_moved"] and body["overridden"] and body["room"] == other_room.code
    assert (
        body["recurrence_id"]
        == first.recurrence_id.astimezone(timezone.get_current_timezone()).isoformat()
    )
    assert body["end"] != first.end.isoformat()  # the same length, two hours earlier
    no_reason = client.post(f"{MEETINGS}{second.pk}/cancel/", {}, format="json")
    assert no_reason.status_code == 400 and "Say why" in no_reason.json()["detail"]
    cancelled = client.post(f"{MEETINGS}{second.pk}/cancel/", {"reason": "停开"}, format="json")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.post(f"{MEETINGS}{second.pk}/cancel/", {"reason": "停开"}, format="json")
    assert again.status_code == 409 and "was cancelled by" in again.json()["detail"]
    staff = api(h.p["xxk_staff"]).post(
        f"{MEETINGS}{first.pk}/cancel/", {"reason": "x"}, format="json"
    )
    assert staff.status_code == 403
    missing = client.post(f"{MEETINGS}{first.pk}/move/", {}, format="json")
    assert missing.status_code == 400 and "start" in missing.json()


def test_an_emergency_meeting_is_called_and_confirmed_through_the_api(h, room):
    matter = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, urgency="emergency"
    )
    called = api(h.p["xxk_head"]).post(
        f"{MEETINGS}emergency/",
        {
            "title": "紧急会议：门诊系统瘫痪",
            "organizer": "XXK",
            "matter": matter.pk,
            "room": room.code,
            "departments": [{"department": "MZB", "attendance": "both"}],
        },
        format="json",
    )
    assert called.status_code == 201, called.json()
    body = called.json()
    assert body["is_emergency"] and body["kind"] == "emergency" and body["matter"] == matter.pk
    assert {c["person"] for c in body["calls"]} == {
        username(h, "mzb_head"),
        username(h, "mzb_liaison"),
    }
    url = f"{MEETINGS}{body['id']}/confirm/"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
        confirmed = api(h.p["mzb_head"]).post(url)
    assert confirmed.status_code == 200
    calls = {c["person"]: c for c in confirmed.json()["calls"]}
    assert calls[username(h, "mzb_head")]["minutes_to_confirm"] in (5, 6)
    assert calls[username(h, "mzb_liaison")]["confirmed_at"] is None
    assert api(h.p["mzb_head"]).post(url).status_code == 409
    assert api(h.p["outsider"]).post(url).status_code == 403
    hidden = api(h.p["ek_head"]).post(
        f"{MEETINGS}emergency/",
        {"title": "x", "organizer": "EK", "matter": matter.pk, "room": room.code},
        format="json",
    )
    assert hidden.status_code == 404  # a matter they cannot see does not exist for them


def test_rooms_and_the_schema(h, room):
    assert api(h.p["outsider"]).get("/api/v1/rooms/").json() == [
        {"code": room.code, "name": room.name, "location": room.location, "capacity": 20}
    ]
    schema = api(h.p["outsider"]).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/meeting-series/",
        "/api/v1/meeting-series/{id}/",
        "/api/v1/meetings/",
        "/api/v1/meetings/{id}/move/",
        "/api/v1/meetings/{id}/cancel/",
        "/api/v1/meetings/{id}/confirm/",
        "/api/v1/meetings/emergency/",
        "/api/v1/calendar.ics",
        "/api/v1/rooms/",
    ):
        assert path in schema


def test_without_a_token_the_api_refuses(h, series):
    assert APIClient().get(SERIES).status_code in (401, 403)
    assert APIClient().get(MEETINGS).status_code in (401, 403)


def test_a_page_of_meetings_costs_a_bounded_number_of_queries(
    h, series, django_assert_max_num_queries
):
    client = api(h.p["outsider"])
    client.get(MEETINGS)  # the first read may extend the horizon
    with django_assert_max_num_queries(14):
        body = client.get(MEETINGS, {"to": (timezone.localdate() + datetime.timedelta(days=90))})
    assert len(body.json()["results"]) >= 12

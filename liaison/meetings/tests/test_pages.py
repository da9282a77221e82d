"""The meeting pages through the test client: the month calendar and its filters, the
series form and page, the meeting page with its forms, the emergency-meeting form, and
my meetings with my calendar address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.inbox.models import Notification
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, build_hospital
from liaison.meetings import services
from liaison.meetings.models import Attendance, Meeting, MeetingSeries, MeetingState

from .factories import SeriesFactory, call_emergency, next_weekday

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def login(client, person):
    client.force_login(person.user)
    return client


def page(client, url, **query) -> str:
    response = client.get(url, query, **EN)
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def series(h, room):
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )


def first_of(series) -> Meeting:
    return series.meetings.order_by("start").first()


def month_of(meeting) -> str:
    return timezone.localtime(meeting.start).strftime("%Y-%m")


def test_the_calendar_needs_a_login_and_is_in_the_navigation(client, h):
    response = client.get("/meetings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert 'data-testid="nav-meetings"' in page(login(client, h.p["outsider"]), "/matters/")


def test_the_month_shows_the_meetings_on_their_days(client, h, series):
    meeting = first_of(series)
    html = page(login(client, h.p["outsider"]), "/meetings/", month=month_of(meeting))
    assert f'data-month="{month_of(meeting)}"' in html
    assert f'data-meeting="{meeting.pk}"' in html
    assert series.title in html
    day = timezone.localtime(meeting.start).strftime("%Y-%m-%d")
    assert f'data-date="{day}"' in html
    # Every Friday of the month is there.
    fridays = series.meetings.filter(
        start__month=meeting.start.month, start__year=meeting.start.year
    )
    assert html.count('data-testid="meeting-chip"') >= fridays.count()


def test_the_calendar_filters_to_my_meetings_or_a_department(client, h, series):
    month = month_of(first_of(series))
    staff = login(client, h.p["outsider"])
    assert series.title not in page(staff, "/meetings/", month=month, mine="1")
    assert series.title not in page(staff, "/meetings/", month=month, department=h.d["EK"].pk)
    assert series.title in page(staff, "/meetings/", month=month, department=h.d["MZB"].pk)
    client.logout()
    head = login(client, h.p["mzb_head"])
    assert series.title in page(head, "/meetings/", month=month, mine="1")
    # htmx asks for the month alone.
    response = head.get(
        "/meetings/",
        {"month": month},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="meetings-calendar",
        **EN,
    )
    html = response.content.decode()
    assert series.title in html and "<html" not in html


def test_a_bad_month_shows_this_month(client, h):
    this = timezone.localdate().strftime("%Y-%m")
    for value in ("nonsense", "2026-13", "1900-01"):
        assert f'data-month="{this}"' in page(
            login(client, h.p["outsider"]), "/meetings/", month=value
        )


def series_form(h, room, **extra) -> dict:
    return {
        "title": "医疗质量专项工作会",
        "kind": "quality",
        "organizer": h.d["XXK"].pk,
        "start_date": next_weekday(3).isoformat(),
        "start_time": "14:30",
        "duration": "90",
        "repeat": "custom",
        "rule": "FREQ=MONTHLY;BYDAY=-1TH",
        "until": "",
        "room": room.pk,
        "online_link": "",
        "heads_of": [h.d["MZB"].pk, h.d["XXK"].pk],
        "liaisons_of": [h.d["XXK"].pk],
        "people": [h.p["vp"].pk],
        "chair": h.p["xxk_head"].pk,
        "description": "每月一次",
        **extra,
    }


def test_scheduling_a_series_through_the_form(client, h, room):
    client = login(client, h.p["xxk_liaison"])
    html = page(client, "/meetings/series/new/")
    assert 'data-testid="series-form"' in html and 'data-picker="heads_of"' in html
    response = client.post("/meetings/series/new/", series_form(h, room), **EN)
    series = MeetingSeries.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/series/{series.pk}/"
    assert series.rule == "FREQ=MONTHLY;BYDAY=-1TH" and series.duration == 90
    attendance = {
        p.department.code: p.attendance for p in series.participants.exclude(department=None)
    }
    assert attendance == {"MZB": "head", "XXK": "both"}
    html = page(client, f"/meetings/series/{series.pk}/")
    assert "Every month on the last Thursday" in html and 'data-code="MZB"' in html
    assert html.count('data-testid="occurrence"') == 12


def test_a_preset_and_an_end_date_make_the_rule(client, h, room):
    client = login(client, h.p["xxk_liaison"])
    start = next_weekday(2)
    data = series_form(h, room, repeat="bimonthly", rule="", start_date=start.isoformat())
    data["until"] = (start + datetime.timedelta(days=200)).isoformat()
    client.post("/meetings/series/new/", data, **EN)
    series = MeetingSeries.objects.get()
    nth = (start.day - 1) // 7 + 1
    assert series.rule.startswith(
        f"FREQ=MONTHLY;INTERVAL=2;BYDAY={'-1' if nth == 5 else nth}WE;UNTIL="
    )
    assert series.meetings.count() == 4


@pytest.mark.parametrize(
    ("repeat", "rule", "words"),
    [
        ("monthly_day", "FREQ=MONTHLY;BYMONTHDAY={day}", "Every month on day {day}"),
        ("yearly", "FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={day}", "Every year on day {day} of"),
    ],
)
def test_the_day_presets_make_their_rule_and_read_as_words(client, h, room, repeat, rule, words):
    client = login(client, h.p["xxk_liaison"])
    start = next_weekday(2)
    if start.day > 28:
        start += datetime.timedelta(days=7)
    data = series_form(h, room, repeat=repeat, rule="", start_date=start.isoformat())
    client.post("/meetings/series/new/", data, **EN)
    series = MeetingSeries.objects.get()
    assert series.rule == rule.format(day=start.day, month=start.month)
    html = page(client, f"/meetings/series/{series.pk}/")
    assert words.format(day=start.day) in html
    assert 'data-testid="rule-raw"' in html  # the raw rule only folded away
    assert f'<option value="{repeat}" selected>' in page(
        client, f"/meetings/series/{series.pk}/edit/"
    )


def test_the_form_shows_the_services_refusal(client, h, room):
    client = login(client, h.p["xxk_liaison"])
    response = client.post("/meetings/series/new/", series_form(h, room) | {"room": ""}, **EN)
    assert response.status_code == 200
    assert "Choose a room or give an online meeting link" in response.content.decode()
    response = client.post("/meetings/series/new/", series_form(h, room, rule=""), **EN)
    assert "Give the recurrence rule" in response.content.decode()
    assert not MeetingSeries.objects.exists()


def test_staff_are_told_who_may_schedule(client, h):
    html = page(login(client, h.p["xxk_staff"]), "/meetings/series/new/")
    assert 'data-testid="cannot-organize"' in html


def test_editing_a_series_and_who_may(client, h, series, other_room):
    client = login(client, h.p["xxk_staff"])
    response = client.get(f"/meetings/series/{series.pk}/edit/", **EN)
    assert response.status_code == 302
    client.logout()
    client = login(client, h.p["xxk_head"])
    html = page(client, f"/meetings/series/{series.pk}/edit/")
    assert 'value="FREQ=WEEKLY;BYDAY=FR"' not in html  # the weekly preset is chosen
    assert '<option value="weekly" selected>' in html
    data = series_form(
        h,
        other_room,
        title=series.title,
        kind="project",
        repeat="weekly",
        rule="",
        start_date=series.start_date.isoformat(),
        start_time="15:00",
        duration="60",
    )
    response = client.post(f"/meetings/series/{series.pk}/edit/", data, **EN)
    assert response.status_code == 302
    series.refresh_from_db()
    assert series.room == other_room and series.sequence == 1


def test_the_meeting_page_shows_time_place_participants_and_clashes(client, h, series, room):
    clashing = SeriesFactory(
        by=h.p["yjk_head"],
        organizer=h.d["YJK"],
        room=room,
        departments=[(h.d["YJK"], Attendance.HEAD)],
    )
    meeting = first_of(series)
    html = page(login(client, h.p["outsider"]), f"/meetings/{meeting.pk}/")
    assert series.title in html and room.name in html
    assert 'data-code="XXK"' in html and h.p["xxk_liaison"].name in html
    assert 'data-testid="clash" data-kind="room"' in html and clashing.title in html
    assert 'data-testid="actions"' not in html  # staff may not change it


def test_moving_and_cancelling_from_the_meeting_page(client, h, series, other_room):
    client = login(client, h.p["xxk_head"])
    first, second = series.meetings.order_by("start")[:2]
    assert 'data-testid="form-move"' in page(client, f"/meetings/{first.pk}/")
    start = timezone.localtime(first.start + datetime.timedelta(days=-1))
    response = client.post(
        f"/meetings/{first.pk}/move/",
        {"start": start.strftime("%Y-%m-%dT%H:%M"), "duration": "45", "room": other_room.pk},
        follow=True,
        **EN,
    )
    assert "The meeting is moved" in " ".join(messages_of(response))
    first.refresh_from_db()
    assert first.start == start and first.duration_minutes == 45 and first.overridden
    assert 'data-testid="moved"' in response.content.decode()
    response = client.post(f"/meetings/{second.pk}/cancel/", {"reason": ""}, follow=True, **EN)
    assert "Say why" in " ".join(messages_of(response))
    response = client.post(f"/meetings/{second.pk}/cancel/", {"reason": "停开"}, follow=True, **EN)
    second.refresh_from_db()
    assert second.state == MeetingState.CANCELLED
    assert 'data-testid="cancelled"' in response.content.decode()
    # The series page lists both exceptions and the history.
    html = page(client, f"/meetings/series/{series.pk}/")
    assert 'data-type="moved"' in html and 'data-type="cancelled"' in html


def test_the_emergency_form_takes_the_matter_and_calls_the_meeting(client, h, room):
    matter = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, urgency="emergency"
    )
    client = login(client, h.p["xxk_head"])
    html = page(client, "/meetings/emergency/new/", matter=matter.pk)
    assert 'data-testid="for-matter"' in html and matter.number in html
    assert f'value="Emergency meeting: {matter.title}"' in html
    response = client.post(
        f"/meetings/emergency/new/?matter={matter.pk}",
        {
            "title": "紧急会议：门诊系统瘫痪",
            "organizer": h.d["XXK"].pk,
            "duration": "30",
            "room": room.pk,
            "heads_of": [h.d["MZB"].pk],
            "liaisons_of": [h.d["XXK"].pk],
            "matter": matter.pk,
        },
        follow=True,
        **EN,
    )
    meeting = Meeting.objects.get(is_emergency=True)
    assert meeting.matter == matter and meeting.duration_minutes == 30
    assert "2 people are told at once" in " ".join(messages_of(response))
    html = response.content.decode()
    assert 'data-testid="confirmations" data-confirmed="0" data-called="2"' in html
    assert Notification.objects.filter(url=f"/meetings/{meeting.pk}/", urgent=True).count() == 2


def test_the_matter_page_lists_its_meetings_and_offers_an_emergency_meeting(client, h, room):
    matter = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, urgency="emergency"
    )
    url = f"/matters/{matter.pk}/"
    head = login(client, h.p["xxk_head"])
    html = page(head, url)
    assert 'data-testid="matter-meeting"' not in html
    assert f'href="/meetings/emergency/new/?matter={matter.pk}"' in html
    meeting = call_emergency(
        h.p["xxk_head"], h.d["XXK"], room=room, departments=[(h.d["MZB"], "head")], matter=matter
    )
    html = page(head, url)
    assert f'href="/meetings/{meeting.pk}/" data-testid="matter-meeting"' in html
    client.logout()
    # Staff may read the matter but cannot call meetings: the card shows the meeting only.
    staff = login(client, h.p["mzb_staff"])
    html = page(staff, url)
    assert 'data-testid="matter-meeting"' in html
    assert 'data-testid="call-emergency-meeting"' not in html


def test_a_called_person_confirms_on_the_page(client, h, room):
    meeting = call_emergency(
        h.p["xxk_head"], h.d["XXK"], room=room, departments=[(h.d["MZB"], "head")]
    )
    client = login(client, h.p["mzb_head"])
    assert 'data-testid="confirm"' in page(client, f"/meetings/{meeting.pk}/")
    response = client.post(f"/meetings/{meeting.pk}/confirm/", follow=True, **EN)
    html = response.content.decode()
    assert 'data-confirmed="1" data-called="1"' in html
    assert f'data-person="{h.p["mzb_head"].pk}" data-confirmed="1"' in html
    assert 'data-testid="confirm"' not in html
    again = client.post(f"/meetings/{meeting.pk}/confirm/", follow=True, **EN)
    assert "You confirmed at" in " ".join(messages_of(again))


def test_my_meetings_show_my_secret_calendar_address(client, h, series):
    client = login(client, h.p["mzb_head"])
    html = page(client, "/meetings/mine/")
    token = services.feed_of(h.p["mzb_head"]).token
    assert f"/meetings/feed/{token}.ics" in html and "webcal://" in html
    assert 'data-testid="my-meeting"' in html
    response = client.post("/meetings/mine/reset-calendar-address/", follow=True, **EN)
    assert "new address" in " ".join(messages_of(response))
    assert token not in response.content.decode()


def test_other_organizations_meetings_do_not_exist(client, h, series):
    stranger = build_hospital("h2").p["xxk_head"]
    client = login(client, stranger)
    meeting = first_of(series)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get(f"/meetings/series/{series.pk}/").status_code == 404
    assert client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(reverse("meetings:series-ics", args=[series.pk])).status_code == 404


def test_the_calendar_files_of_a_series_and_a_meeting(client, h, series):
    client = login(client, h.p["outsider"])
    response = client.get(f"/meetings/series/{series.pk}.ics")
    assert response.status_code == 200 and b"RRULE:FREQ=WEEKLY;BYDAY=FR" in response.content
    assert "attachment" in response["Content-Disposition"]
    meeting = first_of(series)
    response = client.get(f"/meetings/{meeting.pk}.ics")
    assert b"BEGIN:VEVENT" in response.content and b"RRULE" not in response.content


def test_rooms_are_kept_in_the_admin_and_meetings_are_read_only_there(client, h, series):
    admin = h.p["office"].user
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/meetings/room/add/", **EN).status_code == 200
    meeting = first_of(series)
    assert client.get(f"/admin/meetings/meetingseries/{series.pk}/change/").status_code == 200
    assert client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").status_code == 200
    assert client.get("/admin/meetings/meeting/").status_code == 200
    assert client.get("/admin/meetings/meetingseries/add/").status_code == 403

"""A matter linked to a meeting or an agenda item shows its number and title only to
people who may see the matter: on the meeting page, on the agenda (page and API), and in
every calendar file (a person's secret feed as its owner sees it, the API's calendar and
a meeting's download), in my meetings and in the agenda's decisions carried over (API).
Texts that copy the matter's number or title (escalated items, an emergency meeting
called about it) leave them out too, also where they name the meeting: clash warnings and
refusals."""

import datetime

import icalendar
import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.matters.models import State
from liaison.matters.services import NotAllowed, WrongState, can_view
from liaison.matters.tests.factories import MatterFactory
from liaison.meetings import calendar_feed, selectors, services
from liaison.meetings.models import Attendance

from .factories import SeriesFactory, call_emergency
from .test_pages import EN, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(h):
    """门诊部's matter led by 信息科: 儿科's nurse (outsider) may not see it."""
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    assert can_view(h.p["xxk_head"], matter) and not can_view(h.p["outsider"], matter)
    return matter


@pytest.fixture
def meeting(h, room):
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["EK"], Attendance.HEAD)],
    )
    return series.meetings.order_by("start").first()


@pytest.fixture
def other(h):
    """Another such matter, which reaches the leading group."""
    return MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)


@pytest.fixture
def items(h, meeting, matter, other):
    """One item proposed about the matter in words of its own, one put on by escalation
    (its title and description copy the other matter's)."""
    proposed = services.propose_item(
        meeting,
        h.p["xxk_head"],
        services.ItemInput(
            title="叫号系统改造方案", description=f"见{matter.number}", matter=matter
        ),
    )
    escalated = services.put_escalated_on_agenda(meeting, other, None)
    return proposed, escalated


@pytest.fixture
def emergency(h, room, matter):
    return call_emergency(
        h.p["xxk_head"],
        h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.HEAD)],
        people=(h.p["outsider"],),
        matter=matter,
        title=f"紧急会议：{matter.title}",
        description=f"{matter.number} {matter.title}",
    )


def api(person) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {tokens.issue(person.user).key}", HTTP_ACCEPT_LANGUAGE="en"
    )
    return client


def leaks(text: str, matter) -> bool:
    return matter.number in text or matter.title in text


def test_agenda_rows_leave_out_a_matter_the_reader_may_not_see(h, meeting, matter, other, items):
    seen = selectors.agenda_of(meeting, h.p["xxk_head"])
    assert [row.matter for row in seen] == [matter, other]
    assert seen[1].title == other.title and seen[1].description == other.number
    hidden = selectors.agenda_of(meeting, h.p["outsider"])
    assert [row.matter for row in hidden] == [None, None]
    assert all(row.matter_hidden for row in hidden)
    assert hidden[0].title == "叫号系统改造方案" and not leaks(hidden[0].description, matter)
    assert hidden[1].title == "An item on a matter" and hidden[1].description == ""


def test_the_agenda_page_shows_the_matter_only_to_who_may_see_it(
    client, h, meeting, matter, other, items
):
    url = f"/meetings/{meeting.pk}/"
    html = login(client, h.p["xxk_head"]).get(url, **EN).content.decode()
    assert 'data-testid="agenda-matter"' in html and other.number in html
    html = login(client, h.p["outsider"]).get(url, **EN).content.decode()
    assert 'data-testid="agenda-matter"' not in html
    assert not leaks(html, matter) and not leaks(html, other)
    assert "叫号系统改造方案" in html and "An item on a matter" in html


def test_the_agenda_api_gives_the_matter_number_only_to_who_may_see_it(
    h, meeting, matter, other, items
):
    url = f"/api/v1/meetings/{meeting.pk}/agenda/"
    seen = api(h.p["xxk_head"]).get(url).data["items"]
    assert [(i["matter"], i["matter_number"]) for i in seen] == [
        (matter.pk, matter.number),
        (other.pk, other.number),
    ]
    assert seen[1]["title"] == other.title
    hidden = api(h.p["outsider"]).get(url).data["items"]
    assert [(i["matter"], i["matter_number"]) for i in hidden] == [(None, None)] * 2
    texts = " ".join(f"{i['title']} {i['description']}" for i in hidden)
    assert not leaks(texts, matter) and not leaks(texts, other)


def test_the_meeting_page_shows_the_matter_only_to_who_may_see_it(client, h, emergency, matter):
    url = f"/meetings/{emergency.pk}/"
    html = login(client, h.p["xxk_head"]).get(url, **EN).content.decode()
    assert 'data-testid="matter-link"' in html and matter.number in html
    html = login(client, h.p["outsider"]).get(url, **EN).content.decode()
    assert 'data-testid="matter-link"' not in html and not leaks(html, matter)
    assert "紧急会议：…" in html


def test_the_meeting_api_leaves_out_a_matter_the_reader_may_not_see(h, emergency, matter):
    url = f"/api/v1/meetings/{emergency.pk}/"
    seen = api(h.p["xxk_head"]).get(url).data
    assert seen["matter"] == matter.pk and seen["title"] == emergency.headline
    hidden = api(h.p["outsider"]).get(url).data
    assert hidden["matter"] is None and hidden["title"] == "紧急会议：…"
    day = timezone.localdate(emergency.start).isoformat()
    listed = api(h.p["outsider"]).get("/api/v1/meetings/", {"from": day, "to": day}).data
    assert [(m["id"], m["matter"]) for m in listed["results"]] == [(emergency.pk, None)]
    assert not leaks(str(listed), matter)


def test_the_month_calendar_leaves_out_a_matter_the_reader_may_not_see(
    client, h, emergency, matter
):
    month = timezone.localdate(emergency.start).strftime("%Y-%m")
    html = login(client, h.p["xxk_head"]).get("/meetings/", {"month": month}, **EN)
    assert f"紧急会议：{matter.title}" in html.content.decode()
    html = login(client, h.p["outsider"]).get("/meetings/", {"month": month}, **EN)
    assert "紧急会议：…" in html.content.decode() and not leaks(html.content.decode(), matter)


def events_text(content: bytes) -> str:
    """The summaries and descriptions of a calendar file, unfolded."""
    calendar = icalendar.Calendar.from_ical(content)
    return "\n".join(
        f"{event.get('summary', '')}\n{event.get('description', '')}"
        for event in calendar.walk("VEVENT")
    )


def test_a_meetings_calendar_file_shows_the_matter_only_to_who_may_see_it(
    client, h, emergency, matter
):
    url = f"/meetings/{emergency.pk}.ics"
    text = events_text(login(client, h.p["xxk_head"]).get(url).content)
    assert matter.number in text and matter.title in text
    content = login(client, h.p["outsider"]).get(url).content
    assert emergency.headline not in content.decode() and not leaks(events_text(content), matter)


def test_a_personal_feed_is_written_for_its_owner(client, h, emergency, matter):
    feeds = {key: services.feed_of(h.p[key]).token for key in ("xxk_head", "outsider")}
    client.logout()
    mine = events_text(client.get(f"/meetings/feed/{feeds['xxk_head']}.ics").content)
    assert matter.number in mine
    theirs = events_text(client.get(f"/meetings/feed/{feeds['outsider']}.ics").content)
    assert "紧急会议" in theirs and not leaks(theirs, matter)


def test_the_api_calendar_is_written_for_whoever_asks(h, emergency, matter):
    url = f"/api/v1/calendar.ics?department={h.d['XXK'].code}"
    assert matter.number in events_text(api(h.p["xxk_head"]).get(url).content)
    text = events_text(api(h.p["outsider"]).get(url).content)
    assert "紧急会议" in text and not leaks(text, matter)


def test_the_invitation_sent_to_many_leaves_the_matter_out(h, emergency, matter):
    calendar = selectors.calendar_for(emergency)
    text = events_text(calendar_feed.render(calendar, None))
    assert "紧急会议" in text and not leaks(text, matter)


def test_a_refusal_names_the_meeting_as_the_refused_sees_it(h, emergency, matter):
    # Anyone in the organization may try to cancel a meeting, which has begun already.
    with pytest.raises(WrongState) as refused:
        services.cancel_meeting(emergency, h.p["outsider"], reason="不开了")
    assert "紧急会议：…" in refused.value.message and not leaks(refused.value.message, matter)
    with pytest.raises(WrongState) as refused:
        services.cancel_meeting(emergency, h.p["mzb_staff"], reason="不开了")
    assert f"紧急会议：{matter.title}" in refused.value.message
    with pytest.raises(NotAllowed) as refused:
        services.record_attendance(emergency, h.p["outsider"], [])
    assert "紧急会议：…" in refused.value.message and not leaks(refused.value.message, matter)


def test_the_api_refuses_without_a_matter_the_caller_may_not_see(h, emergency, matter):
    refused = api(h.p["outsider"]).post(
        f"/api/v1/meetings/{emergency.pk}/cancel/", {"reason": "不开了"}, format="json"
    )
    assert refused.status_code == 409
    assert "紧急会议：…" in refused.json()["detail"] and not leaks(str(refused.json()), matter)


def test_my_meetings_leave_out_a_matter_i_may_not_see(client, h, emergency, matter):
    # 儿科's nurse is called by name to the meeting about a matter she may not see.
    [(meeting, seen)] = selectors.upcoming_for(h.p["outsider"])
    assert meeting == emergency and seen.headline == "紧急会议：…" and seen.matter is None
    [(meeting, seen)] = selectors.upcoming_for(h.p["xxk_head"])
    assert seen.headline == f"紧急会议：{matter.title}" and seen.matter == matter
    html = login(client, h.p["outsider"]).get("/meetings/mine/", **EN).content.decode()
    assert 'data-testid="my-meeting"' in html and "紧急会议：…" in html
    assert not leaks(html, matter)
    html = login(client, h.p["xxk_head"]).get("/meetings/mine/", **EN).content.decode()
    assert f"紧急会议：{matter.title}" in html


def test_a_matters_meetings_leave_out_another_matter_the_reader_may_not_see(
    client, h, emergency, matter
):
    # 儿科's nurse raised a matter of her own, which is put on the emergency meeting's
    # agenda: her matter's page lists the meeting, called about a matter she may not see.
    own = MatterFactory(originator=h.p["outsider"], by=h, state=State.ACCEPTED)
    services.propose_item(
        emergency, h.p["xxk_head"], services.ItemInput(title="候诊区屏幕", matter=own)
    )
    [(meeting, seen)] = selectors.meetings_about(own, h.p["outsider"])
    assert meeting == emergency and seen.headline == "紧急会议：…"
    [(meeting, seen)] = selectors.meetings_about(own, h.p["xxk_head"])
    assert seen.headline == f"紧急会议：{matter.title}"
    html = login(client, h.p["outsider"]).get(f"/matters/{own.pk}/", **EN).content.decode()
    assert 'data-testid="matter-meeting"' in html and "紧急会议：…" in html
    assert not leaks(html, matter)


@pytest.fixture
def alongside(h, emergency):
    """急诊科 (EK) calls its own meeting in the same room at the same time: it clashes with
    the emergency meeting, whose matter 急诊科's head may not see."""
    assert not can_view(h.p["ek_head"], emergency.matter)
    return call_emergency(
        h.p["ek_head"],
        h.d["EK"],
        room=emergency.room,
        departments=[(h.d["EK"], Attendance.HEAD)],
        title="急诊科碰头会",
        start=emergency.start,
    )


def test_a_clash_names_the_other_meeting_as_the_warned_sees_it(h, emergency, matter, alongside):
    clashes = services.find_clashes(
        alongside.organization,
        [(alongside.start, alongside.end)],
        services.seats_of(alongside),
        alongside.room,
        exclude_meeting=alongside,
    )
    assert [c.other for c in clashes] == [emergency]
    # On its own, a clash leaves the matter out for everyone.
    assert "紧急会议：…" in clashes[0].message and not leaks(clashes[0].message, matter)
    [hidden] = selectors.clashes_seen_by(clashes, h.p["ek_head"])
    assert "紧急会议：…" in hidden.message and not leaks(hidden.message, matter)
    [seen] = selectors.clashes_seen_by(clashes, h.p["xxk_head"])
    assert f"紧急会议：{matter.title}" in seen.message


def test_the_meeting_page_names_a_clashing_meeting_as_the_reader_sees_it(
    client, h, emergency, matter, alongside
):
    url = f"/meetings/{alongside.pk}/"
    html = login(client, h.p["ek_head"]).get(url, **EN).content.decode()
    assert 'data-testid="clash"' in html and "紧急会议：…" in html and not leaks(html, matter)
    html = login(client, h.p["xxk_head"]).get(url, **EN).content.decode()
    assert f"紧急会议：{matter.title}" in html


def test_the_api_warns_of_a_clash_without_a_matter_the_caller_may_not_see(
    h, room, emergency, matter
):
    called = api(h.p["ek_head"]).post(
        "/api/v1/meetings/emergency/",
        {
            "title": "急诊科碰头会",
            "organizer": "EK",
            "room": room.code,
            "start": emergency.start.isoformat(),
            "departments": [{"department": "EK", "attendance": "head"}],
        },
        format="json",
    )
    assert called.status_code == 201, called.json()
    [warning] = called.json()["warnings"]
    assert warning["meeting"] == emergency.pk and "紧急会议：…" in warning["message"]
    assert not leaks(str(called.json()), matter)


@pytest.fixture
def carried(h, room):
    """A series' first meeting held with approved minutes whose decision became a matter
    of 信息科's; the agenda of the next meeting carries it over. 门诊部's head reads the
    minutes (his department is invited) but may not see 信息科's matter."""
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )
    first, following = series.meetings.order_by("start")[:2]
    with time_machine.travel(first.start + datetime.timedelta(minutes=30), tick=False):
        services.save_minutes(
            first,
            h.p["xxk_head"],
            services.MinutesInput(
                summary="纪要",
                decisions=(
                    services.DecisionInput(
                        "更换叫号服务器",
                        h.d["XXK"],
                        h.p["xxk_staff"],
                        timezone.localdate() + datetime.timedelta(days=20),
                    ),
                ),
            ),
        )
        services.approve_minutes(first, h.p["president"])
    [decision] = selectors.carried_actions(following, h.p["mzb_head"])[1]
    assert can_view(h.p["xxk_head"], decision.matter)
    assert not can_view(h.p["mzb_head"], decision.matter)
    return following, decision.matter


def test_the_agenda_api_carries_a_decision_over_without_a_matter_number_one_may_not_see(h, carried):
    following, matter = carried
    url = f"/api/v1/meetings/{following.pk}/agenda/"
    [seen] = api(h.p["xxk_head"]).get(url).data["carried_over"]
    assert seen["matter_number"] == matter.number
    [hidden] = api(h.p["mzb_head"]).get(url).data["carried_over"]
    assert hidden["title"] == "更换叫号服务器" and hidden["matter_number"] is None
    assert matter.number not in str(hidden)

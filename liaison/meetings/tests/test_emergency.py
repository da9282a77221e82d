"""Emergency meetings (紧急会议): called by a department for an urgent matter, everyone
told at once on every channel, and the confirmations, timed from the call."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from liaison.inbox.models import Delivery, DeliveryKind, Notification, NotificationPreference
from liaison.matters.models import State
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.matters.tests.factories import MatterFactory
from liaison.meetings import services
from liaison.meetings.models import EmergencyCall, EventType, MeetingEvent

from .factories import SeriesFactory, call_emergency

pytestmark = pytest.mark.django_db

HEAD = "head"
BOTH = "both"


@pytest.fixture
def matter(h):
    """An emergency matter of 门诊部, led and accepted by 信息科."""
    return MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, urgency="emergency"
    )


@pytest.fixture
def called(h, room, matter):
    """信息科's head calls 信息科 (head and liaison), 门诊部's head and the vice president."""
    return call_emergency(
        h.p["xxk_head"],
        h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], BOTH), (h.d["MZB"], HEAD)],
        people=[h.p["vp"]],
        matter=matter,
    )


def usernames(people) -> set[str]:
    return {p.user.username.removeprefix("h1-") for p in people}


def test_everyone_is_called_at_once_urgently_on_every_channel(h, called, matter):
    calls = list(called.calls.select_related("person"))
    assert usernames(c.person for c in calls) == {"xxk_liaison", "mzb_head", "vp"}
    items = Notification.objects.filter(url=services.meeting_url(called))
    assert usernames(i.recipient for i in items) == {"xxk_liaison", "mzb_head", "vp"}
    assert all(i.urgent for i in items)
    assert all(matter.number in i.detail and "confirm" in i.detail for i in items)
    # E-mail goes out at once, even to someone in their quiet hours or on a daily digest.
    emails = Delivery.objects.filter(kind=DeliveryKind.EMAIL, notification__in=items)
    assert emails.count() == 3
    assert called.is_emergency and called.matter == matter and called.series is None
    assert called.start <= timezone.now() + datetime.timedelta(seconds=1)
    event = MeetingEvent.objects.get(meeting=called)
    assert event.type == EventType.EMERGENCY_CALLED and event.data["called"] == 3


def test_quiet_hours_and_digests_do_not_hold_an_emergency_call(h, room):
    NotificationPreference.objects.create(person=h.p["yjk_head"], digest_enabled=True)
    NotificationPreference.objects.create(
        person=h.p["yjk_liaison"], quiet_start=datetime.time(0), quiet_end=datetime.time(23, 59)
    )
    with time_machine.travel(timezone.now().replace(hour=4), tick=False):  # 12:00 in Shanghai
        meeting = call_emergency(
            h.p["office"], h.d["YB"], room=room, departments=[(h.d["YJK"], BOTH)]
        )
        now = timezone.now()
    for who in ("yjk_head", "yjk_liaison"):
        delivery = Delivery.objects.get(recipient=h.p[who], kind=DeliveryKind.EMAIL)
        assert delivery.next_attempt_at <= now
    assert meeting.calls.count() == 2


def test_confirmations_are_timed_from_the_call(h, called):
    start = called.created_at
    with time_machine.travel(start + datetime.timedelta(minutes=4, seconds=30), tick=False):
        call = services.confirm_attendance(called, h.p["mzb_head"])
    assert call.minutes_to_confirm == 4
    assert EmergencyCall.objects.get(pk=call.pk).confirmed_at == call.confirmed_at
    with pytest.raises(WrongState) as again:
        services.confirm_attendance(called, h.p["mzb_head"])
    assert "You confirmed at" in again.value.message
    assert MeetingEvent.objects.get(type=EventType.CONFIRMED).data["minutes"] == 4


def test_only_the_called_confirm_and_only_emergency_meetings_ask(h, called, room):
    with pytest.raises(NotAllowed):
        services.confirm_attendance(called, h.p["outsider"])
    series = SeriesFactory(by=h.p["xxk_head"], organizer=h.d["XXK"], room=room)
    with pytest.raises(WrongState) as refused:
        services.confirm_attendance(series.meetings.first(), h.p["xxk_liaison"])
    assert "Only emergency meetings" in refused.value.message


def test_a_cancelled_or_finished_emergency_meeting_takes_no_confirmations(h, called):
    after = called.end + datetime.timedelta(minutes=1)
    with time_machine.travel(after, tick=False), pytest.raises(WrongState):
        services.confirm_attendance(called, h.p["vp"])
    # It started at once: its caller can no longer cancel it either.
    with pytest.raises(WrongState):
        services.cancel_meeting(called, h.p["xxk_head"], reason="已解决")


def test_an_emergency_meeting_is_for_an_open_matter_one_can_see(h, room, matter):
    services_input = {
        "room": room,
        "departments": [(h.d["XXK"], HEAD)],
    }
    with pytest.raises(NotAllowed):
        # 儿科's head cannot see 门诊部's matter.
        call_emergency(h.p["ek_head"], h.d["EK"], matter=matter, **services_input)
    closed = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.CLOSED)
    with pytest.raises(WrongState) as refused:
        call_emergency(h.p["xxk_head"], h.d["XXK"], matter=closed, **services_input)
    assert "open matter" in refused.value.message


def test_an_emergency_meeting_is_held_within_a_day(h, room):
    later = timezone.now() + datetime.timedelta(hours=30)
    with pytest.raises(InvalidInput) as refused:
        call_emergency(
            h.p["xxk_head"], h.d["XXK"], room=room, departments=[(h.d["YJK"], HEAD)], start=later
        )
    assert "within 24 hours" in refused.value.message
    with pytest.raises(NotAllowed):
        call_emergency(h.p["xxk_staff"], h.d["XXK"], room=room, departments=[(h.d["YJK"], HEAD)])
    assert not EmergencyCall.objects.exists()


def test_whoever_calls_chairs_unless_a_chair_is_chosen(h, room, called):
    assert called.chair_person == h.p["xxk_head"]
    chosen = call_emergency(
        h.p["office"], h.d["YB"], room=room, departments=[(h.d["YJK"], HEAD)], chair=h.p["vp"]
    )
    assert chosen.chair_person == h.p["vp"]


def test_an_emergency_meeting_takes_proposals_until_it_begins(h, room):
    soon = timezone.now() + datetime.timedelta(hours=2)
    meeting = call_emergency(
        h.p["xxk_head"], h.d["XXK"], room=room, departments=[(h.d["YJK"], HEAD)], start=soon
    )
    assert meeting.cutoff == meeting.start > meeting.created_at
    item = services.propose_item(
        meeting, h.p["yjk_head"], services.ItemInput(title="药品库存", minutes=10)
    )
    assert item.meeting == meeting
    with pytest.raises(WrongState):
        services.set_agenda_cutoff(meeting, h.p["xxk_head"], soon - datetime.timedelta(hours=1))
    meeting.refresh_from_db()
    assert meeting.agenda_cutoff is None


def test_the_emergency_meeting_page_names_the_chair_and_shows_no_cutoff(client, h, called):
    client.force_login(h.p["xxk_head"].user)
    response = client.get(f"/meetings/{called.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 200
    chair = html.split("主持人</dt>")[1].split("</dd>")[0]
    assert h.p["xxk_head"].name in chair
    assert 'data-testid="agenda-cutoff"' not in html
    assert 'data-testid="form-cutoff"' not in html

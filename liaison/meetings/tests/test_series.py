"""Series and their occurrences: the occurrences are the rule's, moving or cancelling one
leaves the series whole, changing the series changes only future meetings that were not
changed on their own, and every change is on the record."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from dateutil import rrule as dateutil_rrule
from django.utils import timezone

from liaison.inbox.models import Notification
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.meetings import selectors, services
from liaison.meetings.models import (
    Attendance,
    EventType,
    Meeting,
    MeetingEvent,
    MeetingSeries,
    MeetingState,
)

from .factories import RoomFactory, SeriesFactory, next_weekday

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def series(h, room):
    """信息科's weekly Friday 15:00 project meeting: its head and liaison officer, 药剂科's
    liaison officer and the staff member 孙技术 by name; chaired by the vice president."""
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["vp"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["YJK"], Attendance.LIAISON_OFFICER)],
        people=[h.p["xxk_staff"]],
    )


def future(series) -> list[Meeting]:
    return list(series.meetings.filter(start__gt=timezone.now()).order_by("start"))


def test_the_occurrences_are_exactly_the_rules_for_a_year_ahead(h, series):
    # An independent expansion of the same rule, in Shanghai wall-clock time.
    expected = list(
        dateutil_rrule.rrule(
            dateutil_rrule.WEEKLY,
            byweekday=dateutil_rrule.FR,
            dtstart=datetime.datetime.combine(series.start_date, datetime.time(15), SHANGHAI),
            until=timezone.now() + services.HORIZON,
        )
    )
    meetings = list(series.meetings.order_by("start"))
    assert [m.start for m in meetings[: len(expected)]] == expected
    assert len(meetings) >= 52
    for meeting in meetings:
        local = meeting.start.astimezone(SHANGHAI)
        assert (local.weekday(), local.hour, local.minute) == (4, 15, 0)
        assert meeting.end - meeting.start == datetime.timedelta(minutes=60)
        assert meeting.recurrence_id == meeting.start
        assert meeting.room == series.room and meeting.state == MeetingState.SCHEDULED
    assert series.materialized_until >= timezone.now() + services.HORIZON


def test_scheduling_invites_everyone_expected_and_is_on_the_record(h, series):
    expected = {"xxk_head", "xxk_liaison", "yjk_liaison", "xxk_staff", "vp"}
    told = set(
        Notification.objects.filter(url=services.series_url(series)).values_list(
            "recipient__user__username", flat=True
        )
    )
    # The organizer who scheduled it is not told about their own act.
    assert told == {f"h1-{key}" for key in expected - {"xxk_head"}}
    event = MeetingEvent.objects.get(series=series)
    assert event.type == EventType.SERIES_CREATED and event.actor == h.p["xxk_head"]
    assert event.data["rule"] == "FREQ=WEEKLY;BYDAY=FR"
    assert event.data["departments"] == ["XXK:both", "YJK:liaison_officer"]


def test_a_department_without_a_head_sends_its_deputy_and_nobody_is_invited_twice(h, room):
    head = h.p["xxk_head"]
    head.is_active = False
    head.save()
    series = SeriesFactory(
        by=h.p["office"],
        organizer=h.d["YB"],
        room=room,
        departments=[(h.d["XXK"], Attendance.HEAD), (h.d["BWK"], Attendance.BOTH)],
        people=[h.p["bwk_liaison"]],
    )
    seats = services.seats_of(series)
    assert set(seats) == {h.p["xxk_deputy"].pk, h.p["bwk_liaison"].pk}
    # The liaison officer's seat is named for the department, not the invitation by name.
    assert seats[h.p["bwk_liaison"].pk] == services.Seat("liaison_officer", h.d["BWK"].pk)


def test_staff_cannot_schedule_and_the_refusal_changes_nothing(h, room):
    with pytest.raises(NotAllowed) as refused:
        SeriesFactory(by=h.p["xxk_staff"], organizer=h.d["XXK"], room=room)
    assert "信息科" in refused.value.message
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_the_coordinating_office_and_the_leader_in_charge_may_schedule(h, room):
    assert SeriesFactory(by=h.p["office"], organizer=h.d["XXK"], room=room).pk
    assert SeriesFactory(by=h.p["vp"], organizer=h.d["YJK"], room=room).pk
    with pytest.raises(NotAllowed):
        SeriesFactory(by=h.p["vp"], organizer=h.d["MZB"], room=room)  # not in their charge


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "title"),
        ({"rule": "FREQ=HOURLY"}, "at most once a day"),
        ({"duration": 0}, "from 1 minute to 24 hours"),
        ({"room": None}, "Choose a room or give an online meeting link"),
        ({"online_link": "javascript:alert(1)"}, "web address"),
        ({"start_date": datetime.date(2020, 1, 3)}, "at most a year ago"),
        ({"time_zone": "Mars/Olympus"}, "Unknown time zone"),
        ({"kind": "emergency"}, "kind of meeting"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(h, room, overrides, message):
    with pytest.raises(InvalidInput) as refused:
        SeriesFactory(by=h.p["xxk_head"], organizer=h.d["XXK"], **({"room": room} | overrides))
    assert message in refused.value.message
    assert not MeetingSeries.objects.exists()


def test_a_series_needs_participants_of_its_own_organization(h, room):
    other = RoomFactory()  # another organization's room
    with pytest.raises(InvalidInput):
        SeriesFactory(by=h.p["xxk_head"], organizer=h.d["XXK"], room=other)
    with pytest.raises(InvalidInput) as refused:
        services.create_series(
            h.p["xxk_head"],
            services.SeriesInput(
                title="例会",
                kind="project",
                organizer=h.d["XXK"],
                rule="FREQ=WEEKLY",
                start_date=next_weekday(0),
                start_time=datetime.time(9),
                duration=30,
                room=room,
            ),
        )
    assert "Invite at least one" in refused.value.message


def test_moving_one_occurrence_keeps_the_series_and_its_original_time(h, series, other_room):
    first, second, third = future(series)[:3]
    new_start = second.start + datetime.timedelta(days=-1, hours=-2)
    moved, _clashes = services.move_meeting(
        second,
        h.p["xxk_liaison"],
        start=new_start,
        room=other_room,
        online_link="",
        reason="周五全院消防演练",
    )
    moved.refresh_from_db()
    assert moved.start == new_start and moved.end == new_start + datetime.timedelta(hours=1)
    assert moved.recurrence_id == second.recurrence_id and moved.overridden and moved.is_moved
    assert moved.series == series and moved.room == other_room
    for untouched in (first, third):
        untouched.refresh_from_db()
        assert not untouched.overridden and untouched.start == untouched.recurrence_id
    event = MeetingEvent.objects.get(meeting=moved)
    assert event.type == EventType.MOVED and event.reason == "周五全院消防演练"
    assert event.series == series and event.data["to_room"] == other_room.code
    assert Notification.objects.filter(url=services.meeting_url(moved)).count() == 4


def test_cancelling_one_occurrence_needs_a_reason_and_keeps_the_series(h, series):
    meeting = future(series)[1]
    with pytest.raises(InvalidInput):
        services.cancel_meeting(meeting, h.p["xxk_head"], reason="  ")
    services.cancel_meeting(meeting, h.p["xxk_head"], reason="院领导外出")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.overridden
    assert meeting.cancelled_by == h.p["xxk_head"] and meeting.cancel_reason == "院领导外出"
    assert series.meetings.filter(state=MeetingState.SCHEDULED).count() >= 51
    with pytest.raises(WrongState) as late:
        services.cancel_meeting(meeting, h.p["xxk_head"], reason="再次取消")
    assert "cancelled by" in late.value.message
    with pytest.raises(WrongState):
        services.move_meeting(
            meeting, h.p["xxk_head"], start=meeting.start, room=None, online_link="https://x.cn"
        )


def test_only_its_organizers_and_chair_change_a_meeting(h, series):
    meeting = future(series)[0]
    for who in ("xxk_staff", "yjk_head", "outsider"):
        with pytest.raises(NotAllowed):
            services.cancel_meeting(meeting, h.p[who], reason="不开了")
    services.cancel_meeting(meeting, h.p["vp"], reason="主持人出差")  # the chair


def test_a_meeting_that_began_cannot_be_moved_or_cancelled(h, series):
    meeting = future(series)[0]
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=5), tick=False):
        with pytest.raises(WrongState) as refused:
            services.cancel_meeting(meeting, h.p["xxk_head"], reason="晚了")
        assert "began at" in refused.value.message


def test_moves_into_the_past_and_moves_that_change_nothing_are_refused(h, series):
    meeting = future(series)[0]
    with pytest.raises(InvalidInput) as past:
        services.move_meeting(
            meeting,
            h.p["xxk_head"],
            start=timezone.now() - datetime.timedelta(days=1),
            room=meeting.room,
            online_link="",
        )
    assert "into the past" in past.value.message
    with pytest.raises(InvalidInput) as same:
        services.move_meeting(
            meeting, h.p["xxk_head"], start=meeting.start, room=meeting.room, online_link=""
        )
    assert "Nothing to change" in same.value.message


def series_input(series, **changes) -> services.SeriesInput:
    participants = list(series.participants.all())
    data = {
        "title": series.title,
        "kind": series.kind,
        "organizer": series.organizer,
        "rule": series.rule,
        "start_date": series.start_date,
        "start_time": series.start_time,
        "duration": series.duration,
        "room": series.room,
        "online_link": series.online_link,
        "chair": series.chair,
        "departments": tuple((p.department, p.attendance) for p in participants if p.department),
        "people": tuple(p.person for p in participants if p.person),
        "description": series.description,
    }
    return services.SeriesInput(**(data | changes))


def test_changing_the_rule_regenerates_only_future_untouched_occurrences(h, series):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=30), tick=False):
        # This series starts in the past: its first weeks are history.
        past_series = SeriesFactory(
            by=h.p["xxk_head"],
            organizer=h.d["XXK"],
            room=series.room,
            departments=[(h.d["MZB"], Attendance.HEAD)],
            start_date=next_weekday(4, weeks=0),
        )
    past = list(past_series.meetings.filter(start__lt=timezone.now()))
    assert past
    coming = future(past_series)
    moved, _ = services.move_meeting(
        coming[2],
        h.p["xxk_head"],
        start=coming[2].start + datetime.timedelta(hours=1),
        room=past_series.room,
        online_link="",
    )
    cancelled = services.cancel_meeting(coming[3], h.p["xxk_head"], reason="节假日")
    services.edit_series(
        past_series,
        h.p["xxk_head"],
        series_input(past_series, rule="FREQ=WEEKLY;BYDAY=TU", start_time=datetime.time(9, 30)),
    )
    # The past stays as it was; the moved and cancelled occurrences stay as they are.
    assert set(past_series.meetings.filter(start__lt=timezone.now())) == set(past)
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    assert moved.start == coming[2].start + datetime.timedelta(hours=1)
    assert cancelled.state == MeetingState.CANCELLED
    # Every other coming occurrence is a Tuesday at 9:30, as the new rule says.
    for meeting in past_series.meetings.filter(start__gt=timezone.now(), overridden=False):
        local = meeting.start.astimezone(SHANGHAI)
        assert (local.weekday(), local.hour, local.minute) == (1, 9, 30)
        assert meeting.recurrence_id == meeting.start
    past_series.refresh_from_db()
    expected = set(
        services.occurrence_times(past_series, timezone.now(), past_series.materialized_until)
    )
    actual = set(
        past_series.meetings.filter(
            overridden=False, recurrence_id__gte=timezone.now()
        ).values_list("recurrence_id", flat=True)
    )
    assert actual == expected
    assert past_series.sequence == 1
    event = past_series.events.get(type=EventType.SERIES_CHANGED)
    assert event.data["changes"]["rule"] == ["FREQ=WEEKLY;BYDAY=FR", "FREQ=WEEKLY;BYDAY=TU"]


def test_a_new_room_moves_the_untouched_future_meetings_only(h, series, other_room):
    coming = future(series)
    moved, _ = services.move_meeting(
        coming[0],
        h.p["xxk_head"],
        start=coming[0].start + datetime.timedelta(hours=1),
        room=coming[0].room,
        online_link="",
    )
    services.edit_series(series, h.p["xxk_head"], series_input(series, room=other_room))
    assert set(
        series.meetings.filter(start__gt=timezone.now(), overridden=False).values_list(
            "room", flat=True
        )
    ) == {other_room.pk}
    moved.refresh_from_db()
    assert moved.room == series.room  # the old room: it was changed on its own


def test_a_change_that_changes_nothing_leaves_no_record(h, series):
    services.edit_series(series, h.p["xxk_head"], series_input(series))
    assert not series.events.filter(type=EventType.SERIES_CHANGED).exists()


def test_reads_further_ahead_create_the_occurrences_they_need(h, series):
    far = timezone.now() + datetime.timedelta(days=800)
    scope = selectors.Scope(h.organization)
    found = list(selectors.meetings_between(scope, far, far + datetime.timedelta(days=14)))
    assert len(found) == 2 and all(m.series == series for m in found)
    series.refresh_from_db()
    assert series.materialized_until >= far + datetime.timedelta(days=14)
    # Far beyond the furthest horizon nothing is written.
    beyond = timezone.now() + services.FURTHEST + datetime.timedelta(days=60)
    assert not list(selectors.meetings_between(scope, beyond, beyond + datetime.timedelta(days=14)))


def test_extending_twice_creates_nothing_twice(h, series):
    until = timezone.now() + datetime.timedelta(days=600)
    first = services.extend_horizon(h.organization, until)
    assert first > 0
    assert services.extend_horizon(h.organization, until) == 0
    starts = list(series.meetings.values_list("recurrence_id", flat=True))
    assert len(starts) == len(set(starts))

"""Clash check (会议撞车): a person, a department head or a room expected at two
meetings at once is a warning, never a refusal."""

import datetime

import pytest
import time_machine

from liaison.meetings import services
from liaison.meetings.models import Attendance

from .factories import SeriesFactory, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def friday(h, room):
    """信息科's Friday 15:00–16:00 meeting in room 1, with its head."""
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.HEAD)],
        people=[h.p["mzb_staff"]],
    )


def kinds(clashes) -> set[tuple]:
    return {
        (c.kind, c.person.name if c.person else None, c.room.name if c.room else None)
        for c in clashes
    }


def test_a_second_series_in_the_same_room_at_the_same_time_warns_but_is_scheduled(h, friday, room):
    second = SeriesFactory(
        by=h.p["yjk_head"],
        organizer=h.d["YJK"],
        room=room,
        departments=[(h.d["YJK"], Attendance.HEAD)],
        start_time=datetime.time(15, 30),
    )
    assert second.pk and second.meetings.count() >= 52  # a warning, not a block
    assert kinds(second.clashes) == {("room", None, "第一会议室")}
    first = second.clashes[0]
    assert first.other.series == friday and first.start < first.other.end
    assert "第一会议室 is already booked for" in first.message


def test_a_head_expected_at_two_meetings_is_named_with_their_department(h, friday, other_room):
    second = SeriesFactory(
        by=h.p["office"],
        organizer=h.d["YB"],
        room=other_room,
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["YB"], Attendance.HEAD)],
    )
    assert kinds(second.clashes) == {("head", "赵信息", None)}
    assert "赵信息, head of 信息科, is also expected at" in second.clashes[0].message


def test_a_person_invited_by_name_to_both(h, friday, other_room):
    second = SeriesFactory(
        by=h.p["office"],
        organizer=h.d["YB"],
        room=other_room,
        departments=[(h.d["YB"], Attendance.HEAD)],
        people=[h.p["mzb_staff"]],
        rule="FREQ=MONTHLY;BYDAY=1FR",
    )
    assert kinds(second.clashes) == {("person", "陈导诊", None)}
    # Monthly against weekly: every coming first Friday of a month clashes once.
    assert 11 <= len(second.clashes) <= 13


def test_meetings_that_only_touch_or_were_cancelled_do_not_clash(h, friday, room):
    right_after = SeriesFactory(
        by=h.p["yjk_head"],
        organizer=h.d["YJK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.HEAD)],
        start_time=datetime.time(16, 0),
    )
    assert right_after.clashes == []
    meeting = friday.meetings.order_by("start").last()
    services.cancel_meeting(meeting, h.p["xxk_head"], reason="停开")
    # Its time, room and people are free again.
    spans = [(meeting.start, meeting.end)]
    assert services.find_clashes(h.organization, spans, services.seats_of(friday), room) == []


def test_moving_a_meeting_onto_another_warns(h, friday, other_room):
    monday = SeriesFactory(
        by=h.p["office"],
        organizer=h.d["YB"],
        room=other_room,
        departments=[(h.d["YB"], Attendance.HEAD)],
        people=[h.p["mzb_staff"]],
        rule="FREQ=WEEKLY;BYDAY=MO",
        start_date=next_weekday(0),
    )
    target = friday.meetings.order_by("start")[2]
    meeting = monday.meetings.order_by("start")[2]
    moved, clashes = services.move_meeting(
        meeting,
        h.p["office"],
        start=target.start + datetime.timedelta(minutes=30),
        room=target.room,
        online_link="",
    )
    assert moved.start == target.start + datetime.timedelta(minutes=30)
    assert kinds(clashes) == {("room", None, "第一会议室"), ("person", "陈导诊", None)}
    assert {c.other for c in clashes} == {target}


def test_an_emergency_meeting_warns_about_the_heads_it_calls_away(h, friday, other_room):
    target = friday.meetings.order_by("start").first()
    with_time = target.start - datetime.timedelta(minutes=10)
    with time_machine.travel(with_time - datetime.timedelta(hours=1), tick=False):
        meeting, clashes = services.call_emergency_meeting(
            h.p["mzb_head"],
            services.EmergencyInput(
                title="紧急会议",
                organizer=h.d["MZB"],
                start=with_time,
                room=other_room,
                departments=((h.d["XXK"], Attendance.HEAD), (h.d["MZB"], Attendance.HEAD)),
            ),
        )
    assert kinds(clashes) == {("head", "赵信息", None)}
    assert meeting.pk  # the meeting stands

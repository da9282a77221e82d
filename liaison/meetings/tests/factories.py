"""Factories for meetings. Rooms are plain rows; series and emergency meetings are made
through the services (never by saving rows), so they have their occurrences, their
participants and their events."""

import datetime

import factory
from django.utils import timezone

from liaison.meetings import services
from liaison.meetings.models import Attendance, Meeting, MeetingKind, MeetingSeries, Room
from liaison.org.tests.factories import OrganizationFactory


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"room{n}")
    name = factory.Sequence(lambda n: f"第{n}会议室")
    location = "行政楼3层"
    capacity = 20


def next_weekday(weekday: int, weeks: int = 1) -> datetime.date:
    """The day of this weekday (0 Monday) at least `weeks` weeks from today."""
    today = timezone.localdate() + datetime.timedelta(weeks=weeks)
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7)


class SeriesFactory(factory.Factory):
    """SeriesFactory(by=person, organizer=department, room=room, departments=[(d, a)])
    schedules a weekly Friday 15:00 series through services.create_series; the clashes
    found are on `series.clashes`."""

    class Meta:
        model = MeetingSeries

    title = factory.Sequence(lambda n: f"项目周例会{n}")
    kind = MeetingKind.PROJECT
    rule = "FREQ=WEEKLY;BYDAY=FR"
    start_date = factory.LazyFunction(lambda: next_weekday(4))
    start_time = datetime.time(15, 0)
    duration = 60
    room = None
    online_link = ""
    chair = None
    departments = ()
    people = ()
    description = ""
    for_leading_group = False

    @classmethod
    def _create(cls, model_class, *, by, organizer, **kwargs):
        departments = kwargs.pop("departments") or ((organizer, Attendance.BOTH),)
        series, clashes = services.create_series(
            by,
            services.SeriesInput(
                organizer=organizer,
                departments=tuple(departments),
                people=tuple(kwargs.pop("people")),
                **kwargs,
            ),
        )
        series.clashes = clashes
        return series

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Series are only made through the services.")


def call_emergency(
    by, organizer, *, room, departments, people=(), matter=None, **kwargs
) -> Meeting:
    meeting, _clashes = services.call_emergency_meeting(
        by,
        services.EmergencyInput(
            title=kwargs.pop("title", "紧急会议：门诊系统瘫痪"),
            organizer=organizer,
            room=room,
            departments=tuple(departments),
            people=tuple(people),
            matter=matter,
            **kwargs,
        ),
    )
    return meeting

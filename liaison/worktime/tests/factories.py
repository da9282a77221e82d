import datetime

import factory

from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory
from liaison.worktime.models import CalendarDay, DayKind, WorkCalendar, WorkPeriod


class WorkCalendarFactory(factory.django.DjangoModelFactory):
    """A department's calendar (organizations get their default one when created)."""

    class Meta:
        model = WorkCalendar

    organization = factory.SubFactory(OrganizationFactory)
    department = factory.SubFactory(
        DepartmentFactory, organization=factory.SelfAttribute("..organization")
    )
    name = factory.Sequence(lambda n: f"日历{n}")


class WorkPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkPeriod

    calendar = factory.SubFactory(WorkCalendarFactory)
    start = datetime.time(8, 0)
    end = datetime.time(12, 0)


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    organization = factory.SubFactory(OrganizationFactory)
    date = factory.Sequence(lambda n: datetime.date(2030, 1, 1) + datetime.timedelta(days=n))
    kind = DayKind.HOLIDAY
    name = "假日"

"""Calendars in the database: seeding, constraints, which calendar applies, the snapshot,
and loading holidays from the library or a file."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.models import CalendarDay, DayKind, WorkCalendar, WorkPeriod
from liaison.worktime.services import (
    calendar_for,
    import_calendar_days,
    load_library_year,
    snapshot_for,
    validate_periods,
)

from .factories import CalendarDayFactory, WorkCalendarFactory, WorkPeriodFactory
from .test_domain import at

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English, whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def hospital():
    with time_machine.travel(TODAY, tick=False):
        return OrganizationFactory(code="h1", name="测试医院")


def days_of(organization, **filters):
    return {
        (day.date, day.kind, day.name)
        for day in CalendarDay.objects.filter(organization=organization, **filters)
    }


# Seeding and the library.


def test_a_new_organization_gets_office_hours_and_this_years_holidays(hospital):
    calendar = WorkCalendar.objects.get(organization=hospital)
    assert calendar.department is None
    assert calendar.weekdays == frozenset(range(5))
    assert [str(period) for period in calendar.periods.all()] == ["08:00–12:00", "14:00–17:30"]
    assert (dt.date(2026, 2, 17), DayKind.HOLIDAY, "春节") in days_of(hospital)
    assert (dt.date(2026, 10, 10), DayKind.WORKDAY, "国庆节补班") in days_of(hospital)
    assert CalendarDay.objects.filter(organization=hospital, date__year=2026).count() == 39


def test_a_year_the_library_does_not_know_loads_nothing_and_says_so(hospital):
    # chinese-calendar 1.11 ends with 2026; 2027 is announced late in 2026.
    assert load_library_year(hospital, 2027) == 0
    assert not CalendarDay.objects.filter(organization=hospital, date__year=2027).exists()


def test_reloading_a_year_restores_the_official_days_and_keeps_others(hospital):
    CalendarDay.objects.filter(organization=hospital, date=dt.date(2026, 2, 17)).update(
        kind=DayKind.WORKDAY, name="误改"
    )
    extra = CalendarDayFactory(organization=hospital, date=dt.date(2026, 3, 8), name="院庆")
    assert load_library_year(hospital, 2026) == 39
    assert (dt.date(2026, 2, 17), DayKind.HOLIDAY, "春节") in days_of(hospital)
    assert CalendarDay.objects.filter(pk=extra.pk).exists()


# Constraints.


def test_a_period_must_end_after_it_starts(hospital):
    calendar = WorkCalendar.objects.get(organization=hospital)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkPeriod.objects.create(calendar=calendar, start=dt.time(18), end=dt.time(18))


def test_one_default_calendar_per_organization(hospital):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendar.objects.create(organization=hospital, name="第二个")


def test_one_calendar_per_department(hospital):
    calendar = WorkCalendarFactory(organization=hospital)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendar.objects.create(
            organization=hospital, department=calendar.department, name="再一个"
        )


def test_a_calendar_needs_a_working_weekday_unless_around_the_clock(hospital):
    closed = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), False)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkCalendarFactory(organization=hospital, **closed)
    WorkCalendarFactory(organization=hospital, around_the_clock=True, **closed)


def test_one_entry_per_date(hospital):
    with pytest.raises(IntegrityError), transaction.atomic():
        CalendarDayFactory(organization=hospital, date=dt.date(2026, 10, 1))


def test_a_department_of_another_organization_is_refused(hospital):
    other = DepartmentFactory()
    with pytest.raises(ValidationError):
        WorkCalendar(organization=hospital, department=other, name="错").clean()


def test_periods_are_validated_for_the_admin():
    validate_periods([], around_the_clock=True)
    with pytest.raises(ValidationError, match="at least one"):
        validate_periods([], around_the_clock=False)
    with pytest.raises(ValidationError, match="overlap"):
        validate_periods([(dt.time(8), dt.time(12)), (dt.time(11), dt.time(13))], False)


# Which calendar applies, and the snapshot.


def test_a_department_calendar_overrides_the_default_down_the_tree(hospital):
    emergency = DepartmentFactory(organization=hospital, name="急诊科")
    triage = DepartmentFactory(organization=hospital, name="预检分诊", parent=emergency)
    office = DepartmentFactory(organization=hospital, name="院办")
    around = WorkCalendarFactory(organization=hospital, department=emergency, around_the_clock=True)
    default = WorkCalendar.objects.get(organization=hospital, department=None)
    assert calendar_for(hospital, emergency) == around
    assert calendar_for(hospital, triage) == around
    assert calendar_for(hospital, office) == default
    assert calendar_for(hospital) == default
    assert snapshot_for(hospital, triage).around_the_clock
    deadline = add_working_time(
        snapshot_for(hospital, triage), at("2026-10-01 10:00"), Amount(1, Unit.WORKING_DAYS)
    )
    assert deadline == at("2026-10-02 10:00")


def test_a_department_calendar_with_its_own_hours(hospital):
    pharmacy = WorkCalendarFactory(organization=hospital, saturday=True)
    WorkPeriodFactory(calendar=pharmacy, start=dt.time(8), end=dt.time(16))
    snapshot = snapshot_for(hospital, pharmacy.department)
    assert snapshot.day_length == dt.timedelta(hours=8)
    # Saturday is worked, but 3 October is a holiday for the whole organization.
    start = at("2026-09-30 15:00")
    assert add_working_time(snapshot, start, Amount(2, Unit.WORKING_HOURS)) == at(
        "2026-10-08 09:00"
    )


def test_the_snapshot_costs_a_few_queries(hospital, django_assert_max_num_queries):
    department = DepartmentFactory(organization=hospital)
    with django_assert_max_num_queries(4):
        snapshot = snapshot_for(hospital, department)
    assert dt.date(2026, 2, 17) in snapshot.holidays
    assert dt.date(2026, 2, 14) in snapshot.workdays


def test_without_any_calendar_the_office_hours_apply(hospital):
    WorkCalendar.objects.filter(organization=hospital).delete()
    snapshot = snapshot_for(hospital)
    assert snapshot.day_length == dt.timedelta(hours=7, minutes=30)
    assert add_working_time(snapshot, at("2026-02-13 10:00"), Amount(1, Unit.WORKING_DAYS)) == (
        at("2026-02-14 10:00")
    )


# Import from a file.

CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-06,holiday,春节
2027-02-07,workday,春节补班
"""


def test_a_csv_file_loads_a_year(hospital):
    result = import_calendar_days(hospital, "2027.csv", CSV_2027.encode())
    assert result.ok, result.errors
    assert (result.created, result.updated) == (3, 0)
    assert (dt.date(2027, 2, 7), DayKind.WORKDAY, "春节补班") in days_of(hospital)
    with translation.override("en"):
        assert result.summary() == "Dates added: 3; corrected: 0."


def test_a_csv_file_corrects_dates_and_keeps_the_others(hospital):
    result = import_calendar_days(
        hospital, "fix.csv", "2026-10-08,休,国庆节（本院）\n".encode("gb18030")
    )
    assert (result.created, result.updated) == (1, 0)
    result = import_calendar_days(hospital, "fix.csv", b"2026-10-01,workday,National Day duty")
    assert (result.created, result.updated) == (0, 1)
    assert (dt.date(2026, 10, 1), DayKind.WORKDAY, "National Day duty") in days_of(hospital)
    assert (dt.date(2026, 10, 8), DayKind.HOLIDAY, "国庆节（本院）") in days_of(hospital)
    assert (dt.date(2026, 10, 2), DayKind.HOLIDAY, "国庆节") in days_of(hospital)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("a.csv", b"2027-13-01,holiday,x\n", "is not a date"),
        ("a.csv", b"2027-01-01,vacation,x\n", "neither holiday nor workday"),
        ("a.csv", b"2027-01-01,holiday\n", "three columns"),
        ("a.csv", b"2027-01-01,holiday,\n", "name is missing"),
        ("a.csv", b"2027-01-01,holiday,x\n2027-01-01,workday,y\n", "both a holiday"),
        ("a.csv", b"2027-01-01,holiday," + b"x" * 101 + b"\n", "longer than"),
        ("a.csv", b"\xff\xfe\x00\xd8", "neither UTF-8"),
        ("a.ics", b"not a calendar", "not a readable iCalendar"),
        ("a.xlsx", b"PK", ".csv or an .ics"),
        ("a.csv", b"x" * (1024 * 1024 + 1), "too large"),
    ],
)
def test_bad_files_are_explained_and_write_nothing(hospital, filename, content, message):
    before = days_of(hospital)
    result = import_calendar_days(hospital, filename, b"2027-05-01,holiday,ok\n" + content)
    assert not result.ok
    assert any(message in error for error in result.errors), result.errors
    assert days_of(hospital) == before


def test_an_empty_file_is_explained(hospital):
    result = import_calendar_days(hospital, "a.csv", b"date,kind,name\n\n")
    assert result.errors == ["The file contains no dates."]


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//holidays//CN
BEGIN:VEVENT
UID:1
SUMMARY:\xe6\x98\xa5\xe8\x8a\x82
DTSTART;VALUE=DATE:20270205
DTEND;VALUE=DATE:20270208
END:VEVENT
BEGIN:VEVENT
UID:2
SUMMARY:\xe6\x98\xa5\xe8\x8a\x82\xe8\xa1\xa5\xe7\x8f\xad
DTSTART;VALUE=DATE:20270130
END:VEVENT
END:VCALENDAR
"""


def test_an_ics_file_loads_all_day_events(hospital):
    result = import_calendar_days(hospital, "holidays.ICS", ICS)
    assert result.ok, result.errors
    assert days_of(hospital, date__year=2027) == {
        (dt.date(2027, 2, 5), DayKind.HOLIDAY, "春节"),
        (dt.date(2027, 2, 6), DayKind.HOLIDAY, "春节"),
        (dt.date(2027, 2, 7), DayKind.HOLIDAY, "春节"),
        (dt.date(2027, 1, 30), DayKind.WORKDAY, "春节补班"),
    }


def test_an_ics_event_with_a_time_is_refused(hospital):
    content = ICS.replace(b"DTSTART;VALUE=DATE:20270130", b"DTSTART:20270130T090000Z")
    result = import_calendar_days(hospital, "holidays.ics", content)
    assert not result.ok
    assert "all-day" in result.errors[0]
    assert not CalendarDay.objects.filter(organization=hospital, date__year=2027).exists()

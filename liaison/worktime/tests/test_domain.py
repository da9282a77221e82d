"""Deadline arithmetic on hand-picked cases: every kind of awkward start, the 2026
holidays and adjusted working days, New Year and the Spring Festival."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from liaison.worktime.domain import Amount, CalendarSnapshot, Unit, add_working_time
from liaison.worktime.domain import working_minutes_between as between
from liaison.worktime.models import DayKind
from liaison.worktime.services import DEFAULT_PERIODS, library_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


def official(*years, **options) -> CalendarSnapshot:
    days = [day for year in years for day in library_days(year)]
    return CalendarSnapshot(
        time_zone=SHANGHAI,
        periods=options.pop("periods", DEFAULT_PERIODS),
        holidays=frozenset(d for d, kind, _name in days if kind == DayKind.HOLIDAY),
        workdays=frozenset(d for d, kind, _name in days if kind == DayKind.WORKDAY),
        **options,
    )


OFFICE = official(2025, 2026)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def days(n):
    return Amount(n, Unit.WORKING_DAYS)


def hours(n):
    return Amount(n, Unit.WORKING_HOURS)


def minutes(n):
    return Amount(n, Unit.WORKING_MINUTES)


def test_a_working_day_is_the_sum_of_the_periods():
    assert OFFICE.day_length == dt.timedelta(hours=7, minutes=30)


@pytest.mark.parametrize(
    ("start", "amount", "deadline"),
    [
        # Inside a period: same offset on the next working day.
        ("2026-11-23 10:00", days(1), "2026-11-24 10:00"),
        ("2026-11-23 10:00", days(5), "2026-11-30 10:00"),
        ("2026-11-23 10:00", hours(2), "2026-11-23 12:00"),
        ("2026-11-23 10:00", hours(3), "2026-11-23 15:00"),
        ("2026-11-23 10:00", minutes(30), "2026-11-23 10:30"),
        ("2026-11-23 16:00", hours(2), "2026-11-24 08:30"),
        # Using up the morning exactly ends at noon, not when the afternoon opens.
        ("2026-11-23 08:00", hours(4), "2026-11-23 12:00"),
        ("2026-11-23 11:00", minutes(60), "2026-11-23 12:00"),
        # In the lunch break: counts from 14:00.
        ("2026-11-23 12:30", hours(1), "2026-11-23 15:00"),
        ("2026-11-23 12:30", days(1), "2026-11-24 12:00"),
        # Before opening and after closing.
        ("2026-11-23 07:00", days(1), "2026-11-23 17:30"),
        ("2026-11-23 07:00", minutes(1), "2026-11-23 08:01"),
        ("2026-11-23 18:00", days(1), "2026-11-24 17:30"),
        ("2026-11-23 23:59", minutes(1), "2026-11-24 08:01"),
        # Friday evening and the weekend.
        ("2026-11-27 18:00", days(1), "2026-11-30 17:30"),
        ("2026-11-28 10:00", hours(1), "2026-11-30 09:00"),
        # New Year: 1–3 January are holidays, Sunday 4 January is worked (调休).
        ("2025-12-31 10:00", days(1), "2026-01-04 10:00"),
        ("2026-01-01 09:00", hours(1), "2026-01-04 09:00"),
        ("2026-01-04 10:00", days(1), "2026-01-05 10:00"),
        # Spring Festival: Saturday 14 February worked, 15–23 February off.
        ("2026-02-13 10:00", days(1), "2026-02-14 10:00"),
        ("2026-02-14 10:00", days(1), "2026-02-24 10:00"),
        ("2026-02-18 10:00", days(1), "2026-02-24 17:30"),
        ("2026-02-12 10:00", days(5), "2026-02-26 10:00"),
        # National Day: 1–7 October off, Saturday 10 October worked.
        ("2026-09-30 17:00", hours(1), "2026-10-08 08:30"),
        ("2026-10-09 10:00", days(1), "2026-10-10 10:00"),
        # Across the year end, with the amount far larger than a week.
        ("2025-12-25 10:00", days(10), "2026-01-09 10:00"),
        # Nothing to add: the start itself.
        ("2026-11-28 10:00", minutes(0), "2026-11-28 10:00"),
    ],
)
def test_deadlines(start, amount, deadline):
    assert add_working_time(OFFICE, at(start), amount) == at(deadline)
    if amount.value:
        worked = amount.value * {"working_days": 450, "working_hours": 60}.get(amount.unit, 1)
        assert between(OFFICE, at(start), at(deadline)) == worked


def test_the_deadline_is_in_the_calendars_time_zone_whatever_the_start_zone():
    start = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
    deadline = add_working_time(OFFICE, start, days(1))
    assert deadline == at("2026-11-24 10:00")
    assert deadline.utcoffset() == dt.timedelta(hours=8)


def test_seconds_are_kept():
    start = at("2026-11-23 10:00:30.5")
    assert add_working_time(OFFICE, start, hours(2)) == at("2026-11-23 14:00:30.5")
    assert between(OFFICE, start, at("2026-11-23 10:01:30")) == 0


def test_clock_minutes_ignore_the_calendar():
    assert add_working_time(OFFICE, at("2026-02-17 23:50"), Amount(30, Unit.CLOCK_MINUTES)) == at(
        "2026-02-18 00:20"
    )


def test_around_the_clock_counts_every_minute_holidays_included():
    snapshot = CalendarSnapshot(time_zone=SHANGHAI, around_the_clock=True)
    start = at("2026-01-01 23:00")
    assert add_working_time(snapshot, start, days(1)) == at("2026-01-02 23:00")
    assert add_working_time(snapshot, start, hours(3)) == at("2026-01-02 02:00")
    assert add_working_time(snapshot, start, minutes(90)) == at("2026-01-02 00:30")
    assert between(snapshot, start, at("2026-01-02 00:30")) == 90


def test_a_six_day_week_with_one_period():
    snapshot = official(2026, weekdays=frozenset(range(6)), periods=((dt.time(9), dt.time(15)),))
    assert add_working_time(snapshot, at("2026-11-27 12:00"), days(1)) == at("2026-11-28 12:00")
    assert add_working_time(snapshot, at("2026-11-28 14:00"), hours(2)) == at("2026-11-30 10:00")


def test_overlapping_periods_count_once():
    snapshot = official(2026, periods=((dt.time(8), dt.time(12)), (dt.time(11), dt.time(13))))
    assert snapshot.day_length == dt.timedelta(hours=5)


def test_working_minutes_between():
    assert between(OFFICE, at("2026-11-23 07:00"), at("2026-11-23 19:00")) == 450
    assert between(OFFICE, at("2026-11-23 12:10"), at("2026-11-23 13:50")) == 0
    assert between(OFFICE, at("2026-11-27 17:00"), at("2026-11-30 09:00")) == 90
    assert between(OFFICE, at("2026-09-30 00:00"), at("2026-10-11 00:00")) == 4 * 450
    assert between(OFFICE, at("2026-11-24 10:00"), at("2026-11-23 10:00")) == -450


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_time(OFFICE, dt.datetime(2026, 11, 23, 10), days(1))


@pytest.mark.parametrize(
    "options",
    [{"periods": ()}, {"weekdays": frozenset()}, {"periods": ((dt.time(12), dt.time(8)),)}],
)
def test_a_calendar_without_working_time_is_refused(options):
    with pytest.raises(ValueError):
        CalendarSnapshot(time_zone=SHANGHAI, **{"periods": DEFAULT_PERIODS, **options})


def test_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        Amount(-1, Unit.WORKING_DAYS)

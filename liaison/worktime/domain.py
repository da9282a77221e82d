"""Working-time arithmetic: pure functions over a calendar snapshot, no database.

Callers build a `CalendarSnapshot` once (services.snapshot_for) and reuse it for every
deadline of that organization or department.

Definitions, used consistently by both functions:

* A *working day* is a date marked as an adjusted working day (调休补班), or else a date
  on a working weekday that is not marked as a holiday (法定节假日).
* *Working time* is the calendar's periods (e.g. 08:00–12:00 and 14:00–17:30) on working
  days, read on the wall clock of the snapshot's time zone.
* Adding N *working minutes* to a start gives the earliest instant by which N minutes of
  working time have passed since the start. A start outside working time (before
  opening, in a break, after closing, on a weekend or holiday) counts from the next
  working instant; a deadline that uses up a period exactly ends at that period's end
  (12:00, not 14:00).
* N *working hours* are 60 × N working minutes.
* N *working days* are N × (working minutes in one working day), the business-minutes
  rule of ticket systems such as OTRS and Zammad. Every working day has the same periods,
  so this is the same working-time offset on the Nth following working day: Monday 10:00
  plus 1 working day is Tuesday 10:00; Friday 18:00 (after closing) plus 1 is the end of
  Monday, 17:30; Monday 07:00 (before opening) plus 1 is Monday 17:30. Because days are
  counted in minutes, a clock paused with working_minutes_between resumes exactly.
* *Clock minutes* are elapsed time: the calendar is ignored.
* An *around-the-clock* calendar (24×7) makes every minute working time, holidays
  included: a working day is 24 hours and a working hour is an hour.

`working_minutes_between` is the inverse: working_minutes_between(s, a, end) == n for
end = add_working_time(s, a, Amount(n, Unit.WORKING_MINUTES)) when n > 0.
"""

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

ZERO = dt.timedelta(0)
MINUTE = dt.timedelta(minutes=1)
DAY = dt.timedelta(days=1)
UTC = dt.UTC


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    WORKING_MINUTES = "working_minutes"
    CLOCK_MINUTES = "clock_minutes"


@dataclass(frozen=True)
class Amount:
    value: int
    unit: Unit

    def __post_init__(self):
        if self.value < 0:
            raise ValueError("A time limit cannot be negative.")


def _offset(moment: dt.time) -> dt.timedelta:
    return dt.timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


@dataclass(frozen=True)
class CalendarSnapshot:
    """Everything the arithmetic needs about one calendar, as plain immutable values."""

    time_zone: ZoneInfo
    around_the_clock: bool = False
    #: date.weekday() numbers, Monday is 0.
    weekdays: frozenset[int] = frozenset(range(5))
    #: (start, end) wall-clock times of each working period, end after start.
    periods: tuple[tuple[dt.time, dt.time], ...] = ()
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    #: The periods as sorted, merged offsets from midnight; derived, not passed.
    spans: tuple[tuple[dt.timedelta, dt.timedelta], ...] = field(init=False)
    day_length: dt.timedelta = field(init=False)

    def __post_init__(self):
        merged: list[list[dt.timedelta]] = []
        for start, end in sorted((_offset(s), _offset(e)) for s, e in self.periods):
            if end <= start:
                raise ValueError(f"Working period {start}–{end} does not end after it starts.")
            # Overlapping or touching periods are one stretch of working time.
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        spans = tuple((start, end) for start, end in merged)
        object.__setattr__(self, "spans", spans)
        object.__setattr__(self, "day_length", sum((e - s for s, e in spans), ZERO))
        # Without working time in a week, no deadline could ever be reached.
        if not self.around_the_clock and not (spans and self.weekdays):
            raise ValueError("A calendar needs working periods and working weekdays.")

    def is_working_day(self, day: dt.date) -> bool:
        if self.around_the_clock or day in self.workdays:
            return True
        return day not in self.holidays and day.weekday() in self.weekdays

    def _local(self, moment: dt.datetime) -> tuple[dt.date, dt.timedelta]:
        """The local date and the wall-clock offset from its midnight."""
        if moment.tzinfo is None:
            raise ValueError("Working time is computed on aware datetimes only.")
        local = moment.astimezone(self.time_zone)
        return local.date(), _offset(local.time())

    def _at(self, day: dt.date, offset: dt.timedelta) -> dt.datetime:
        return (dt.datetime.combine(day, dt.time()) + offset).replace(tzinfo=self.time_zone)

    def _spent(self, day: dt.date, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
        """Working time on `day` between two offsets from its midnight."""
        if not self.is_working_day(day):
            return ZERO
        return sum(
            (
                min(end, high) - max(start, low)
                for start, end in self.spans
                if end > low and start < high
            ),
            ZERO,
        )


def _elapsed(start: dt.datetime, amount: dt.timedelta, time_zone: ZoneInfo) -> dt.datetime:
    # Through UTC: aware arithmetic in one zone is wall-clock arithmetic.
    return (start.astimezone(UTC) + amount).astimezone(time_zone)


def add_working_time(snapshot: CalendarSnapshot, start: dt.datetime, amount: Amount) -> dt.datetime:
    """The deadline `amount` after `start` (see the module docstring for the rules),
    as an aware datetime in the snapshot's time zone."""
    if start.tzinfo is None:
        raise ValueError("Working time is computed on aware datetimes only.")
    if amount.unit is Unit.CLOCK_MINUTES:
        return _elapsed(start, amount.value * MINUTE, snapshot.time_zone)
    if snapshot.around_the_clock:
        per_unit = {Unit.WORKING_DAYS: DAY, Unit.WORKING_HOURS: 60 * MINUTE}
        return _elapsed(start, amount.value * per_unit.get(amount.unit, MINUTE), snapshot.time_zone)
    per_unit = {Unit.WORKING_DAYS: snapshot.day_length, Unit.WORKING_HOURS: 60 * MINUTE}
    todo = amount.value * per_unit.get(amount.unit, MINUTE)
    if not todo:
        return start.astimezone(snapshot.time_zone)

    day, offset = snapshot._local(start)
    while True:
        if snapshot.is_working_day(day):
            for span_start, span_end in snapshot.spans:
                begin = max(span_start, offset)
                if span_end <= begin:
                    continue
                if todo <= span_end - begin:
                    return snapshot._at(day, begin + todo)
                todo -= span_end - begin
        day, offset = day + DAY, ZERO
        # Whole days in one step each; only the last day's periods are walked.
        while todo > snapshot.day_length or not snapshot.is_working_day(day):
            if snapshot.is_working_day(day):
                todo -= snapshot.day_length
            day += DAY


def working_minutes_between(snapshot: CalendarSnapshot, a: dt.datetime, b: dt.datetime) -> int:
    """Whole minutes of working time from `a` to `b` (negative when `b` is earlier)."""
    if b < a:
        return -working_minutes_between(snapshot, b, a)
    if snapshot.around_the_clock:
        return (b.astimezone(UTC) - a.astimezone(UTC)) // MINUTE
    day_a, offset_a = snapshot._local(a)
    day_b, offset_b = snapshot._local(b)
    if day_a == day_b:
        return snapshot._spent(day_a, offset_a, offset_b) // MINUTE
    total = snapshot._spent(day_a, offset_a, DAY) + snapshot._spent(day_b, ZERO, offset_b)
    day = day_a + DAY
    while day < day_b:
        if snapshot.is_working_day(day):
            total += snapshot.day_length
        day += DAY
    return total // MINUTE

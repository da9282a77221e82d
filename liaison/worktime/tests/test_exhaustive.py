"""The arithmetic against a minute-by-minute reference over all of 2026: the reference
marks every minute working or not, and counts them."""

import bisect
import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.worktime.domain import Amount, CalendarSnapshot, Unit, add_working_time
from liaison.worktime.domain import working_minutes_between as between

from .test_domain import OFFICE, SHANGHAI, official

FIRST = dt.date(2025, 12, 1)
LAST = dt.date(2027, 3, 31)  # deadlines from late 2026 run past the year end
DAYS = (LAST - FIRST).days + 1
YEAR_START = (dt.date(2026, 1, 1) - FIRST).days * 1440
YEAR_END = (dt.date(2027, 1, 1) - FIRST).days * 1440

SIX_DAY_WEEK = official(
    2025,
    2026,
    weekdays=frozenset(range(6)),
    periods=(
        (dt.time(7, 30), dt.time(11, 45)),
        (dt.time(13, 15), dt.time(18, 0)),
        (dt.time(19, 0), dt.time(21, 0)),
    ),
)


class Reference:
    """prefix[i] is the number of working minutes before minute i (from FIRST, 00:00)."""

    def __init__(self, snapshot: CalendarSnapshot):
        template = [0] * 1440
        for start, end in snapshot.periods:
            for minute in range(start.hour * 60 + start.minute, end.hour * 60 + end.minute):
                template[minute] = 1
        off, flags = [0] * 1440, []
        for number in range(DAYS):
            day = FIRST + dt.timedelta(days=number)
            working = day in snapshot.workdays or (
                day not in snapshot.holidays and day.weekday() in snapshot.weekdays
            )
            flags.extend(template if working else off)
        self.prefix = [0, *itertools.accumulate(flags)]

    def deadline(self, start: int, minutes: int) -> int:
        if minutes == 0:
            return start
        return bisect.bisect_left(self.prefix, self.prefix[start] + minutes)

    def between(self, a: int, b: int) -> int:
        return self.prefix[b] - self.prefix[a]


def moment(minute: int) -> dt.datetime:
    return (dt.datetime.combine(FIRST, dt.time()) + dt.timedelta(minutes=minute)).replace(
        tzinfo=SHANGHAI
    )


CALENDARS = {"office": OFFICE, "six_day_week": SIX_DAY_WEEK}
REFERENCES = {name: Reference(snapshot) for name, snapshot in CALENDARS.items()}
AMOUNTS = [
    Amount(1, Unit.WORKING_MINUTES),
    Amount(59, Unit.WORKING_MINUTES),
    Amount(1, Unit.WORKING_HOURS),
    Amount(4, Unit.WORKING_HOURS),
    Amount(1, Unit.WORKING_DAYS),
    Amount(3, Unit.WORKING_DAYS),
    Amount(5, Unit.WORKING_DAYS),
    Amount(15, Unit.WORKING_DAYS),
]
#: Minutes of the day around every opening, closing and break of both calendars.
TIMES = [0, 449, 450, 451, 480, 481, 705, 719, 720, 721, 795, 840, 1049, 1050, 1080, 1259, 1439]


def in_minutes(snapshot: CalendarSnapshot, amount: Amount) -> int:
    day = snapshot.day_length // dt.timedelta(minutes=1)
    return amount.value * {Unit.WORKING_DAYS: day, Unit.WORKING_HOURS: 60}.get(amount.unit, 1)


@pytest.mark.parametrize("name", CALENDARS)
def test_every_day_of_2026_at_every_boundary(name):
    snapshot, reference = CALENDARS[name], REFERENCES[name]
    for day_start in range(YEAR_START, YEAR_END, 1440):
        for start in (day_start + time for time in TIMES):
            for amount in AMOUNTS:
                minutes = in_minutes(snapshot, amount)
                expected = reference.deadline(start, minutes)
                deadline = add_working_time(snapshot, moment(start), amount)
                assert deadline == moment(expected), (moment(start), amount)
                assert between(snapshot, moment(start), deadline) == minutes


@pytest.mark.parametrize("name", CALENDARS)
@settings(max_examples=1500, deadline=None, derandomize=True)
@given(
    start=st.integers(YEAR_START, YEAR_END - 1),
    minutes=st.integers(0, 20 * 450),
    span=st.integers(0, 60 * 1440),
)
def test_random_starts_amounts_and_spans(name, start, minutes, span):
    snapshot, reference = CALENDARS[name], REFERENCES[name]
    deadline = add_working_time(snapshot, moment(start), Amount(minutes, Unit.WORKING_MINUTES))
    assert deadline == moment(reference.deadline(start, minutes))
    end = start + span
    assert between(snapshot, moment(start), moment(end)) == reference.between(start, end)
    assert between(snapshot, moment(end), moment(start)) == -reference.between(start, end)

"""Periods: a quarter or a month, in the installation's time zone, cut at now; anything
else refused with a message that says what a period looks like."""

import datetime
import zoneinfo

import pytest
import time_machine

from liaison.core.errors import InvalidInput
from liaison.evaluation import periods

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_a_quarter_runs_from_its_first_midnight_to_the_next_quarters():
    period = periods.parse("2025-Q4")
    assert period.code == "2025-Q4"
    assert period.start == at(2025, 10, 1) and period.end == at(2026, 1, 1)


def test_a_month_runs_to_the_first_of_the_next_month():
    period = periods.parse("2025-12")
    assert (period.start, period.end) == (at(2025, 12, 1), at(2026, 1, 1))
    assert periods.parse("2024-02").end == at(2024, 3, 1)


def test_a_running_period_ends_now():
    now = at(2026, 11, 15, 9, 30)
    with time_machine.travel(now, tick=False):
        assert periods.parse("2026-Q4").end == now
        assert periods.parse("2026-11").end == now
        assert periods.current().code == "2026-Q4"


@pytest.mark.parametrize("code", ["2026", "2026-Q5", "2026-13", "2026-1", "26-Q1", "Q4-2026", ""])
def test_anything_else_is_refused_with_what_a_period_looks_like(code):
    with pytest.raises(InvalidInput, match="2026-Q4") as refused:
        periods.parse(code)
    assert refused.value.field == "period"


def test_a_period_that_has_not_begun_or_long_ago_is_refused():
    with time_machine.travel(at(2026, 11, 15), tick=False):
        with pytest.raises(InvalidInput, match="not begun"):
            periods.parse("2027-Q1")
        with pytest.raises(InvalidInput, match="not begun"):
            periods.parse("2026-12")
    with pytest.raises(InvalidInput, match="2000"):
        periods.parse("1999-Q4")


def test_the_previous_periods_have_the_same_length_oldest_first():
    assert [p.code for p in periods.previous(periods.parse("2026-Q1"), 4)] == [
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
        "2025-Q4",
    ]
    before = periods.previous(periods.parse("2026-02"), 3)
    assert [p.code for p in before] == ["2025-11", "2025-12", "2026-01"]
    assert before[-1].start == at(2026, 1, 1) and before[-1].end == at(2026, 2, 1)

"""The catalogue of evaluation indicators (考核指标): each area registers the indicators it
can count from its own records (in its AppConfig.ready), the evaluation area computes and
ranks them. An indicator counts *units* for each department over a period: the numerator
and the denominator, and it lists the exact records behind both (the drill-down).

A unit belongs to the period in which its due time (or, for events, its time) falls, and
never to the future: a period still running is counted up to now.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better (rates of things done on time …)
    LOWER = "lower"  # lower is better (returns, redone replies, overdue counts …)


class Measure(StrEnum):
    RATE = "rate"  # numerator / denominator, a fraction 0–1
    COUNT = "count"  # the numerator alone; the denominator is not used
    SCORE = "score"  # a mean score 0–100: numerator = the sum of the points, denominator = n


@dataclass(frozen=True)
class Period:
    """A half-open span [start, end) of aware datetimes, cut at now for a running period."""

    code: str  # 2026-Q4, 2026-11
    start: datetime.datetime
    end: datetime.datetime


@dataclass(frozen=True)
class Figure:
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Record:
    """One unit behind a figure: `counted` when it is in the numerator."""

    matter_id: int | None
    number: str
    counted: bool
    due: datetime.datetime | None
    at: datetime.datetime | None
    label: str = ""  # what the unit is, for units that are not matters (a notice, a meeting)
    url: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str | Promise
    definition: str | Promise
    direction: Direction
    measure: Measure
    # The default target: a fraction for rates, a number for counts; None for no target.
    target: float | None
    # (organization, period) → {department id: Figure}; departments with no unit are absent.
    compute: Callable[..., dict[int, Figure]]
    # (organization, period, department) → the records behind that department's figure.
    records: Callable[..., Iterable[Record]]
    # Whether its units are the department's own work, the evidence a rank rests on (the
    # minimum sample): a notice's receipts or a meeting's seats reach every department
    # alike and would rank one that handled nothing.
    sample: bool = True


_catalogue: dict[str, Indicator] = {}


def register(*indicators: Indicator) -> None:
    for indicator in indicators:
        if indicator.code in _catalogue and _catalogue[indicator.code] is not indicator:
            raise ValueError(f"Two indicators with the code {indicator.code!r}")
        _catalogue[indicator.code] = indicator


def catalogue() -> list[Indicator]:
    """The registered indicators, in the order they were registered."""
    return list(_catalogue.values())


def indicator(code: str) -> Indicator | None:
    return _catalogue.get(code)

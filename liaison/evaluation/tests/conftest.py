"""Evaluation tests count FAKE indicators, registered by each test: the scoring, ranking
and API are tested apart from the areas' real indicators (liaison.matters.indicators …)."""

import datetime

import pytest

from liaison.core import indicators
from liaison.core.indicators import Direction, Figure, Indicator, Measure, Record
from liaison.evaluation import periods
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (shared fixtures)

#: A quarter that is over: its end is not cut at now.
PAST = "2025-Q4"


@pytest.fixture(autouse=True)
def only_fake_indicators(monkeypatch):
    """An empty catalogue for the test: it registers its own indicators."""
    monkeypatch.setattr(indicators, "_catalogue", {})


@pytest.fixture
def past():
    return periods.parse(PAST)


def fake(
    h,
    code: str,
    figures,
    *,
    direction: Direction = Direction.HIGHER,
    measure: Measure = Measure.RATE,
    target: float | None = None,
    records: dict | None = None,
    sample: bool = True,
) -> Indicator:
    """Registers an indicator counting `figures`: {department code: (numerator,
    denominator)}, or a function of the period returning that; `records`: {department
    code: [Record, …]}."""

    def compute(organization, period):
        table = figures(period) if callable(figures) else figures
        return {h.d[dcode].pk: Figure(n, d) for dcode, (n, d) in table.items()}

    def records_of(organization, period, department):
        return list((records or {}).get(department.code, []))

    made = Indicator(
        code=code,
        name=f"{code} name",
        definition=f"{code} definition",
        direction=direction,
        measure=measure,
        target=target,
        compute=compute,
        records=records_of,
        sample=sample,
    )
    indicators.register(made)
    return made


def record(matter=None, *, counted: bool, number: str = "") -> Record:
    due = datetime.datetime(2025, 11, 3, 17, tzinfo=datetime.UTC)
    return Record(
        matter_id=matter.pk if matter else None,
        number=matter.number if matter else number,
        counted=counted,
        due=due,
        at=due - datetime.timedelta(hours=1) if counted else None,
    )

"""What the scorecard pages show, read from a stored Scorecard: the indicator columns as
published with it, the ranking tables and lists per kind of department, a department's
card against its kind and its trend. Plain reads: who may see which line is decided by
policy.py and selectors.lines_for before anything gets here."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation

from liaison.core.indicators import Direction, Measure, catalogue, indicator
from liaison.org.models import DepartmentKind, Organization

from . import periods, selectors
from .models import Scorecard, ScorecardLine, Standing

#: The rates a department's card follows over time, beside its score.
TREND_RATES = ("reply_on_time", "satisfaction")
#: How many quarters and months the period picker offers, the running one first.
QUARTERS, MONTHS = 8, 12


@dataclass
class Column:
    """An indicator as the scorecard used it."""

    code: str
    name: str
    definition: str
    measure: str
    direction: str
    target: float | None

    @property
    def is_rate(self) -> bool:
        return self.measure == Measure.RATE

    @property
    def is_score(self) -> bool:
        """A mean score (the peer score): its numerator is a sum of points, not records."""
        return self.measure == Measure.SCORE

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        sign = "≥" if self.direction == Direction.HIGHER else "≤"
        return f"{sign} {shown(self.target, self.measure)}"


@dataclass
class Cell:
    column: Column
    value: float | None
    numerator: int
    denominator: int
    met: bool | None
    score: float | None

    @property
    def text(self) -> str:
        return shown(self.value, self.column.measure)


@dataclass
class Row:
    line: ScorecardLine
    cells: list[Cell]


@dataclass
class KindTable:
    kind: str
    label: str
    rows: list[Row]
    red: list[Row] = field(default_factory=list)
    black: list[Row] = field(default_factory=list)


def shown(value: float | None, measure: str) -> str:
    """A rate as a percentage, a count as a number; "–" for no value."""
    if value is None:
        return "–"
    if measure == Measure.RATE:
        return f"{value * 100:.1f}%"
    if measure == Measure.SCORE:
        return f"{value:.1f}"
    return f"{value:g}"


def period_choices() -> tuple[list[str], list[str]]:
    """(quarters, months) the picker offers, the running one first."""
    now = timezone.localtime()
    quarter = periods.current()
    month = periods.parse(f"{now.year}-{now.month:02d}")
    quarters = [quarter, *reversed(periods.previous(quarter, QUARTERS - 1))]
    months = [month, *reversed(periods.previous(month, MONTHS - 1))]
    return [p.code for p in quarters], [p.code for p in months]


def columns(scorecard: Scorecard) -> list[Column]:
    """The indicators the scorecard used, in the catalogue's order. Their names and
    definitions are those published with it; in the reader's language when the catalogue
    still defines them the same way."""
    order = {i.code: position for position, i in enumerate(catalogue())}
    found = []
    for code in sorted(scorecard.definitions, key=lambda c: (order.get(c, len(order)), c)):
        published = scorecard.definitions[code]
        name, definition = published["name"], published["definition"]
        live = indicator(code)
        if live is not None:
            with translation.override(settings.LANGUAGE_CODE):
                unchanged = (str(live.name), str(live.definition)) == (name, definition)
            if unchanged:
                name, definition = str(live.name), str(live.definition)
        found.append(
            Column(
                code=code,
                name=name,
                definition=definition,
                measure=published["measure"],
                direction=published["direction"],
                target=scorecard.targets.get(code),
            )
        )
    return found


def row(line: ScorecardLine, cols: list[Column]) -> Row:
    empty = {"value": None, "numerator": 0, "denominator": 0, "met": None, "score": None}
    return Row(
        line=line,
        cells=[
            Cell(
                column=c,
                **{k: line.values.get(c.code, empty).get(k, empty[k]) for k in empty},
            )
            for c in cols
        ],
    )


def kind_tables(lines: list[ScorecardLine], cols: list[Column]) -> list[KindTable]:
    """One ranking table per kind (the lines come ranked from selectors.lines_for)."""
    labels = dict(DepartmentKind.choices)
    tables = {}
    for line in lines:
        table = tables.setdefault(line.kind, KindTable(line.kind, labels.get(line.kind, ""), []))
        made = row(line, cols)
        table.rows.append(made)
        if line.standing == Standing.RED:
            table.red.append(made)
        elif line.standing == Standing.BLACK:
            table.black.append(made)
    order = {kind: position for position, kind in enumerate(DepartmentKind.values)}
    return sorted(tables.values(), key=lambda t: order.get(t.kind, len(order)))


def weights_table(scorecard: Scorecard, cols: list[Column]) -> tuple[list[str], list[dict]]:
    """(kind labels, [{column, weights: [weight per kind]}]) as the computation used them."""
    labels = dict(DepartmentKind.choices)
    kinds = [kind for kind in DepartmentKind.values if kind in scorecard.weights]
    return [labels[kind] for kind in kinds], [
        {"column": c, "weights": [scorecard.weights[kind].get(c.code) for kind in kinds]}
        for c in cols
    ]


def of_kind(scorecard: Scorecard, kind: str) -> list[ScorecardLine]:
    """Every line of a kind: the card compares a department with all of them (aggregates
    only; no other department's figures are shown)."""
    return list(ScorecardLine.objects.filter(scorecard=scorecard, kind=kind))


def kind_figures(lines: list[ScorecardLine], cols: list[Column]) -> dict[str, str]:
    """{code: the kind's figure}: a rate pooled over its departments, a count averaged."""
    found = {}
    for c in cols:
        values = [line.values.get(c.code, {}) for line in lines]
        if c.is_rate:
            denominator = sum(v.get("denominator", 0) for v in values)
            numerator = sum(v.get("numerator", 0) for v in values)
            found[c.code] = shown(numerator / denominator if denominator else None, c.measure)
        else:
            counts = [v["value"] for v in values if v.get("value") is not None]
            found[c.code] = shown(round(sum(counts) / len(counts), 1) if counts else None, "count")
    return found


def _mean(scores: list) -> float | None:
    present = [s for s in scores if s is not None]
    return round(sum(present) / len(present), 2) if present else None


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def trend(
    organization: Organization, scorecard: Scorecard, line: ScorecardLine, kind_lines: list
) -> dict:
    """The chart data of a department's card: the score and TREND_RATES over the previous
    periods and this one, the department's and its kind's (pooled rates, mean scores)."""
    labels = [point["period"] for point in line.trend] + [scorecard.period]
    score = [point["score"] for point in line.trend] + [line.score]
    kind_score = [
        _mean([other.trend[i]["score"] for other in kind_lines if len(other.trend) > i])
        for i in range(len(line.trend))
    ] + [_mean([other.score for other in kind_lines])]
    rates = []
    span = selectors.period_of(scorecard)
    earlier = periods.previous(span, len(line.trend))
    kind_ids = {other.department_id for other in kind_lines}
    for code in TREND_RATES:
        live = indicator(code)
        if live is None or code not in scorecard.definitions:
            continue
        own, pooled = [], []
        for period in earlier:
            figures = live.compute(organization, period)
            mine = figures.get(line.department_id)
            own.append(_percent(mine.numerator, mine.denominator) if mine else None)
            kind = [f for pk, f in figures.items() if pk in kind_ids]
            pooled.append(
                _percent(sum(f.numerator for f in kind), sum(f.denominator for f in kind))
            )
        values = line.values.get(code, {})
        own.append(_percent(values.get("numerator", 0), values.get("denominator", 0)))
        now = [other.values.get(code, {}) for other in kind_lines]
        pooled.append(
            _percent(
                sum(v.get("numerator", 0) for v in now), sum(v.get("denominator", 0) for v in now)
            )
        )
        rates.append({"code": code, "name": str(live.name), "own": own, "kind": pooled})
    return {"periods": labels, "score": score, "kind_score": kind_score, "rates": rates}

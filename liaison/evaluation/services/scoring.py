"""From figures to scores, ranks and lists: plain functions of numbers, no database.

- value: numerator / denominator for a rate (None when the denominator is 0: nothing to
  judge), the numerator for a count;
- a score (Measure.SCORE, e.g. peer_score) is a mean already 0–100: the sum of the
  points / their number, and it scores as it is;
- indicator score, 0–100: a rate as is, ×100 (100 × (1 − rate) when lower is better); a
  count by BANDS (lower is better: 0 → 100, 1–2 → 80, 3–5 → 60, 6–10 → 40, more → 20; a
  count where higher is better reads the bands the other way round);
- department score: Σ weightᵢ × scoreᵢ / Σ weightᵢ over the indicators that have a value,
  so that an indicator without units neither helps nor hurts (the weights are
  renormalised over those present); None when no weighted indicator has a value, and
  when the department has no unit in any rate (counts alone do not make a score);
- units: the largest denominator among the department's rate indicators of its own work
  (not notice receipts nor meeting seats, which reach every department alike): its
  largest body of evidence; below the minimum sample it is not ranked (样本不足);
- ranks within a kind of department: score descending, ties by units descending, then by
  department code; the red list is the first LISTED, the black list the last LISTED of
  those not already on the red list (with fewer than 2 × LISTED ranked, the black list is
  shorter).
"""

from dataclasses import dataclass, field

from liaison.core.indicators import Direction, Indicator, Measure

from ..models import Standing, Unranked

#: (highest count, score) for counts where lower is better; above the last: BEYOND.
BANDS = ((0, 100), (2, 80), (5, 60), (10, 40))
BEYOND = 20
#: Departments on the red list and on the black list, per kind.
LISTED = 5


def value_of(indicator: Indicator, numerator: int, denominator: int) -> float | None:
    if indicator.measure == Measure.COUNT:
        return float(numerator)
    return numerator / denominator if denominator else None


def banded(count: float) -> int:
    for highest, score in BANDS:
        if count <= highest:
            return score
    return BEYOND


def indicator_score(indicator: Indicator, value: float | None) -> float | None:
    if value is None:
        return None
    if indicator.measure == Measure.SCORE:
        return round(value, 2)
    if indicator.measure == Measure.COUNT:
        score = banded(value)
        return float(score if indicator.direction == Direction.LOWER else 100 + BEYOND - score)
    rate = value if indicator.direction == Direction.HIGHER else 1 - value
    return round(100 * rate, 2)


def met(indicator: Indicator, value: float | None, target: float | None) -> bool | None:
    """Whether the value reaches the target (None: no target, or no value)."""
    if value is None or target is None:
        return None
    return value >= target if indicator.direction == Direction.HIGHER else value <= target


def weighted(scores: dict[str, float | None], weights: dict[str, float]) -> float | None:
    present = {code: s for code, s in scores.items() if s is not None and weights.get(code, 0)}
    total = sum(weights[code] for code in present)
    if not total:
        return None
    return round(sum(weights[code] * s for code, s in present.items()) / total, 2)


@dataclass
class Result:
    """A department's line before it is stored."""

    department_id: int
    code: str
    kind: str
    score: float | None
    units: int
    values: dict
    ranked: bool = False
    rank: int | None = None
    reason: str = ""
    standing: str = ""
    trend: list = field(default_factory=list)


def rank(results: list[Result], minimum_sample: int) -> None:
    """Sets ranked, reason, rank and standing of each result, kind by kind."""
    for result in results:
        if result.units < minimum_sample:
            result.reason = Unranked.SAMPLE
        elif result.score is None:
            result.reason = Unranked.NO_SCORE
        result.ranked = not result.reason
    kinds = {result.kind for result in results}
    for kind in kinds:
        ranked = sorted(
            (r for r in results if r.kind == kind and r.ranked),
            key=lambda r: (-r.score, -r.units, r.code),
        )
        black_from = max(LISTED, len(ranked) - LISTED)
        for position, result in enumerate(ranked):
            result.rank = position + 1
            if position < LISTED:
                result.standing = Standing.RED
            elif position >= black_from:
                result.standing = Standing.BLACK

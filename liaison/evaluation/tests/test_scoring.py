"""The scoring rules, as plain numbers: values, indicator scores and the banding of
counts, renormalised weights, ranks with their ties, the red and black lists."""

import pytest

from liaison.core.indicators import Direction, Indicator, Measure
from liaison.evaluation.models import Standing, Unranked
from liaison.evaluation.services import scoring


def indicator(measure=Measure.RATE, direction=Direction.HIGHER) -> Indicator:
    return Indicator("x", "x", "x", direction, measure, None, lambda *a: {}, lambda *a: [])


def test_a_rate_is_its_fraction_and_none_without_a_denominator():
    assert scoring.value_of(indicator(), 9, 10) == 0.9
    assert scoring.value_of(indicator(), 0, 0) is None
    assert scoring.value_of(indicator(Measure.COUNT), 3, 0) == 3


def test_a_rate_scores_as_is_or_its_complement_when_lower_is_better():
    assert scoring.indicator_score(indicator(), 0.9) == 90
    assert scoring.indicator_score(indicator(direction=Direction.LOWER), 0.1) == 90
    assert scoring.indicator_score(indicator(), None) is None


@pytest.mark.parametrize(
    ("count", "score"),
    [(0, 100), (1, 80), (2, 80), (3, 60), (5, 60), (6, 40), (10, 40), (11, 20), (500, 20)],
)
def test_counts_are_banded(count, score):
    assert scoring.indicator_score(indicator(Measure.COUNT, Direction.LOWER), count) == score
    higher = indicator(Measure.COUNT, Direction.HIGHER)
    assert scoring.indicator_score(higher, count) == 120 - score


def test_targets_pass_in_the_direction_that_is_better():
    assert scoring.met(indicator(), 0.95, 0.95) is True
    assert scoring.met(indicator(), 0.94, 0.95) is False
    assert scoring.met(indicator(direction=Direction.LOWER), 0.04, 0.05) is True
    assert scoring.met(indicator(), None, 0.95) is None
    assert scoring.met(indicator(), 0.5, None) is None


def test_weights_are_renormalised_over_the_indicators_with_a_value():
    weights = {"a": 3, "b": 1, "c": 2}
    assert scoring.weighted({"a": 80, "b": 40, "c": 100}, weights) == 80  # (240+40+200)/6
    assert scoring.weighted({"a": 80, "b": 40, "c": None}, weights) == 70  # (240+40)/4
    assert scoring.weighted({"a": None, "b": None, "c": None}, weights) is None
    assert scoring.weighted({"a": 50, "b": 100}, {"a": 1, "b": 0}) == 50  # weight 0: left out


def result(code, score, units=10, kind="clinical"):
    return scoring.Result(
        department_id=0, code=code, kind=kind, score=score, units=units, values={}
    )


def test_ranks_go_by_score_then_units_then_code_within_each_kind():
    results = [
        result("C", 80, units=10),
        result("A", 80, units=10),
        result("B", 80, units=20),
        result("D", 90, units=6),
        result("X", 10, kind="functional"),
    ]
    scoring.rank(results, minimum_sample=5)
    assert [(r.code, r.rank) for r in sorted(results, key=lambda r: (r.kind, r.rank))] == [
        ("D", 1),
        ("B", 2),
        ("A", 3),
        ("C", 4),
        ("X", 1),
    ]


def test_below_the_minimum_sample_or_without_a_score_a_department_is_not_ranked():
    results = [result("A", 90, units=4), result("B", None, units=50), result("C", 50, units=5)]
    scoring.rank(results, minimum_sample=5)
    a, b, c = results
    assert (a.ranked, a.rank, a.reason) == (False, None, Unranked.SAMPLE)
    assert (b.ranked, b.rank, b.reason) == (False, None, Unranked.NO_SCORE)
    assert (c.ranked, c.rank, c.reason, c.standing) == (True, 1, "", Standing.RED)


def test_the_red_list_is_the_top_five_and_the_black_list_the_bottom_five_of_a_kind():
    results = [result(f"D{n:02d}", 100 - n) for n in range(12)]
    scoring.rank(results, minimum_sample=5)
    assert [r.code for r in results if r.standing == Standing.RED] == [
        f"D{n:02d}" for n in range(5)
    ]
    assert [r.code for r in results if r.standing == Standing.BLACK] == [
        f"D{n:02d}" for n in range(7, 12)
    ]
    assert results[5].standing == results[6].standing == ""


def test_with_few_departments_nobody_is_on_both_lists():
    results = [result(f"D{n}", 100 - n) for n in range(7)]
    scoring.rank(results, minimum_sample=5)
    assert [r.standing for r in results] == ["red"] * 5 + ["black"] * 2

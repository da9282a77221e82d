"""Computing a scorecard from (fake) indicators: the stored figures, scores, ranks and
reasons, the trend, what it records of its rules, and that running it again gives the
same numbers."""

import pytest
from django.db import IntegrityError, transaction

from liaison.core.errors import NotAllowed
from liaison.core.indicators import Direction, Measure
from liaison.evaluation import periods, services
from liaison.evaluation.models import (
    EvaluationSettings,
    Scorecard,
    ScorecardLine,
    ScorecardState,
    Standing,
    Target,
    Unranked,
    Weight,
)
from liaison.org.models import DepartmentKind
from liaison.org.tests.factories import DepartmentFactory

from .conftest import fake

pytestmark = pytest.mark.django_db


def lines(scorecard) -> dict:
    return {line.department.code: line for line in scorecard.lines.select_related("department")}


@pytest.fixture
def figures(h):
    """On time: 信息科 9/10, 门诊部 4/5, 药剂科 2/4 (below the sample); satisfaction:
    信息科 1/2, nothing for 门诊部; overdue: 2 at 信息科, 7 at 门诊部."""
    fake(h, "on_time", {"XXK": (9, 10), "MZB": (4, 5), "YJK": (2, 4)}, target=0.85)
    fake(h, "satisfied", {"XXK": (1, 2)})
    fake(
        h,
        "overdue",
        {"XXK": (2, 0), "MZB": (7, 0)},
        direction=Direction.LOWER,
        measure=Measure.COUNT,
    )


def test_a_scorecard_stores_each_departments_figures_and_score(h, past, figures):
    scorecard = services.compute(h.organization, past, h.p["office"])
    xxk = lines(scorecard)["XXK"]
    assert xxk.values["on_time"] == {
        "value": 0.9,
        "numerator": 9,
        "denominator": 10,
        "score": 90.0,
        "met": True,
    }
    assert xxk.values["overdue"]["value"] == 2 and xxk.values["overdue"]["score"] == 80
    assert xxk.values["satisfied"]["value"] == 0.5
    assert xxk.score == pytest.approx((90 + 50 + 80) / 3, abs=0.01)
    assert xxk.units == 10 and xxk.ranked and xxk.kind == DepartmentKind.FUNCTIONAL
    zwk = lines(scorecard)["ZWK"]  # no unit: a count of 0 overdue does not make a score
    assert zwk.values["overdue"]["score"] == 100
    assert (zwk.score, zwk.units, zwk.reason) == (None, 0, Unranked.SAMPLE)
    scorecard.refresh_from_db()
    assert scorecard.state == ScorecardState.DRAFT and scorecard.computed_by == h.p["office"]
    assert (scorecard.period, scorecard.start, scorecard.end) == (past.code, past.start, past.end)


def test_an_indicator_without_units_leaves_the_weights_to_the_others(h, past, figures):
    Weight.objects.create(
        organization=h.organization, department_kind="functional", indicator="on_time", weight=3
    )
    mzb = lines(services.compute(h.organization, past, h.p["office"]))["MZB"]
    assert mzb.values["satisfied"] == {
        "value": None,
        "numerator": 0,
        "denominator": 0,
        "score": None,
        "met": None,
    }
    assert mzb.score == pytest.approx((3 * 80 + 1 * 40) / 4)  # on time 0.8, 7 overdue → 40
    assert mzb.values["on_time"]["met"] is False


def test_below_the_minimum_sample_a_department_is_shown_but_not_ranked(h, past, figures):
    yjk = lines(services.compute(h.organization, past, h.p["office"]))["YJK"]
    assert yjk.values["on_time"]["value"] == 0.5 and yjk.units == 4
    assert (yjk.ranked, yjk.rank, yjk.reason) == (False, None, Unranked.SAMPLE)
    EvaluationSettings.objects.create(organization=h.organization, minimum_sample=4)
    yjk = lines(services.compute(h.organization, past, h.p["office"]))["YJK"]
    assert (yjk.ranked, yjk.rank, yjk.reason) == (True, 1, "")


def test_notice_receipts_alone_do_not_make_the_sample(h, past, figures):
    """Every department receives notices: 40 receipts do not rank one that handled 4 units."""
    fake(h, "read", {"YJK": (40, 40)}, sample=False)
    yjk = lines(services.compute(h.organization, past, h.p["office"]))["YJK"]
    assert yjk.units == 4 and yjk.values["read"]["denominator"] == 40
    assert (yjk.ranked, yjk.reason) == (False, Unranked.SAMPLE)


def test_departments_are_ranked_within_their_kind(h, past):
    fake(h, "on_time", {"XXK": (9, 10), "MZB": (9, 10), "YB": (8, 8), "EK": (1, 10)})
    by_code = lines(services.compute(h.organization, past, h.p["office"]))
    assert by_code["YB"].rank == 1  # 100 %
    assert (by_code["MZB"].rank, by_code["XXK"].rank) == (2, 3)  # a tie: by code
    assert by_code["EK"].rank == 1 and by_code["EK"].kind == "clinical"
    assert "SWJW" not in by_code  # external units are not evaluated
    assert by_code["DCB"].reason == Unranked.SAMPLE and by_code["DCB"].score is None


def test_red_and_black_lists_per_kind(h, past):
    clinical = [
        DepartmentFactory(
            organization=h.organization, code=f"C{n:02d}", kind=DepartmentKind.CLINICAL
        )
        for n in range(11)
    ]
    for department in clinical:
        h.d[department.code] = department
    fake(h, "on_time", {f"C{n:02d}": (20 - n, 20) for n in range(11)})
    by_code = lines(services.compute(h.organization, past, h.p["office"]))
    red = sorted(
        c
        for c, line in by_code.items()
        if line.standing == Standing.RED and line.kind == "clinical"
    )
    black = sorted(c for c, line in by_code.items() if line.standing == Standing.BLACK)
    assert red == ["C00", "C01", "C02", "C03", "C04"]
    assert black == ["C06", "C07", "C08", "C09", "C10"]


def test_inactive_departments_are_left_out(h, past, figures):
    h.d["MZB"].is_active = False
    h.d["MZB"].save()
    assert "MZB" not in lines(services.compute(h.organization, past, h.p["office"]))


def test_the_trend_scores_the_previous_four_periods(h, past):
    scores = {"2024-Q4": 5, "2025-Q1": 6, "2025-Q2": 7, "2025-Q3": 8, "2025-Q4": 9}
    fake(h, "on_time", lambda period: {"XXK": (scores[period.code], 10)})
    xxk = lines(services.compute(h.organization, past, h.p["office"]))["XXK"]
    assert xxk.score == 90
    assert xxk.trend == [
        {"period": code, "score": scores[code] * 10.0}
        for code in ("2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3")
    ]


def test_the_trend_scores_a_stored_ended_period_again_without_counting_it(h, past):
    """A period computed after it ended is not counted again for a later trend: its stored
    figures are scored with the new computation's weights (same points, no counting)."""
    scores = {"2024-Q3": 4, "2024-Q4": 5, "2025-Q1": 6, "2025-Q2": 7, "2025-Q3": 8, "2025-Q4": 9}
    counted = []

    def figures(period):
        counted.append(period.code)
        return {"XXK": (scores[period.code], 10)}

    fake(h, "on_time", figures)
    services.compute(h.organization, periods.parse("2025-Q3"), h.p["office"])
    counted.clear()
    xxk = lines(services.compute(h.organization, past, h.p["office"]))["XXK"]
    assert "2025-Q3" not in counted and "2025-Q2" in counted
    assert xxk.trend[-1] == {"period": "2025-Q3", "score": 80.0}


def test_the_scorecard_records_the_rules_it_used(h, past, figures):
    Target.objects.create(organization=h.organization, indicator="on_time", target=0.92)
    Weight.objects.create(
        organization=h.organization, department_kind="clinical", indicator="overdue", weight=2
    )
    scorecard = services.compute(h.organization, past, h.p["office"])
    assert scorecard.targets == {"on_time": 0.92, "satisfied": None, "overdue": None}
    assert scorecard.weights["clinical"] == {"on_time": 1, "satisfied": 1, "overdue": 2}
    assert "external" not in scorecard.weights
    assert scorecard.definitions["overdue"]["direction"] == "lower"
    assert scorecard.definitions["overdue"]["measure"] == "count"
    assert scorecard.minimum_sample == 5


def test_computing_again_gives_the_same_numbers(h, past, figures):
    first = services.compute(h.organization, past, h.p["office"])
    Weight.objects.create(
        organization=h.organization, department_kind="functional", indicator="on_time", weight=9
    )
    again = services.recompute(first, h.p["office_head"])
    fresh = services.compute(h.organization, past, h.p["office"])

    def numbers(scorecard):
        return sorted(
            ScorecardLine.objects.filter(scorecard=scorecard).values_list(
                "department__code",
                "score",
                "units",
                "ranked",
                "rank",
                "reason",
                "standing",
                "values",
                "trend",
            )
        )

    assert again.pk != first.pk and numbers(again) == numbers(first)
    assert again.weights == first.weights  # its own rules, not the ones set since
    assert numbers(fresh) != numbers(first)  # the new weight counts in a new computation


def test_only_the_coordinating_office_computes(h, past, figures):
    for key in ("xxk_head", "president", "supervisor"):
        with pytest.raises(NotAllowed):
            services.compute(h.organization, past, h.p[key])
    assert not Scorecard.objects.exists()


def test_reading_a_period_never_computed_computes_it_once(h, past, figures):
    first = services.scorecard_for(h.organization, past)
    assert first.computed_by is None
    assert services.scorecard_for(h.organization, past) == first
    assert Scorecard.objects.count() == 1


def test_the_database_refuses_lines_that_break_the_rules(h, past, figures):
    scorecard = services.compute(h.organization, past, h.p["office"])
    line = lines(scorecard)["XXK"]
    base = {"scorecard": scorecard, "kind": "functional", "units": 1, "values": {}}
    broken = [
        {"department": line.department, "ranked": False, "reason": "sample"},  # a second line
        {"department": h.d["EK"], "score": 120, "ranked": True, "rank": 1},
        {"department": h.d["EK"], "score": 50, "ranked": True},  # ranked without a rank
        {"department": h.d["EK"], "ranked": False},  # unranked without a reason
        {"department": h.d["EK"], "ranked": False, "reason": "sample", "standing": "red"},
    ]
    ScorecardLine.objects.filter(department=h.d["EK"], scorecard=scorecard).delete()
    for fields in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            ScorecardLine.objects.create(**base, **fields)

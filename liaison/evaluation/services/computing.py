"""Computing scorecards: the figures of every registered indicator for every evaluated
department, their scores, ranks and lists, and the trend, stored as one Scorecard.

A computation records what it used (weights, targets, definitions, minimum sample), so
that `recompute` runs it again over the same span with the same rules: the same records
give the same numbers. The trend scores the previous TREND_PERIODS periods with this
computation's own weights and definitions, so that its points compare like with like.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.core.errors import NotAllowed
from liaison.core.indicators import Figure, Indicator, Measure, Period, catalogue
from liaison.org.models import Department, Organization, Person

from .. import adjustments, periods, policy, selectors
from ..models import Scorecard, ScorecardLine, ScorecardState
from . import scoring

TREND_PERIODS = 4


def _definitions(indicators: list[Indicator], targets: dict) -> dict:
    """The definitions as published, in the organization's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            i.code: {
                "name": str(i.name),
                "definition": str(i.definition),
                "direction": str(i.direction),
                "measure": str(i.measure),
                "target": targets.get(i.code),
            }
            for i in indicators
        }


def _results(
    organization: Organization,
    period: Period,
    departments: list[Department],
    indicators: list[Indicator],
    weights: dict,
    targets: dict,
    figures: dict | None = None,
) -> list[scoring.Result]:
    if figures is None:
        figures = {i.code: i.compute(organization, period) for i in indicators}
        adjustments.apply(organization, period, indicators, figures)  # accepted appeals
    results = []
    for department in departments:
        values = {}
        for i in indicators:
            figure = figures[i.code].get(department.pk)
            numerator, denominator = (figure.numerator, figure.denominator) if figure else (0, 0)
            value = scoring.value_of(i, numerator, denominator)
            values[i.code] = {
                "value": value,
                "numerator": numerator,
                "denominator": denominator,
                "score": scoring.indicator_score(i, value),
                "met": scoring.met(i, value, targets.get(i.code)),
            }
        units = max(
            (
                values[i.code]["denominator"]
                for i in indicators
                if i.measure == Measure.RATE and i.sample
            ),
            default=0,
        )
        scores = {code: v["score"] for code, v in values.items()}
        results.append(
            scoring.Result(
                department_id=department.pk,
                code=department.code,
                kind=department.kind,
                # Without units a count of zero alone would score a department that did
                # nothing at 100.
                score=scoring.weighted(scores, weights.get(department.kind, {})) if units else None,
                units=units,
                values=values,
            )
        )
    return results


def _stored_figures(
    organization: Organization, period: Period, indicators: list[Indicator]
) -> dict | None:
    """The figures of the latest stored computation of a period that had ended when it ran
    and counted every one of these indicators (appeals included): scored again with this
    computation's weights they give the same points as counting again, without counting.
    None when there is no such computation."""
    stored = (
        Scorecard.objects.filter(organization=organization, period=period.code, end__gte=period.end)
        .order_by("-computed_at", "-pk")
        .first()
    )
    if stored is None or not all(i.code in stored.definitions for i in indicators):
        return None
    figures: dict = {i.code: {} for i in indicators}
    for line in stored.lines.only("department_id", "values"):
        for code, value in line.values.items():
            if code in figures:
                figures[code][line.department_id] = Figure(value["numerator"], value["denominator"])
    return figures


def _store(
    organization: Organization,
    period: Period,
    by: Person | None,
    *,
    indicators: list[Indicator],
    weights: dict,
    targets: dict,
    minimum_sample: int,
) -> Scorecard:
    departments = selectors.evaluated_departments(organization)
    results = _results(organization, period, departments, indicators, weights, targets)
    scoring.rank(results, minimum_sample)
    for earlier in periods.previous(period, TREND_PERIODS):
        stored = _stored_figures(organization, earlier, indicators)
        scores = {
            r.department_id: r.score
            for r in _results(
                organization, earlier, departments, indicators, weights, targets, stored
            )
        }
        for result in results:
            result.trend.append({"period": earlier.code, "score": scores[result.department_id]})
    with transaction.atomic():
        scorecard = Scorecard.objects.create(
            organization=organization,
            period=period.code,
            start=period.start,
            end=period.end,
            computed_by=by,
            computed_at=timezone.now(),
            state=ScorecardState.DRAFT,
            weights=weights,
            targets=targets,
            definitions=_definitions(indicators, targets),
            minimum_sample=minimum_sample,
        )
        ScorecardLine.objects.bulk_create(
            ScorecardLine(
                scorecard=scorecard,
                department_id=r.department_id,
                kind=r.kind,
                score=r.score,
                units=r.units,
                ranked=r.ranked,
                rank=r.rank,
                reason=r.reason,
                standing=r.standing,
                values=r.values,
                trend=r.trend,
            )
            for r in results
        )
    return scorecard


def _computed(organization: Organization, period: Period, by: Person | None) -> Scorecard:
    targets = selectors.targets_of(organization)
    return _store(
        organization,
        period,
        by,
        indicators=catalogue(),
        weights=selectors.weights_of(organization),
        targets=targets,
        minimum_sample=selectors.settings_of(organization).minimum_sample,
    )


def _refuse_unless_may_compute(by: Person) -> None:
    if not policy.may_compute(by):
        raise NotAllowed(_("Only the coordinating office computes scorecards."))


def compute(organization: Organization, period: Period, by: Person) -> Scorecard:
    """A new computation of the period with the organization's current weights, targets
    and minimum sample."""
    _refuse_unless_may_compute(by)
    return _computed(organization, period, by)


def recompute(scorecard: Scorecard, by: Person) -> Scorecard:
    """The same computation again (same span, weights, targets, definitions, minimum
    sample) over the records as they are now: a new Scorecard."""
    _refuse_unless_may_compute(by)
    indicators = [i for i in catalogue() if i.code in scorecard.definitions]
    return _store(
        scorecard.organization,
        selectors.period_of(scorecard),
        by,
        indicators=indicators,
        weights=scorecard.weights,
        targets=scorecard.targets,
        minimum_sample=scorecard.minimum_sample,
    )


def scorecard_for(organization: Organization, period: Period) -> Scorecard:
    """The period's latest computation; computed on demand (by nobody) when there is none."""
    return selectors.latest_scorecard(organization, period.code) or _computed(
        organization, period, None
    )

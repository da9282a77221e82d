"""Reads of the evaluation area: an organization's settings, targets and weights (with
their defaults), its stored scorecards, and what a person may see of them (policy.py
decides; the records' matters are masked as liaison.matters.selectors decides)."""

from liaison.core.indicators import Indicator, Period, catalogue
from liaison.matters.selectors import visible_matters
from liaison.org.models import Department, DepartmentKind, Organization, Person

from . import adjustments, policy
from .models import EvaluationSettings, Scorecard, ScorecardLine, Target, Weight

#: An indicator without a weight of its own weighs this much.
DEFAULT_WEIGHT = 1.0


def settings_of(organization: Organization) -> EvaluationSettings:
    """The organization's settings; the defaults (unsaved) when it has set none."""
    found = EvaluationSettings.objects.filter(organization=organization).first()
    return found or EvaluationSettings(organization=organization)


def targets_of(organization: Organization) -> dict[str, float | None]:
    """{code: target} for the catalogue: the organization's own, else the default."""
    own = dict(Target.objects.filter(organization=organization).values_list("indicator", "target"))
    return {i.code: own.get(i.code, i.target) for i in catalogue()}


def evaluated_kinds() -> list[str]:
    return [kind for kind in DepartmentKind.values if kind != DepartmentKind.EXTERNAL]


def weights_of(organization: Organization) -> dict[str, dict[str, float]]:
    """{department kind: {code: weight}} for the catalogue, DEFAULT_WEIGHT where unset."""
    own = {
        (kind, code): weight
        for kind, code, weight in Weight.objects.filter(organization=organization).values_list(
            "department_kind", "indicator", "weight"
        )
    }
    return {
        kind: {i.code: own.get((kind, i.code), DEFAULT_WEIGHT) for i in catalogue()}
        for kind in evaluated_kinds()
    }


def evaluated_departments(organization: Organization) -> list[Department]:
    """The organization's active departments, external units aside."""
    return list(
        Department.objects.filter(organization=organization, is_active=True)
        .exclude(kind=DepartmentKind.EXTERNAL)
        .order_by("code")
    )


def latest_scorecard(organization: Organization, period_code: str) -> Scorecard | None:
    return (
        Scorecard.objects.filter(organization=organization, period=period_code)
        .order_by("-computed_at", "-pk")
        .first()
    )


def lines_for(person: Person, scorecard: Scorecard) -> list[ScorecardLine]:
    """The lines the person may see, by kind, then rank (unranked last), then code."""
    lines = ScorecardLine.objects.filter(scorecard=scorecard).select_related("department")
    if not policy.sees_every_department(person):
        lines = lines.filter(department_id__in=policy.own_departments(person, scorecard))
    return sorted(
        lines,
        key=lambda line: (line.kind, line.rank is None, line.rank or 0, line.department.code),
    )


def records_for(
    person: Person, period: Period, department: Department, indicator: Indicator
) -> list[dict]:
    """The records behind a department's figure, every one of them (the count stays
    exact), each a dict of matter, number, counted, due, at, and label and url for a unit
    that is not a matter. A matter the person may not see keeps its place and its times
    but not its id or number."""
    # As adjusted by accepted appeals, like the figure: each row says its adjustment.
    adjusted = adjustments.records_of(indicator, department.organization, period, department)
    ids = {r.matter_id for r, effect in adjusted if r.matter_id is not None}
    seen = set(visible_matters(person).filter(pk__in=ids).values_list("pk", flat=True))
    return [
        {
            "matter": r.matter_id if r.matter_id in seen else None,
            "number": r.number if r.matter_id is None or r.matter_id in seen else "",
            "counted": r.counted,
            "due": r.due,
            "at": r.at,
            # A unit that is not a matter (a notice's receipt, a meeting's seat) says what it is.
            "label": r.label if r.matter_id is None else "",
            "url": r.url if r.matter_id is None else "",
            "adjusted": effect,
        }
        for r, effect in adjusted
    ]


def period_of(scorecard: Scorecard) -> Period:
    """The exact span a stored scorecard counted (its end was cut when it was computed)."""
    return Period(code=scorecard.period, start=scorecard.start, end=scorecard.end)

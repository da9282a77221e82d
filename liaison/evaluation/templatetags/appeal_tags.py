"""Template helpers for appeals (申诉): the department card's appeal slot and whether the
drill-down offers "appeal this record"."""

from django import template

from liaison.evaluation import cards, policy
from liaison.evaluation.models import Appeal, ScorecardState
from liaison.evaluation.services import lifecycle

register = template.Library()


def _may_appeal_now(person, scorecard, department) -> bool:
    return (
        person is not None
        and policy.may_appeal(person, department.pk)
        and lifecycle.window_open(scorecard)
    )


@register.simple_tag(takes_context=True)
def may_appeal_now(context, scorecard, department) -> bool:
    return _may_appeal_now(getattr(context["request"], "person", None), scorecard, department)


@register.inclusion_tag("evaluation/appeals/_slot.html", takes_context=True)
def appeal_slot(context, scorecard, department):
    """The slot: the form while the window is open (for who appeals for the department),
    and the department's appeals of the period."""
    person = getattr(context["request"], "person", None)
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "scorecard": scorecard,
        "department": department,
        "open": _may_appeal_now(person, scorecard, department),
        "until": lifecycle.appeal_until(scorecard),
        "columns": cards.columns(scorecard),
        "values": {},
        "appeals": Appeal.objects.filter(
            scorecard__organization=scorecard.organization_id,
            scorecard__period=scorecard.period,
            department=department,
        ).select_related("matter"),
    }


@register.inclusion_tag("evaluation/appeals/_lifecycle.html", takes_context=True)
def lifecycle_buttons(context, scorecard):
    """The scorecard's next step for who may take it, and the appeals queue."""
    person = getattr(context["request"], "person", None)
    to = lifecycle.NEXT.get(scorecard.state)
    return {
        "scorecard": scorecard,
        "to": ScorecardState(to).label if to else "",
        "may_advance": to is not None and person is not None and policy.may_advance(person, to),
        "sees_appeals": person is not None and policy.may_see_scorecards(person),
    }

"""Template helpers for evaluation: the navigation link's check."""

from django import template

from liaison.evaluation import policy

register = template.Library()


@register.filter
def may_see_scorecards(person) -> bool:
    return policy.may_see_scorecards(person or None)

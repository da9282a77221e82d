"""The navigation's check for the dashboard entry, and percentages for the tiles."""

from django import template
from django.utils.formats import number_format

from liaison.dashboard import policy

register = template.Library()


@register.filter
def may_see_dashboard(person) -> bool:
    return policy.may_see_dashboard(person)


@register.filter
def percent(value) -> str:
    """0.923 → 92.3%; nothing to show for no value."""
    if value is None:
        return "—"
    return f"{number_format(value * 100, 1)}%"

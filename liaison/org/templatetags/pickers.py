"""Template helpers of the people and department pickers."""

import uuid

from django import template

register = template.Library()


@register.simple_tag
def fresh_id(prefix: str) -> str:
    """An element id unique on the page, for rows added by htmx that cannot count."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"

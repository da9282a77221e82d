"""The meetings card on the matter page (so the matter view needs no change)."""

from dataclasses import dataclass

from django import template

from liaison.meetings import policy, selectors

register = template.Library()


@dataclass
class MatterMeetings:
    meetings: list
    may_call: bool

    @property
    def shown(self) -> bool:
        return bool(self.meetings) or self.may_call


@register.simple_tag(takes_context=True)
def matter_meetings(context, matter) -> MatterMeetings:
    """{% matter_meetings matter as mm %}: the matter's meetings, and whether the reader
    may call an emergency meeting about it."""
    request = context.get("request")
    person = getattr(request, "person", None) if request is not None else None
    return MatterMeetings(
        selectors.meetings_about(matter, person), policy.may_call_about(person, matter)
    )

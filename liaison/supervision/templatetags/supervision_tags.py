"""Template helpers for supervision: the card on the matter page (so the matter view
needs no change), the navigation link's check and the RAG badge colours."""

from django import template

from liaison.supervision import policy, selectors
from liaison.supervision.models import Rag

register = template.Library()

RAG_TONES = {Rag.RED: "red", Rag.AMBER: "orange", Rag.GREEN: "green"}


@register.simple_tag(takes_context=True)
def matter_supervision(context, matter):
    """{% matter_supervision matter as sv %}: the matter's supervision for the reader."""
    request = context.get("request")
    person = getattr(request, "person", None) if request is not None else None
    return selectors.matter_supervision(matter, person)


@register.filter
def may_see_supervision_board(person) -> bool:
    return policy.may_see_board(person)


@register.filter
def rag_tone(rag: str | None) -> str:
    return RAG_TONES.get(rag, "secondary")


@register.filter
def rag_label(rag: str | None) -> str:
    return Rag(rag).label if rag in Rag.values else ""

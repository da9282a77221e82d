from django import template

from liaison.suggestions import selectors

register = template.Library()

#: Letters of praise a department's page shows (the newest).
SHOWN = 5


@register.inclusion_tag("suggestions/_praise_card.html")
def department_praise(department):
    """The published praise for a department, as a card (nothing when there is none)."""
    praise = selectors.praise_for(department)
    letters = list(praise[:SHOWN])
    return {"letters": letters, "total": praise.count() if len(letters) == SHOWN else len(letters)}

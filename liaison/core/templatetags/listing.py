from django import template

from liaison.core.plain import listing as listing_text

register = template.Library()


@register.filter
def listing(items) -> str:
    """`{{ people|listing }}`: names joined as the reader's language lists them."""
    return listing_text(items)

"""`{% size_limit %}` on a file input: the server's size limit and message, for the
browser to refuse a too large file before sending it (static/js/uploads.js)."""

from django import template
from django.utils.html import format_html_join

from liaison.matters.services.attachments import size_limit_attrs

register = template.Library()


@register.simple_tag
def size_limit():
    return format_html_join(" ", '{}="{}"', size_limit_attrs().items())

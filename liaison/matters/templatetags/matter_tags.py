"""Template helpers for matter pages: sanitized Markdown, @mentions, deadlines and
durations in words, badge colours."""

import datetime
import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _

from liaison.matters.chain import TONES
from liaison.matters.forms import department_search_data
from liaison.matters.models import State, Urgency
from liaison.matters.services import MENTION

register = template.Library()

#: What a description may keep after Markdown: text structure, no images, no scripts.
MARKDOWN_TAGS = {
    "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "code",
    "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5",
    "h6", "table", "thead", "tbody", "tr", "th", "td", "a", "sub", "sup", "small", "kbd",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}

STATE_TONES = {
    State.DRAFT: "secondary",
    State.SUBMITTED: "azure",
    State.DISPATCHED: "orange",
    State.ACCEPTED: "blue",
    State.REPLIED: "purple",
    State.ESCALATED: "red",
    State.CLOSED: "green",
    State.ARCHIVED: "secondary",
    State.WITHDRAWN: "secondary",
}
URGENCY_TONES = {Urgency.NORMAL: "secondary", Urgency.URGENT: "orange", Urgency.EMERGENCY: "red"}


@register.filter
def markdown(text: str) -> str:
    """Markdown to HTML, then sanitized: only harmless tags, links get rel=noopener."""
    if not text:
        return ""
    html = markdown_lib.markdown(text, extensions=["extra", "sane_lists", "nl2br"])
    clean = nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


@register.filter
def mentions(text: str, known=None) -> str:
    """Plain text with line breaks kept and @name mentions highlighted. With `known`
    (the names that were recognized), only the longest known name after each @ is
    highlighted: Chinese puts no space after a name ("@信息科请今天处理")."""
    if not text:
        return ""

    def highlight(match: re.Match) -> str:
        token = match.group(1)
        if known is not None:
            names = [name for name in known if name and token.startswith(name)]
            if not names:
                return escape(match.group(0))
            name = max(names, key=len)
        else:
            name = token
        return f'<span class="mention">@{escape(name)}</span>{escape(token[len(name) :])}'

    parts, last = [], 0
    for match in MENTION.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(highlight(match))
        last = match.end()
    parts.append(escape(text[last:]))
    # Every part is escaped above; only the highlight spans are markup.
    return mark_safe("".join(parts).replace("\n", "<br>"))


@register.simple_tag
def deadline(moment: datetime.datetime | None, is_open: bool = True):
    """A deadline in words ("in 3 days", "2 hours overdue"), red when passed; the exact
    time on hover."""
    if moment is None or not is_open:
        return "—"
    now = timezone.now()
    exact = date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")
    if moment < now:
        return format_html(
            '<span class="text-danger fw-bold" title="{}">{}</span>',
            exact,
            _("%(time)s overdue") % {"time": timesince(moment, now, depth=1)},
        )
    tone = "text-warning" if moment - now < datetime.timedelta(hours=24) else ""
    return format_html(
        '<span class="{}" title="{}">{}</span>',
        tone,
        exact,
        _("in %(time)s") % {"time": timeuntil(moment, now, depth=1)},
    )


@register.filter
def duration(value: datetime.timedelta | None) -> str:
    """A length of time in words: "2 days, 3 hours"; under a minute reads "—"."""
    if value is None or value < datetime.timedelta(minutes=1):
        return "—"
    now = timezone.now()
    return timesince(now - value, now, depth=2)


@register.filter
def state_tone(state: str) -> str:
    return STATE_TONES.get(state, "secondary")


@register.filter
def urgency_tone(urgency: str) -> str:
    return URGENCY_TONES.get(urgency, "secondary")


@register.filter
def state_label(state: str) -> str:
    return State(state).label if state in State.values else state


_WORDS = re.compile(r"\s+")


@register.filter
def initial(name: str) -> str:
    name = _WORDS.sub("", name or "")
    return name[:1]


@register.filter
def dept_data(department) -> str:
    """Search keys of a department for a picker option's data-data attribute."""
    return department_search_data(department)


@register.filter
def event_tone(event_type: str) -> str:
    return TONES.get(event_type, "secondary")


def _short_moment(moment: datetime.datetime, today: datetime.date) -> str:
    local = timezone.localtime(moment)
    day = date_format(local, "MONTH_DAY_FORMAT" if local.year == today.year else "DATE_FORMAT")
    return f"{day} {local:%H:%M}"


@register.simple_tag
def period(start: datetime.datetime, end: datetime.datetime | None) -> str:
    """A compact span of time: "11月5日 12:42 – 15:42", "11月5日 12:42 – 11月6日 09:10",
    or "11月5日 12:42 – now"."""
    today = timezone.localdate()
    begin = _short_moment(start, today)
    if end is None:
        return _("%(start)s – now") % {"start": begin}
    if timezone.localtime(end).date() == timezone.localtime(start).date():
        finish = f"{timezone.localtime(end):%H:%M}"
    else:
        finish = _short_moment(end, today)
    return f"{begin} – {finish}"


@register.simple_tag
def moment(value: datetime.datetime | None) -> str:
    """A point in time, short: the year only when it is not this year."""
    return _short_moment(value, timezone.localdate()) if value else "—"

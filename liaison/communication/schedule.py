"""When a plan row falls due: the meetings' recurrence rules (liaison.meetings.recurrence),
with the words and presets a communication plan needs.

A row repeats days by an RFC 5545 rule counted from its first day, at its due time, in
its time zone, as a meeting series does. The meetings' messages speak of meetings; the
few that would read wrong here are said again for distributions. Plans also repeat on a
day of the month ("the 25th of every month", "the last day of every quarter") and on
working days, which the meetings' presets do not offer.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.meetings import recurrence
from liaison.meetings.recurrence import CUSTOM, RuleError, until_date, with_until

__all__ = ["CUSTOM", "PRESETS", "RuleError", "build", "describe", "until_date", "with_until"]

#: Rules finer than a day, refused with the plan's own words.
SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")
TIME_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")


@dataclass(frozen=True)
class Preset:
    code: str
    label: str

    def rule(self, first: datetime.date) -> str:
        day = "-1" if first.day > 28 else str(first.day)
        own = {
            "workdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "monthly_day": f"FREQ=MONTHLY;BYMONTHDAY={day}",
            "quarterly_day": f"FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY={day}",
        }
        if self.code in own:
            return own[self.code]
        return recurrence.PRESET_CODES[self.code].rule(first)


PRESETS = [
    Preset("weekly", recurrence.PRESET_CODES["weekly"].label),
    Preset("fortnightly", recurrence.PRESET_CODES["fortnightly"].label),
    Preset("workdays", gettext_lazy("Every working day (Monday to Friday)")),
    Preset(
        "monthly_day", gettext_lazy("Every month, on the date of the first day (e.g. the 25th)")
    ),
    Preset("monthly", recurrence.PRESET_CODES["monthly"].label),
    Preset("quarterly_day", gettext_lazy("Every three months, on the date of the first day")),
    Preset("quarterly", recurrence.PRESET_CODES["quarterly"].label),
    Preset("twice_yearly", recurrence.PRESET_CODES["twice_yearly"].label),
]
PRESET_CODES = {preset.code: preset for preset in PRESETS}


def _parts(text: str) -> dict[str, str]:
    """The rule's parts, loosely read (the meetings' parser reads them properly)."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for item in text.strip(";").split(";"):
        key, _sep, value = item.partition("=")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def build(text: str, first: datetime.date, at: datetime.time, zone: str) -> str:
    """The canonical text of a rule, counting from `first` at `at` in `zone`; RuleError
    (with a message for the person who typed it) when it cannot be used."""
    parts = _parts(text)
    if parts.get("FREQ") in SUB_DAILY:
        raise RuleError(_("Information is distributed at most once a day."))
    if any(part in parts for part in TIME_PARTS):
        raise RuleError(_("The rule repeats days; the time of day is the row's due time."))
    try:
        canonical, _rule = recurrence.build(text, first, at, zone)
    except RuleError as error:
        if error.message == _("The rule gives no meeting at all."):
            raise RuleError(_("The rule never falls due.")) from error
        raise
    return canonical


def preset_of(text: str, first: datetime.date) -> str:
    """The preset that gives exactly this rule from `first`, else "custom"."""
    plain = with_until(text, None)
    for preset in PRESETS:
        if preset.rule(first) == plain:
            return preset.code
    return CUSTOM


def due_times(
    text: str,
    first: datetime.date,
    at: datetime.time,
    zone: str,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[datetime.datetime]:
    """The moments the rule falls due from `start` (included) to `end` (included)."""
    rule = recurrence.rule_of(text, first, at, zone)
    return rule.between(start, end, inc=True)


def next_due(
    text: str,
    first: datetime.date,
    at: datetime.time,
    zone: str,
    after: datetime.datetime,
    *,
    inc: bool = False,
) -> datetime.datetime | None:
    """The first moment the rule falls due after `after` (or at it, with `inc`), or None."""
    return recurrence.rule_of(text, first, at, zone).after(after, inc=inc)


def describe(text: str, zone: str) -> str:
    """The rule in words, as the meetings say it; "the last day" for BYMONTHDAY=-1."""
    parts = _parts(text)
    if parts.get("BYMONTHDAY") != "-1":
        return recurrence.describe(text, zone)
    rest = ";".join(f"{key}={value}" for key, value in parts.items() if key != "BYMONTHDAY")
    words = recurrence.describe(rest, zone)
    if words == rest:
        return text
    return _("%(rule)s, on the last day of the month") % {"rule": words}

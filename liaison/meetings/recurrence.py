"""Recurrence rules of meeting series: RFC 5545 RRULE text, expanded with dateutil.

A series keeps its rule as text (`FREQ=WEEKLY;BYDAY=FR`), a first day, a time of day and
a time zone. The rule repeats days, never times within a day: the time comes from the
series, so BYHOUR, BYMINUTE and BYSECOND are refused, and so are rules finer than daily.
Occurrences are wall-clock times in the series' time zone (a 9:00 meeting stays at 9:00
across a daylight-saving change), returned as aware datetimes.

`normalize` turns what a person typed into the one canonical text that is stored and
written into calendars (UNTIL in UTC, as RFC 5545 requires next to a DTSTART with a time
zone); everything else here reads canonical text.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: The parts a rule may have, in the order the canonical text lists them.
PARTS = (
    "FREQ",
    "INTERVAL",
    "BYMONTH",
    "BYWEEKNO",
    "BYYEARDAY",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "COUNT",
    "UNTIL",
)
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class RuleError(ValueError):
    """A rule that cannot be used; the message is for the person who typed it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _split(text: str) -> dict[str, str]:
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if not text:
        raise RuleError(_("Give the recurrence rule."))
    if "\n" in text or "\r" in text:
        raise RuleError(_("Give one recurrence rule (one RRULE line)."))
    parts: dict[str, str] = {}
    for item in text.strip(";").split(";"):
        key, sep, value = item.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not value:
            raise RuleError(_("“%(part)s” is not a part of a recurrence rule.") % {"part": item})
        if key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise RuleError(_("The rule repeats days; the time of day is the series' start time."))
        if key not in PARTS:
            raise RuleError(_("“%(part)s” is not a part of a recurrence rule.") % {"part": key})
        if key in parts:
            raise RuleError(_("%(part)s appears twice in the rule.") % {"part": key})
        parts[key] = value
    if parts.get("FREQ") not in FREQUENCIES:
        if parts.get("FREQ") in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise RuleError(_("A meeting repeats at most once a day."))
        raise RuleError(_("The rule needs a frequency: FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."))
    if "COUNT" in parts and "UNTIL" in parts:
        raise RuleError(_("A rule ends after a number of times or on a date, not both."))
    return parts


def _until_utc(value: str, zone: ZoneInfo) -> str:
    """UNTIL as UTC text. A bare date means the end of that day in the series' zone."""
    try:
        if value.endswith("Z"):
            moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.UTC
            )
        elif "T" in value:
            moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%S").replace(tzinfo=zone)
        else:
            day = datetime.datetime.strptime(value, "%Y%m%d").date()
            moment = datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=zone)
    except ValueError as exc:
        raise RuleError(_("UNTIL must be a date such as 20271231.")) from exc
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={parts[key]}" for key in PARTS if key in parts)


def build(text: str, first: datetime.date, at: datetime.time, zone: str) -> tuple[str, rrule.rrule]:
    """The canonical text of a rule and the rule itself, counting from `first` at `at` in
    `zone`; RuleError when it cannot be used or gives no meeting at all."""
    tz = ZoneInfo(zone)
    parts = _split(text)
    if "UNTIL" in parts:
        parts["UNTIL"] = _until_utc(parts["UNTIL"], tz)
    canonical = _text(parts)
    start = datetime.datetime.combine(first, at, tzinfo=tz)
    try:
        rule = rrule.rrulestr(canonical, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RuleError(
            _("This is not a recurrence rule that can be used: %(rule)s") % {"rule": canonical}
        ) from exc
    if not isinstance(rule, rrule.rrule) or first_occurrence(rule) is None:
        raise RuleError(_("The rule gives no meeting at all."))
    return canonical, rule


def rule_of(text: str, first: datetime.date, at: datetime.time, zone: str) -> rrule.rrule:
    """A stored (canonical) rule, ready to expand."""
    tz = ZoneInfo(zone)
    return rrule.rrulestr(text, dtstart=datetime.datetime.combine(first, at, tzinfo=tz))


def between(
    rule: rrule.rrule, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The occurrences from `start` (included) to `end` (excluded), aware, in the rule's
    own zone."""
    return [moment for moment in rule.between(start, end, inc=True) if moment < end]


def first_occurrence(rule: rrule.rrule) -> datetime.datetime | None:
    return next(iter(rule), None)


# The presets of the series form.


@dataclass(frozen=True)
class Preset:
    code: str
    label: str

    def rule(self, first: datetime.date) -> str:
        day = DAY_CODES[first.weekday()]
        nth = (first.day - 1) // 7 + 1
        # The fifth weekday of a month is not in every month: say "the last" instead.
        monthly = f"BYDAY={'-1' if nth == 5 else nth}{day}"
        # Past the 28th, "the same day" is not in every month: the last day instead.
        monthday = first.day if first.day <= 28 else -1
        return {
            "weekly": f"FREQ=WEEKLY;BYDAY={day}",
            "fortnightly": f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
            "monthly": f"FREQ=MONTHLY;{monthly}",
            "bimonthly": f"FREQ=MONTHLY;INTERVAL=2;{monthly}",
            "quarterly": f"FREQ=MONTHLY;INTERVAL=3;{monthly}",
            "twice_yearly": f"FREQ=MONTHLY;INTERVAL=6;{monthly}",
            "monthly_day": f"FREQ=MONTHLY;BYMONTHDAY={monthday}",
            "yearly": f"FREQ=YEARLY;BYMONTH={first.month};BYMONTHDAY={first.day}",
        }[self.code]


PRESETS = [
    Preset("weekly", gettext_lazy("Every week, on the start day's weekday")),
    Preset("fortnightly", gettext_lazy("Every two weeks")),
    Preset("monthly", gettext_lazy("Every month, on the same weekday (e.g. second Wednesday)")),
    Preset("monthly_day", gettext_lazy("Every month, on the same day (e.g. the 15th)")),
    Preset("bimonthly", gettext_lazy("Every two months")),
    Preset("quarterly", gettext_lazy("Every three months")),
    Preset("twice_yearly", gettext_lazy("Twice a year")),
    Preset("yearly", gettext_lazy("Every year, on the same day")),
]
PRESET_CODES = {preset.code: preset for preset in PRESETS}
CUSTOM = "custom"


def preset_of(text: str, first: datetime.date) -> str:
    """The preset that gives exactly this rule from `first`, else "custom"."""
    parts = _split(text)
    parts.pop("UNTIL", None)
    plain = _text(parts)
    for preset in PRESETS:
        if preset.rule(first) == plain:
            return preset.code
    return CUSTOM


def with_until(text: str, last: datetime.date | None) -> str:
    """The rule ending on `last` (a date in the series' zone), or without an end."""
    parts = _split(text)
    parts.pop("UNTIL", None)
    if last is not None:
        parts.pop("COUNT", None)
        parts["UNTIL"] = last.strftime("%Y%m%d")
    return _text(parts)


def until_date(text: str, zone: str) -> datetime.date | None:
    """The local day a canonical rule ends on, if it has an UNTIL."""
    value = _split(text).get("UNTIL")
    if value is None:
        return None
    moment = datetime.datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    return moment.astimezone(ZoneInfo(zone)).date()


# The rule in words. Whole phrases per shape of rule, so that each language orders them its
# own way (每年1月和7月的第三个星期四, "every year on the third Thursday of January and
# July") and "every 1 week" is never said; rarer shapes are put together piece by piece.

_ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    5: gettext_lazy("fifth"),
    -1: gettext_lazy("last"),
}
# A weekday on its own, as a weekly rule names it (每周一).
_WEEKDAYS = (
    gettext_lazy("Mondays"),
    gettext_lazy("Tuesdays"),
    gettext_lazy("Wednesdays"),
    gettext_lazy("Thursdays"),
    gettext_lazy("Fridays"),
    gettext_lazy("Saturdays"),
    gettext_lazy("Sundays"),
)
_MONTHS = (
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
)
# (frequency, what the rule names) → (phrase when every one, phrase when every n).
_PHRASES = {
    ("DAILY", ""): (gettext_lazy("Daily"), gettext_lazy("Every %(n)s days")),
    ("WEEKLY", ""): (gettext_lazy("Weekly"), gettext_lazy("Every %(n)s weeks")),
    ("MONTHLY", ""): (
        gettext_lazy("Monthly"),
        gettext_lazy("Every %(n)s months"),
    ),
    ("YEARLY", ""): (gettext_lazy("Yearly"), gettext_lazy("Every %(n)s years")),
    ("WEEKLY", "days"): (
        gettext_lazy("Every week on %(days)s"),
        gettext_lazy("Every %(n)s weeks on %(days)s"),
    ),
    ("MONTHLY", "days"): (
        gettext_lazy("Every month on %(days)s"),
        gettext_lazy("Every %(n)s months on %(days)s"),
    ),
    ("MONTHLY", "monthdays"): (
        gettext_lazy("Every month on %(monthdays)s"),
        gettext_lazy("Every %(n)s months on %(monthdays)s"),
    ),
    ("YEARLY", "months"): (
        gettext_lazy("Every year in %(months)s"),
        gettext_lazy("Every %(n)s years in %(months)s"),
    ),
    ("YEARLY", "months days"): (
        gettext_lazy("Every year on %(days)s of %(months)s"),
        gettext_lazy("Every %(n)s years on %(days)s of %(months)s"),
    ),
    ("YEARLY", "months monthdays"): (
        gettext_lazy("Every year on %(monthdays)s of %(months)s"),
        gettext_lazy("Every %(n)s years on %(monthdays)s of %(months)s"),
    ),
}


def _listed(items: list[str]) -> str:
    """ "Monday, Wednesday and Friday" / 周一、周三和周五."""
    if len(items) < 2:
        return "".join(items)
    head = items[0]
    for item in items[1:-1]:
        head = _("%(items)s, %(item)s") % {"items": head, "item": item}
    return _("%(items)s and %(last)s") % {"items": head, "last": items[-1]}


def _weekday(code: str) -> str | None:
    """`FR` → "Friday", `2WE` → "the second Wednesday"; None when it cannot be said."""
    if code[-2:] not in DAY_CODES:
        return None
    index = DAY_CODES.index(code[-2:])
    number = code[:-2].lstrip("+")
    if number and not number.lstrip("-").isdigit():
        return None
    if not number:
        return str(_WEEKDAYS[index])
    ordinal = _ORDINALS.get(int(number))
    if ordinal is None:
        return None
    return _("the %(ordinal)s %(weekday)s") % {"ordinal": ordinal, "weekday": WEEKDAYS[index]}


def _monthday(day: int) -> str:
    return str(_("the last day")) if day == -1 else _("day %(day)s") % {"day": day}


def describe(text: str, zone: str) -> str:
    """The rule in words ("Every 2 months on the second Wednesday"), or the rule itself
    when it uses parts that are not put into words."""
    try:
        parts = _split(text)
    except RuleError:
        return text
    if set(parts) - {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "UNTIL"}:
        return text
    try:
        interval = int(parts.get("INTERVAL", "1"))
        days = [_weekday(code) for code in parts["BYDAY"].split(",")] if "BYDAY" in parts else []
        monthdays = (
            [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
        )
        months = (
            [str(_MONTHS[int(m) - 1]) for m in parts["BYMONTH"].split(",")]
            if "BYMONTH" in parts
            else []
        )
    except (ValueError, KeyError, IndexError):
        return text
    if None in days or interval < 1 or any(d == 0 or d < -1 or d > 31 for d in monthdays):
        return text
    values = {
        "n": interval,
        "days": _listed(days),
        "monthdays": _listed([_monthday(d) for d in monthdays]),
        "months": _listed(months),
    }
    named = " ".join(
        key
        for key, value in (("months", months), ("days", days), ("monthdays", monthdays))
        if value
    )
    phrase = _PHRASES.get((parts["FREQ"], named))
    if phrase is not None:
        words = str(phrase[0] if interval == 1 else phrase[1]) % values
    else:
        words = _pieces(parts["FREQ"], interval, values)
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        words = _("%(rule)s, %(count)s times") % {"rule": words, "count": count}
    last = until_date(text, zone)
    if last is not None:
        words = _("%(rule)s, until %(date)s") % {"rule": words, "date": date_format(last)}
    return words


def _pieces(frequency: str, interval: int, values: dict) -> str:
    """A rarer shape (a daily rule on some weekdays, a weekly one in some months…) put
    together from its parts."""
    every = _PHRASES[(frequency, "")]
    pieces = [str(every[0] if interval == 1 else every[1]) % values]
    if values["months"]:
        pieces.append(_("in %(months)s") % values)
    if values["days"]:
        pieces.append(_("on %(days)s") % values)
    if values["monthdays"]:
        pieces.append(_("on %(days)s") % {"days": values["monthdays"]})
    return " ".join(pieces)

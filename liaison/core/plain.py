"""Plain values: the one way every area writes what happened into an event's JSON data,
writes a moment or a list of names into a message, and checks a time zone's name.

Event data is read back years later, by people and by exports, after the rows it named
may be gone: so it keeps values, never references that could dangle.
"""

import datetime
import enum
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .errors import InvalidInput


def plain(value):
    """The JSON-safe form of a value for an event's data:

    - None, booleans, numbers and text as they are (a choice as its stored value);
    - a moment, a day or a time of day in ISO 8601 (a moment with its UTC offset);
    - a person by employee number, a department, room or anything else with a `code` by
      its code: the keys people recognise and that outlive a renamed row;
    - lists, tuples and sets as lists (sets sorted), mappings with text keys;
    - anything else (a decimal, a translated text, another row) as its text.
    """
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        for key in ("employee_number", "code"):
            if getattr(value, key, None):
                return getattr(value, key)
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=str)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Decimal | Promise):
        return str(value)
    return str(value)


class PlainJSONEncoder(DjangoJSONEncoder):
    """JSON fields of event tables: whatever a caller left unconverted is stored as
    `plain` has it, never refused halfway through a change."""

    def default(self, o):
        return plain(o)


def when_text(at: datetime.datetime) -> str:
    """A moment in messages: local time to the minute, as the language writes it
    (2026年3月6日 15:05, 6 Mar 2026 15:05), ending without a dot inside sentences."""
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def listing(items) -> str:
    """Names inside a sentence, joined as the reader's language lists them
    (甲、乙、丙; A, B, C): punctuation written in code would show Chinese marks in English."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def with_note(name, note) -> str:
    """A name with a note in brackets (张三（信息科）; Zhang San (IT))."""
    return _("%(name)s (%(note)s)") % {"name": name, "note": note}


def checked_zone(name: str) -> str:
    """The name of a known time zone (e.g. "Asia/Shanghai"), else a clear refusal."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidInput(_("Unknown time zone: %(zone)s") % {"zone": name}) from exc
    return name

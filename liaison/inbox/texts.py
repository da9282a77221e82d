"""Texts the system writes into the inbox, translated when they are read, not when they
are written: a message id and its parameters are stored, and each reader sees them in
their own language (the page in the request's, an e-mail in the recipient's).

A parameter is one of:

- text as it is (what people wrote: a matter's title, a reason);
- a moment, shown as `when_text` shows it, in the reader's time zone; a day, in the
  reader's date format;
- another Text (a state's name, a phrase built of translated parts);
- a choice (`Text.choice(Rating.GOOD)`), shown as its label;
- a phrase only code can put into words (a recurrence rule), by a function marked
  `@readable`, called with JSON arguments when the text is read.

Callers mark message ids with gettext_noop, so that the catalogues keep them.
"""

import datetime
import enum
import logging

from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext

from liaison.core.plain import when_text

logger = logging.getLogger(__name__)


def readable(function):
    """Mark a function that may put a stored parameter into words at reading time: it
    takes JSON-safe keyword arguments and returns text in the current language."""
    function.reads_text = True
    return function


class Text:
    """A message translated when read: `Text(gettext_noop("Due %(time)s."), time=due)`."""

    def __init__(self, msgid: str, **params):
        self.msgid = str(msgid)
        # Stored at once: the moment a caller passes may change afterwards, and a stored
        # form given back (from a task's arguments) is taken as it is.
        self.params = {key: _stored(value) for key, value in params.items()}

    @classmethod
    def from_stored(cls, stored: dict) -> "Text":
        """The Text of `stored()`'s result, e.g. after passing through a task queue."""
        return cls(stored["msgid"], **stored.get("params", {}))

    @classmethod
    def label(cls, member: enum.Enum) -> "Text":
        """A choice's label on its own, e.g. a rating."""
        return cls("%(label)s", label=member)

    @classmethod
    def choice(cls, member: enum.Enum) -> dict:
        """A choice's label as a parameter."""
        kind = type(member)
        return {"choice": f"{kind.__module__}.{kind.__qualname__}", "value": member.value}

    @classmethod
    def call(cls, function, **arguments) -> dict:
        """A phrase `function` (marked @readable) puts into words when read."""
        if not getattr(function, "reads_text", False):
            raise ValueError(f"{function!r} is not marked @readable")
        return {"call": f"{function.__module__}.{function.__qualname__}", "args": arguments}

    def stored(self) -> dict:
        return {"msgid": self.msgid, "params": self.params}

    def __str__(self) -> str:
        return render(self.stored())


def _stored(value):
    if isinstance(value, Text):
        return {"text": value.stored()}
    if isinstance(value, datetime.datetime):
        return {"at": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"day": value.isoformat()}
    if isinstance(value, dict):  # Text.choice / Text.call
        return value
    if isinstance(value, enum.Enum):
        return Text.choice(value)
    if isinstance(value, int | float):
        return value
    return str(value)


def render(stored: dict) -> str:
    """The stored text in the current language. A parameter that cannot be read any more
    (code renamed since) shows as it was stored rather than failing the page."""
    msgid = stored.get("msgid", "")
    params = {key: _param(value) for key, value in (stored.get("params") or {}).items()}
    if not params:
        return gettext(msgid)
    try:
        return gettext(msgid) % params
    except (KeyError, TypeError, ValueError):
        logger.warning("A translation of %r does not fit its parameters", msgid)
    try:
        return msgid % params
    except (KeyError, TypeError, ValueError):
        return msgid


def _param(value):
    if not isinstance(value, dict):
        return value
    try:
        if "text" in value:
            return render(value["text"])
        if "at" in value:
            return when_text(datetime.datetime.fromisoformat(value["at"]))
        if "day" in value:
            return date_format(datetime.date.fromisoformat(value["day"]))
        if "choice" in value:
            return str(import_string(value["choice"])(value["value"]).label)
        if "call" in value:
            function = import_string(value["call"])
            if getattr(function, "reads_text", False):
                return function(**value["args"])
    except (ImportError, ValueError, KeyError, TypeError):
        logger.warning("Could not read the text parameter %r", value)
    return str(value)

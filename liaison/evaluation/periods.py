"""Evaluation periods: a quarter (`2026-Q4`) or a month (`2026-11`), as the half-open span
[start, end) of aware datetimes from midnight of its first day, in the installation's time
zone (settings.TIME_ZONE: an organization has no zone of its own). A period still running
ends now; one that has not begun is refused."""

import datetime
import re

from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.core.indicators import Period

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
#: Scorecards begin long after this; earlier years are typing mistakes.
FIRST_YEAR = 2000


def _months_of(code: str) -> tuple[int, int, int]:
    """(year, first month, number of months) of a code, or InvalidInput."""
    code = (code or "").strip().upper()
    if match := _QUARTER.fullmatch(code):
        year, first, months = int(match[1]), (int(match[2]) - 1) * 3 + 1, 3
    elif match := _MONTH.fullmatch(code):
        year, first, months = int(match[1]), int(match[2]), 1
    else:
        raise InvalidInput(
            _("A period is a quarter such as 2026-Q4 or a month such as 2026-11."), "period"
        )
    if year < FIRST_YEAR:
        raise InvalidInput(
            _("A period starts in %(year)s or later.") % {"year": FIRST_YEAR}, "period"
        )
    return year, first, months


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _code(year: int, month: int, months: int) -> str:
    if months == 3:
        return f"{year}-Q{(month - 1) // 3 + 1}"
    return f"{year}-{month:02d}"


def _period(year: int, month: int, months: int, now: datetime.datetime) -> Period:
    zone = timezone.get_default_timezone()
    start = datetime.datetime(year, month, 1, tzinfo=zone)
    end = datetime.datetime(*_shift(year, month, months), 1, tzinfo=zone)
    return Period(code=_code(year, month, months), start=start, end=min(end, now))


def parse(code: str, now: datetime.datetime | None = None) -> Period:
    """The period a code names, its end cut at now; InvalidInput for anything else."""
    now = now or timezone.now()
    period = _period(*_months_of(code), now)
    if period.start > now:
        raise InvalidInput(
            _("The period %(period)s has not begun yet.") % {"period": period.code}, "period"
        )
    return period


def previous(period: Period, count: int) -> list[Period]:
    """The `count` periods of the same length just before `period`, oldest first (for a
    trend); they are over, so none is cut."""
    year, month, months = _months_of(period.code)
    now = timezone.now()
    return [
        _period(*_shift(year, month, -months * back), months, now) for back in range(count, 0, -1)
    ]


def current(now: datetime.datetime | None = None) -> Period:
    """The running quarter (the default period)."""
    local = timezone.localtime(now or timezone.now())
    return parse(f"{local.year}-Q{(local.month - 1) // 3 + 1}", now)

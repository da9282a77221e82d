"""Working-time calendars: seeding, holiday loading and import, and the snapshot that
domain.py computes deadlines on."""

import csv
import datetime
import io
import itertools
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar
from chinese_calendar import constants as holiday_library
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from liaison.org.models import Department, Organization

from .domain import CalendarSnapshot
from .models import CalendarDay, DayKind, WorkCalendar, WorkPeriod

#: A hospital's office hours with the lunch break, for new organizations.
DEFAULT_PERIODS = (
    (datetime.time(8, 0), datetime.time(12, 0)),
    (datetime.time(14, 0), datetime.time(17, 30)),
)

#: Calendar and holiday names are data in Chinese, like the holiday library's.
DEFAULT_CALENDAR_NAME = "办公时间"

#: Holiday files are a few kilobytes; anything far larger is not one.
IMPORT_MAX_BYTES = 1024 * 1024

_NAME_MAX = CalendarDay._meta.get_field("name").max_length


def library_days(year: int) -> list[tuple[datetime.date, str, str]]:
    """(date, kind, name) of the year's holidays and adjusted working days, from the
    chinese-calendar package; empty when the package has no data for that year yet
    (the State Council publishes each year's schedule late in the year before)."""
    chinese = {holiday.value: holiday.chinese for holiday in holiday_library.Holiday}
    days = [
        (day, DayKind.HOLIDAY.value, chinese.get(name, name))
        for day, name in holiday_library.holidays.items()
        if day.year == year
    ]
    days += [
        (day, DayKind.WORKDAY.value, f"{chinese.get(name, name)}补班")
        for day, name in holiday_library.workdays.items()
        if day.year == year
    ]
    return sorted(days)


def _upsert_days(organization: Organization, days) -> tuple[int, int]:
    """Create or overwrite the given dates; other dates are kept. (created, updated)."""
    dates = [day for day, _kind, _name in days]
    existing = set(
        CalendarDay.objects.filter(organization=organization, date__in=dates).values_list(
            "date", flat=True
        )
    )
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(organization=organization, date=day, kind=kind, name=name)
            for day, kind, name in days
        ],
        update_conflicts=True,
        unique_fields=["organization", "date"],
        update_fields=["kind", "name"],
    )
    return len(set(dates) - existing), len(existing)


@transaction.atomic
def load_library_year(organization: Organization, year: int) -> int:
    """Load (or restore) the year's official holidays and adjusted working days.
    Returns the number of dates written; 0 means the library has no data for the year
    and an administrator has to import it from a file."""
    days = library_days(year)
    _upsert_days(organization, days)
    return len(days)


def seed_organization(organization: Organization) -> None:
    """A default calendar with office hours, and this year's and next year's holidays."""
    calendar, created = WorkCalendar.objects.get_or_create(
        organization=organization,
        department=None,
        defaults={"name": DEFAULT_CALENDAR_NAME},
    )
    if created:
        WorkPeriod.objects.bulk_create(
            WorkPeriod(calendar=calendar, start=start, end=end) for start, end in DEFAULT_PERIODS
        )
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        load_library_year(organization, year)


@receiver(post_save, sender=Organization)
def _seed_new_organization(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        seed_organization(instance)


def validate_periods(periods: list[tuple[datetime.time, datetime.time]], around_the_clock: bool):
    """Raise ValidationError unless the periods make a usable working day."""
    if around_the_clock:
        return
    if not periods:
        raise ValidationError(_("Add at least one working period, or choose around the clock."))
    ordered = sorted(periods)
    for first, second in itertools.pairwise(ordered):
        if second[0] < first[1]:
            raise ValidationError(
                _("Working periods %(first)s and %(second)s overlap.")
                % {"first": _period_text(*first), "second": _period_text(*second)}
            )


def _period_text(start: datetime.time, end: datetime.time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


# The snapshot.


def calendar_for(organization: Organization, department: Department | None = None):
    """The department's own calendar, else its nearest parent's, else the organization's
    default; None when the organization has none (the built-in office hours apply)."""
    calendars = {
        calendar.department_id: calendar
        for calendar in WorkCalendar.objects.filter(organization=organization).prefetch_related(
            "periods"
        )
    }
    chain = [department, *department.ancestors()] if department is not None else []
    for candidate in chain:
        if candidate.pk in calendars:
            return calendars[candidate.pk]
    return calendars.get(None)


def snapshot_for(
    organization: Organization, department: Department | None = None
) -> CalendarSnapshot:
    """Build once per organization or department, then compute many deadlines with it."""
    return _snapshot(calendar_for(organization, department), _days(organization))


def _days(organization: Organization) -> tuple[frozenset, frozenset]:
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.filter(organization=organization).values_list(
        "date", "kind"
    ):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    return frozenset(holidays), frozenset(workdays)


def _snapshot(calendar: WorkCalendar | None, days: tuple[frozenset, frozenset]):
    time_zone = ZoneInfo(settings.TIME_ZONE)
    if calendar is not None and calendar.around_the_clock:
        return CalendarSnapshot(time_zone=time_zone, around_the_clock=True)
    if calendar is None:
        weekdays, periods = frozenset(range(5)), DEFAULT_PERIODS
    else:
        weekdays = calendar.weekdays
        periods = tuple((period.start, period.end) for period in calendar.periods.all())
    holidays, workdays = days
    return CalendarSnapshot(
        time_zone=time_zone,
        weekdays=weekdays,
        periods=periods,
        holidays=holidays,
        workdays=workdays,
    )


class Snapshots:
    """Snapshots for any of an organization's departments, its calendars and days read
    once: for work over many matters at a time (the sweep)."""

    def __init__(self, organization: Organization):
        self.calendars = {
            calendar.department_id: calendar
            for calendar in WorkCalendar.objects.filter(organization=organization).prefetch_related(
                "periods"
            )
        }
        self.parents = (
            dict(
                Department.objects.filter(organization=organization).values_list("pk", "parent_id")
            )
            if any(key is not None for key in self.calendars)
            else {}
        )
        self.days = _days(organization)
        self.built: dict = {}

    def calendar(self, department_id: int | None) -> WorkCalendar | None:
        seen = set()
        while department_id is not None and department_id not in seen:
            if department_id in self.calendars:
                return self.calendars[department_id]
            seen.add(department_id)
            department_id = self.parents.get(department_id)
        return self.calendars.get(None)

    def for_department(self, department_id: int | None) -> CalendarSnapshot:
        calendar = self.calendar(department_id)
        key = calendar.pk if calendar is not None else None
        if key not in self.built:
            self.built[key] = _snapshot(calendar, self.days)
        return self.built[key]


# Import from a file.


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        # Counts as figures after a label, so no language has to agree a noun with them.
        return _("Dates added: %(created)d; corrected: %(updated)d.") % {
            "created": self.created,
            "updated": self.updated,
        }


#: Spellings of the kind column: the codes, Chinese words and the 休/班 of printed calendars.
KIND_WORDS = {
    "holiday": DayKind.HOLIDAY,
    "节假日": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "补班": DayKind.WORKDAY,
    "调休补班": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
}
#: In an ICS summary, these mark a working day; anything else is a holiday.
ICS_WORKDAY_MARKERS = ("班", "workday", "working day", "work day")


def _parse_date(text: str) -> datetime.date | None:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _decode(content: bytes) -> str | None:
    # Excel on Chinese Windows saves CSV in GB18030 (GBK) unless told UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_days(text: str, errors: list[str]):
    days = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        if number == 1 and cells[0].lower() == "date":
            continue
        if len(cells) != 3:
            errors.append(
                _("Line %(line)d: expected three columns (date, kind, name).") % {"line": number}
            )
            continue
        text_date, text_kind, name = cells
        day = _parse_date(text_date)
        kind = KIND_WORDS.get(text_kind.lower())
        if day is None:
            errors.append(
                _("Line %(line)d: “%(value)s” is not a date; write it as 2026-10-01.")
                % {"line": number, "value": text_date}
            )
        if kind is None:
            errors.append(
                _("Line %(line)d: the kind “%(value)s” is neither holiday nor workday.")
                % {"line": number, "value": text_kind}
            )
        if day is not None and kind is not None:
            days.append((number, day, kind, name))
    return days


def _ics_days(content: bytes, errors: list[str]):
    try:
        parsed = icalendar.Calendar.from_ical(content)
    except ValueError:
        errors.append(_("The file is not a readable iCalendar (ICS) file."))
        return []
    days = []
    for number, event in enumerate(parsed.walk("VEVENT"), start=1):
        summary = str(event.get("SUMMARY", "")).strip()
        start = event.decoded("DTSTART", None)
        end = event.decoded("DTEND", None)
        if not isinstance(start, datetime.date) or isinstance(start, datetime.datetime):
            errors.append(
                _(
                    "Event %(number)d (“%(summary)s”): the start is not a date; "
                    "holidays are all-day events."
                )
                % {"number": number, "summary": summary}
            )
            continue
        if not isinstance(end, datetime.date) or isinstance(end, datetime.datetime):
            end = start + datetime.timedelta(days=1)  # DTEND is exclusive; absent is one day
        lowered = summary.lower()
        kind = (
            DayKind.WORKDAY
            if any(marker in lowered for marker in ICS_WORKDAY_MARKERS)
            else DayKind.HOLIDAY
        )
        day = start
        while day < end:
            days.append((number, day, kind, summary))
            day += datetime.timedelta(days=1)
    return days


def import_calendar_days(organization: Organization, filename: str, content: bytes) -> ImportResult:
    """Load holidays and adjusted working days from a CSV (date,kind,name) or ICS file.

    The dates in the file are created or overwritten; other dates are kept. All or
    nothing: on any error nothing is written and the result lists every error."""
    result = ImportResult()
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if len(content) > IMPORT_MAX_BYTES:
        result.errors.append(_("The file is too large for a holiday calendar."))
        return result
    if extension == "ics":
        days = _ics_days(content, result.errors)
        where = _("Event %(number)d")
    elif extension == "csv":
        text = _decode(content)
        if text is None:
            result.errors.append(_("The file is neither UTF-8 nor GB18030 text."))
            return result
        days = _csv_days(text, result.errors)
        where = _("Line %(number)d")
    else:
        result.errors.append(_("Upload a .csv or an .ics file."))
        return result

    seen: dict[datetime.date, tuple[str, str]] = {}
    for number, day, kind, name in days:
        place = where % {"number": number}
        if not name:
            result.errors.append(_("%(place)s: the name is missing.") % {"place": place})
        elif len(name) > _NAME_MAX:
            result.errors.append(
                _("%(place)s: the name is longer than %(max)d characters.")
                % {"place": place, "max": _NAME_MAX}
            )
        elif seen.get(day, (kind, name))[0] != kind:
            result.errors.append(
                _("%(place)s: %(date)s is both a holiday and a working day in this file.")
                % {"place": place, "date": date_format(day)}
            )
        seen.setdefault(day, (kind, name))
    if not seen and not result.errors:
        result.errors.append(_("The file contains no dates."))
    if result.errors:
        return result
    with transaction.atomic():
        result.created, result.updated = _upsert_days(
            organization, [(day, kind, name) for day, (kind, name) in sorted(seen.items())]
        )
    return result

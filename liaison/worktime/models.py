"""Working-time calendars: when an organization (or one of its departments) works, and
the dated exceptions to its week: public holidays (法定节假日) and adjusted working
weekend days (调休补班).

Holidays belong to the organization, not to a calendar: every calendar of the
organization observes them, except around-the-clock ones, which ignore them.
The arithmetic lives in domain.py; services.py builds its snapshot from these rows.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Department, Organization

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class WorkCalendar(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="work_calendars",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        help_text=_(
            "Empty for the organization's default calendar. A department's own calendar "
            "overrides the default for it and its sub-departments."
        ),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_calendars",
    )
    name = models.CharField(_("name"), max_length=100)
    around_the_clock = models.BooleanField(
        _("around the clock"),
        default=False,
        help_text=_(
            "24×7: every minute is working time; weekdays, periods and holidays are ignored."
        ),
    )
    monday = models.BooleanField(_("Monday"), default=True)
    tuesday = models.BooleanField(_("Tuesday"), default=True)
    wednesday = models.BooleanField(_("Wednesday"), default=True)
    thursday = models.BooleanField(_("Thursday"), default=True)
    friday = models.BooleanField(_("Friday"), default=True)
    saturday = models.BooleanField(_("Saturday"), default=False)
    sunday = models.BooleanField(_("Sunday"), default=False)

    class Meta:
        verbose_name = _("working-time calendar")
        verbose_name_plural = _("working-time calendars")
        ordering = ["organization", F("department").asc(nulls_first=True), "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(department__isnull=True),
                name="worktime_one_default_calendar",
                violation_error_message=_("An organization has one default calendar."),
            ),
            models.UniqueConstraint(
                fields=["department"],
                name="worktime_one_calendar_per_department",
                violation_error_message=_("A department has at most one calendar."),
            ),
            models.CheckConstraint(
                condition=Q(around_the_clock=True)
                | Q(monday=True)
                | Q(tuesday=True)
                | Q(wednesday=True)
                | Q(thursday=True)
                | Q(friday=True)
                | Q(saturday=True)
                | Q(sunday=True),
                name="worktime_calendar_has_a_working_weekday",
                violation_error_message=_("Choose at least one working weekday."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weekdays(self) -> frozenset[int]:
        """Working weekdays as date.weekday() numbers (Monday is 0)."""
        return frozenset(i for i, field in enumerate(WEEKDAY_FIELDS) if getattr(self, field))

    def clean(self):
        if self.department_id is not None and (
            self.department.organization_id != self.organization_id
        ):
            raise ValidationError(
                {"department": _("The department must belong to this organization.")}
            )


class WorkPeriod(models.Model):
    """One stretch of working time on every working day, e.g. 08:00–12:00."""

    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        on_delete=models.CASCADE,
        related_name="periods",
    )
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("working period")
        verbose_name_plural = _("working periods")
        ordering = ["calendar", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="worktime_period_ends_after_start",
                violation_error_message=_("A working period must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["calendar", "start"], name="worktime_period_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday (no work)")
    WORKDAY = "workday", _("Adjusted working day")


class CalendarDay(models.Model):
    """A date that breaks the weekly pattern for the whole organization."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example 春节 or 国庆节补班.")
    )

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("holidays and adjusted working days")
        ordering = ["organization", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "date"],
                name="worktime_calendar_day_unique_date",
                violation_error_message=_("This date is already in the calendar."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="worktime_calendar_day_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

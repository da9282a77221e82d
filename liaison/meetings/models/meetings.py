"""Meetings (occurrences of a series, or one-off), who is invited, who was called to an
emergency meeting, and the secret address of a person's calendar."""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.matters.models import Matter
from liaison.org.models import Department, Organization, Person

from .series import Attendance, MeetingKind, MeetingSeries, Room, has_place

#: Agenda items are proposed until this long before the meeting, unless it sets its own.
AGENDA_CUTOFF = datetime.timedelta(hours=24)


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    # Set once the meeting's minutes are recorded.
    HELD = "held", _("Held")


class Meeting(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("series"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="meetings",
    )
    # The start the series' rule gave this occurrence; kept when it is moved.
    recurrence_id = models.DateTimeField(_("original start"), null=True, blank=True)
    # A one-off meeting's own title, organizer and chair (an occurrence uses its series').
    title = models.CharField(_("title"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        Department,
        verbose_name=_("organizing department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    chair = models.ForeignKey(
        Person,
        verbose_name=_("chair"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    online_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED
    )
    # Moved, or cancelled, on its own: changes to the series leave it alone.
    overridden = models.BooleanField(_("changed on its own"), default=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        Person,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    # Departments propose agenda items until then; empty: AGENDA_CUTOFF before the start.
    agenda_cutoff = models.DateTimeField(_("agenda closes"), null=True, blank=True)
    is_emergency = models.BooleanField(_("emergency meeting"), default=False)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        Person,
        verbose_name=_("called by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "recurrence_id"],
                condition=Q(series__isnull=False),
                name="meetings_one_occurrence_per_time",
            ),
            models.CheckConstraint(
                condition=Q(series__isnull=False, recurrence_id__isnull=False, organizer=None)
                | Q(series__isnull=True, recurrence_id__isnull=True, organizer__isnull=False)
                & ~Q(title=""),
                name="meetings_occurrence_or_one_off",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="meetings_meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(state__in=MeetingState.values), name="meetings_meeting_state"
            ),
            models.CheckConstraint(
                condition=Q(state=MeetingState.CANCELLED, cancelled_at__isnull=False)
                & ~Q(cancel_reason="")
                | ~Q(state=MeetingState.CANCELLED) & Q(cancelled_at=None),
                name="meetings_cancelled_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(is_emergency=False) | Q(series=None),
                name="meetings_emergency_is_one_off",
            ),
            models.CheckConstraint(condition=has_place(), name="meetings_meeting_has_place"),
        ]
        indexes = [
            models.Index(fields=["organization", "start"], name="meetings_org_start"),
            models.Index(fields=["series", "start"], name="meetings_series_start"),
            # A calendar's exceptions: the few meetings of its series changed on their own.
            models.Index(
                fields=["series"],
                condition=Q(overridden=True),
                name="meetings_series_overridden",
            ),
            models.Index(fields=["room", "start"], name="meetings_room_start"),
        ]

    def __str__(self) -> str:
        return f"{self.headline} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"

    @property
    def headline(self) -> str:
        return self.title or (self.series.title if self.series_id else "")

    @property
    def organizing_department(self) -> Department:
        return self.organizer if self.series_id is None else self.series.organizer

    @property
    def chair_person(self) -> Person | None:
        return self.chair if self.series_id is None else self.series.chair

    @property
    def kind(self) -> str:
        if self.is_emergency:
            return MeetingKind.EMERGENCY
        return self.series.kind if self.series_id else MeetingKind.OTHER

    @property
    def kind_label(self) -> str:
        return MeetingKind(self.kind).label

    @property
    def is_moved(self) -> bool:
        return self.recurrence_id is not None and self.recurrence_id != self.start

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def cutoff(self) -> datetime.datetime:
        # An emergency meeting is called at short notice: it has no cut-off ahead of it,
        # those called propose until it begins.
        if self.is_emergency:
            return self.start
        return self.agenda_cutoff or self.start - AGENDA_CUTOFF


class Participant(models.Model):
    """A department (with who of it attends) or a person, invited to every occurrence of
    a series, or to one one-off meeting."""

    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="participants"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="participants"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    attendance = models.CharField(
        _("who attends"), max_length=20, choices=Attendance.choices, blank=True
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(series__isnull=False, meeting=None)
                | Q(series=None, meeting__isnull=False),
                name="meetings_participant_of_one",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=False, person=None, attendance__in=Attendance.values)
                | Q(department=None, person__isnull=False, attendance=""),
                name="meetings_participant_department_or_person",
            ),
            models.UniqueConstraint(
                fields=["series", "department"],
                condition=Q(series__isnull=False, department__isnull=False),
                name="meetings_series_department_once",
            ),
            models.UniqueConstraint(
                fields=["series", "person"],
                condition=Q(series__isnull=False, person__isnull=False),
                name="meetings_series_person_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "department"],
                condition=Q(meeting__isnull=False, department__isnull=False),
                name="meetings_meeting_department_once",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(meeting__isnull=False, person__isnull=False),
                name="meetings_meeting_person_once",
            ),
        ]

    def __str__(self) -> str:
        if self.department_id:
            return f"{self.department} · {self.get_attendance_display()}"
        return str(self.person)


class EmergencyCall(models.Model):
    """One person called to an emergency meeting, and when they confirmed they come."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="calls"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField(_("called"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("emergency call")
        verbose_name_plural = _("emergency calls")
        ordering = ["meeting", "confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetings_called_once"),
            models.CheckConstraint(
                condition=Q(confirmed_at=None) | Q(confirmed_at__gte=F("called_at")),
                name="meetings_confirmed_after_call",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.person}"

    @property
    def minutes_to_confirm(self) -> int | None:
        if self.confirmed_at is None:
            return None
        return int((self.confirmed_at - self.called_at).total_seconds() // 60)


class CalendarFeed(models.Model):
    """The secret address of a person's calendar: whoever has it reads the person's
    meetings without logging in (calendar apps cannot log in). Resetting it changes it."""

    person = models.OneToOneField(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)

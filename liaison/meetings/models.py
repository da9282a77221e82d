"""Meetings (mechanism 8): rooms, recurring series, their occurrences, emergency meetings
and the record of what happened to them.

A series (例会) recurs by an RFC 5545 rule; its occurrences are stored as Meeting rows
for a horizon ahead (services.occurrences), each keeping the time the rule gave it
(`recurrence_id`). Moving or cancelling one occurrence marks it `overridden`: the series
no longer changes it, and calendars show it as an exception (RECURRENCE-ID or EXDATE).
A one-off meeting, such as an emergency meeting (紧急会议), has no series and carries its
own title, organizer and participants.

The database refuses a second occurrence for the same original time, a meeting that ends
before it starts, a cancellation without a reason, a participant row that names neither
or both of a department and a person, and an emergency meeting inside a series.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.models import Event
from liaison.matters.models import Matter
from liaison.org.models import Department, Organization, Person

#: A meeting lasts at most a day.
MAX_DURATION_MINUTES = 24 * 60
#: Agenda items are proposed until this long before the meeting, unless it sets its own.
AGENDA_CUTOFF = datetime.timedelta(hours=24)


class Room(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=50, help_text=_("Used in calendar addresses."))
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("seats"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting room")
        verbose_name_plural = _("meeting rooms")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="meetings_room_code"),
            models.UniqueConstraint(fields=["organization", "name"], name="meetings_room_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingKind(models.TextChoices):
    COORDINATION = "coordination", _("Hospital-wide coordination meeting")
    LOCAL_DISCUSSION = "local_discussion", _("Local discussion meeting")
    WEEKLY_MANAGEMENT = "weekly_management", _("Weekly management meeting")
    PROJECT = "project", _("Project meeting")
    QUALITY = "quality", _("Quality meeting")
    EMERGENCY = "emergency", _("Emergency meeting")
    OTHER = "other", _("Other meeting")


class Attendance(models.TextChoices):
    """Who of a participating department attends."""

    HEAD = "head", pgettext_lazy("attends", "Head")
    LIAISON_OFFICER = "liaison_officer", pgettext_lazy("attends", "Liaison officer")
    BOTH = "both", pgettext_lazy("attends", "Head and liaison officer")


def _has_place() -> Q:
    return Q(room__isnull=False) | ~Q(online_link="")


class MeetingSeries(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    organizer = models.ForeignKey(
        Department,
        verbose_name=_("organizing department"),
        on_delete=models.PROTECT,
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
    rule = models.CharField(
        _("recurrence rule"),
        max_length=300,
        help_text=_("RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR"),
    )
    start_date = models.DateField(_("first day"))
    start_time = models.TimeField(_("start time"))
    duration = models.PositiveSmallIntegerField(_("duration (minutes)"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    online_link = models.URLField(_("online meeting link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The leading group's meeting: a matter escalated to the leading group goes on the
    # agenda of its next meeting by itself (services.put_on_leading_group_agenda).
    for_leading_group = models.BooleanField(
        _("the leading group's meeting"),
        default=False,
        help_text=_("Matters escalated to the leading group go on its next meeting's agenda."),
    )
    # Approved minutes are for those invited, the offices and the leaders; an open series'
    # are for everyone in the organization (policy.may_read_minutes).
    minutes_open_to_organization = models.BooleanField(
        _("minutes open to the organization"),
        default=False,
        help_text=_(
            "Everyone in the organization may read the approved minutes, not only those "
            "invited, the offices and the leaders."
        ),
    )
    # Occurrences exist up to here (excluded); reads further ahead extend it.
    materialized_until = models.DateTimeField()
    # Calendars' SEQUENCE: raised on every change, so subscribers take the new version.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        Person, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MeetingKind.values) & ~Q(kind=MeetingKind.EMERGENCY),
                name="meetings_series_kind",
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=1, duration__lte=MAX_DURATION_MINUTES),
                name="meetings_series_duration",
            ),
            models.CheckConstraint(condition=~Q(rule=""), name="meetings_series_has_rule"),
            models.CheckConstraint(condition=~Q(title=""), name="meetings_series_has_title"),
            models.CheckConstraint(condition=_has_place(), name="meetings_series_has_place"),
            # Otherwise an escalated matter would have two agendas to land on.
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(for_leading_group=True),
                name="meetings_one_leading_group_series",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organization", "materialized_until"], name="meetings_series_horizon"
            ),
        ]

    def __str__(self) -> str:
        return self.title


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
            models.CheckConstraint(condition=_has_place(), name="meetings_meeting_has_place"),
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


class EventType(models.TextChoices):
    SERIES_CREATED = "series_created", _("Series scheduled")
    SERIES_CHANGED = "series_changed", _("Series changed")
    MOVED = "moved", _("Meeting moved")
    CANCELLED = "cancelled", _("Meeting cancelled")
    EMERGENCY_CALLED = "emergency_called", _("Emergency meeting called")
    CONFIRMED = "confirmed", _("Attendance confirmed")
    CUTOFF_SET = "cutoff_set", _("Agenda closing time set")
    ITEM_PROPOSED = "item_proposed", _("Agenda item proposed")
    ITEM_ESCALATED = "item_escalated", _("Escalated matter put on the agenda")
    ITEM_ACCEPTED = "item_accepted", _("Agenda item accepted")
    ITEM_DECLINED = "item_declined", _("Agenda item declined")
    ITEM_ARRANGED = "item_arranged", _("Agenda item arranged")
    AGENDA_ORDERED = "agenda_ordered", _("Agenda reordered")
    ATTENDANCE = "attendance", _("Attendance recorded")
    MINUTES_SAVED = "minutes_saved", _("Minutes saved")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")


class MeetingEvent(Event):
    """What happened to a series or a meeting, by whom and when; never changed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    # Protected: an occurrence with a history is never dropped when its series changes.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    type = models.CharField(_("what"), max_length=20, choices=EventType.choices)
    reason = models.TextField(_("reason"), blank=True)

    class Meta(Event.Meta):
        verbose_name = _("meeting event")
        verbose_name_plural = _("meeting events")
        constraints = [
            models.CheckConstraint(
                condition=Q(series__isnull=False) | Q(meeting__isnull=False),
                name="meetings_event_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(type__in=EventType.values), name="meetings_event_type"
            ),
        ]


# The agenda (议题).


class ItemState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class ItemSource(models.TextChoices):
    PROPOSED = "proposed", _("Proposed by a department")
    ESCALATED = "escalated", _("Escalated to the leading group")


class AgendaItem(models.Model):
    """An item (议题) a department proposes for a meeting, or an escalated matter put on
    the leading group's meeting; the organizer accepts and orders it. Its time slot
    follows from the order and the minutes of the accepted items before it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("proposing department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    presenter = models.ForeignKey(
        Person,
        verbose_name=_("presenter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ItemState.choices, default=ItemState.PROPOSED
    )
    source = models.CharField(
        _("source"), max_length=10, choices=ItemSource.choices, default=ItemSource.PROPOSED
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Pre-briefing (通气): read only by the people named, and by whoever wrote it.
    prebriefing = models.TextField(_("pre-briefing"), blank=True)
    prebriefing_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prebriefed = models.ManyToManyField(
        Person, verbose_name=_("pre-briefed people"), blank=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        Person,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="meetings_item_has_title"),
            models.CheckConstraint(
                condition=Q(state__in=ItemState.values), name="meetings_item_state"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ItemSource.values), name="meetings_item_source"
            ),
            models.CheckConstraint(
                condition=~Q(state=ItemState.DECLINED) | ~Q(decline_reason=""),
                name="meetings_item_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(minutes=None) | Q(minutes__gte=1, minutes__lte=MAX_DURATION_MINUTES),
                name="meetings_item_minutes",
            ),
            models.CheckConstraint(
                condition=Q(prebriefing="") | Q(prebriefing_by__isnull=False),
                name="meetings_item_prebriefing_has_author",
            ),
            # A matter is discussed once per meeting (escalating twice adds nothing).
            models.UniqueConstraint(
                fields=["meeting", "matter"],
                condition=Q(matter__isnull=False),
                name="meetings_item_matter_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# Attendance.


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    SUBSTITUTED = "substituted", _("Sent a substitute")


class AttendanceRecord(models.Model):
    """Whether one expected person came, and if not, why and who came instead."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    presence = models.CharField(_("attendance"), max_length=12, choices=Presence.choices)
    reason = models.CharField(_("reason for absence"), max_length=300, blank=True)
    substitute = models.ForeignKey(
        Person,
        verbose_name=_("substitute"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        Person, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="meetings_attendance_once"),
            models.CheckConstraint(
                condition=Q(presence=Presence.PRESENT, reason="", substitute=None)
                | Q(presence=Presence.ABSENT, substitute=None) & ~Q(reason="")
                | Q(presence=Presence.SUBSTITUTED, substitute__isnull=False)
                & ~Q(substitute=F("person")),
                name="meetings_attendance_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_presence_display()}"


# Minutes (会议纪要).


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Approved by the chair: distributed, archived, read-only.
    APPROVED = "approved", _("Approved")


class Minutes(models.Model):
    meeting = models.OneToOneField(
        Meeting, verbose_name=_("meeting"), on_delete=models.PROTECT, related_name="minutes"
    )
    recorder = models.ForeignKey(
        Person, verbose_name=_("recorder"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"))
    state = models.CharField(
        _("state"), max_length=10, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    updated_by = models.ForeignKey(
        Person, verbose_name=_("last changed by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    approved_by = models.ForeignKey(
        Person,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        constraints = [
            models.CheckConstraint(
                condition=Q(state=MinutesState.DRAFT, approved_at=None, approved_by=None)
                | Q(
                    state=MinutesState.APPROVED,
                    approved_at__isnull=False,
                    approved_by__isnull=False,
                ),
                name="meetings_minutes_approval",
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="meetings_minutes_has_summary"),
        ]

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_approved(self) -> bool:
        return self.state == MinutesState.APPROVED


class Decision(models.Model):
    """A decision or action (决议) of the minutes: on approval it becomes a tracked
    matter dispatched to its owner department, with its responsible person and due date."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="decisions"
    )
    position = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("decision"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    owner_department = models.ForeignKey(
        Department, verbose_name=_("owner department"), on_delete=models.PROTECT, related_name="+"
    )
    responsible = models.ForeignKey(
        Person, verbose_name=_("responsible person"), on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField(_("due"))
    matter = models.OneToOneField(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["minutes", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="meetings_decision_has_title"),
            models.UniqueConstraint(
                fields=["minutes", "position"], name="meetings_decision_position"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MinutesReceipt(models.Model):
    """The approved minutes sent to one participant (回执): when they read them."""

    minutes = models.ForeignKey(
        Minutes, verbose_name=_("minutes"), on_delete=models.CASCADE, related_name="receipts"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("minutes receipt")
        verbose_name_plural = _("minutes receipts")
        ordering = ["minutes", "read_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "person"], name="meetings_receipt_once"),
            models.CheckConstraint(
                condition=Q(read_at=None) | Q(read_at__gte=F("sent_at")),
                name="meetings_receipt_read_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.minutes} · {self.person}"

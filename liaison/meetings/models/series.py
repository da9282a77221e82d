"""Meeting rooms and series (例会): what a series is, and the kinds of meetings."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.org.models import Department, Organization, Person

#: A meeting lasts at most a day.
MAX_DURATION_MINUTES = 24 * 60


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


def has_place() -> Q:
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
            models.CheckConstraint(condition=has_place(), name="meetings_series_has_place"),
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

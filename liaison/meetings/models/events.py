"""The record of what happened to a series or a meeting."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Event
from liaison.org.models import Organization

from .meetings import Meeting
from .series import MeetingSeries


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

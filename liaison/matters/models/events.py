"""The matter's timeline."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Event
from liaison.org.models import Department

from .matters import Matter


class EventType(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Draft edited")
    SUBMITTED = "submitted", _("Submitted")
    DISPATCHED = "dispatched", _("Dispatched")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    TRANSFERRED = "transferred", _("Transferred")
    CONTRIBUTED = "contributed", _("Co-organizer part")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    REPLIED = "replied", _("Replied")
    CONFIRMED = "confirmed", _("Confirmed")
    REOPENED = "reopened", _("Reopened")
    ESCALATED = "escalated", _("Escalated")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ARCHIVED = "archived", _("Archived")
    COMMENTED = "commented", _("Comment")
    ATTACHED = "attached", _("Attachment")
    LINKED = "linked", _("Linked")
    UNLINKED = "unlinked", _("Link removed")
    INFO_REQUESTED = "info_requested", _("Asked the originator for information")
    INFO_GIVEN = "info_given", _("Information given")
    REMINDED = "reminded", _("Reminded")
    BREACHED = "breached", _("Time limit missed")
    SUPERVISED = "supervised", _("Put under supervision")
    URGED = "urged", _("Urged")
    RECTIFICATION_SUBMITTED = "rectification-submitted", _("Rectification reply submitted")
    RECTIFICATION_ACCEPTED = "rectification-accepted", _("Rectification reply accepted")
    RECTIFICATION_REJECTED = "rectification-rejected", _("Rectification reply rejected")


class MatterEvent(Event):
    """The matter's timeline: who did what, when, from which state to which, and why.
    Append-only; it is also the source of the chain view."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    actor_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    # Who holds the matter after this event (the chain view follows these).
    owner_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    text = models.TextField(_("text"), blank=True)
    is_internal = models.BooleanField(
        _("internal note"),
        default=False,
        help_text=_("Visible only to the departments handling the matter."),
    )

    class Meta(Event.Meta):
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["matter", "at"], name="matters_event_matter_at"),
            # Scorecards: a period's urges (few among the events).
            models.Index(
                fields=["at", "owner_department", "matter"],
                condition=Q(type=EventType.URGED),
                name="matters_event_urged",
            ),
            # The dashboard: the matters returned or transferred since a day.
            models.Index(fields=["type", "at", "matter"], name="matters_event_type_at"),
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} {self.get_type_display()}"

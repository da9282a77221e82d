"""The agenda (议题) of a meeting."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.matters.models import Matter
from liaison.org.models import Department, Person

from .meetings import Meeting
from .series import MAX_DURATION_MINUTES


class ItemState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("agenda item", "Accepted")
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
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
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

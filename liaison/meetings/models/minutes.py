"""Minutes (会议纪要) of a meeting, their decisions and who read them."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.matters.models import Matter
from liaison.org.models import Department, Person

from .meetings import Meeting


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Approved by the chair: distributed, archived, read-only.
    APPROVED = "approved", pgettext_lazy("minutes", "Approved")


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

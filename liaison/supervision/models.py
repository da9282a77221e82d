"""Supervision and rectification (督办 / 催办 / 整改) of matters.

A supervising office (督查办), the coordinating office (院办) or a leader puts an open
matter under supervision with a deadline (限期); the supervisor urges (催办) the holder,
each urge counted and timed; the lead department answers with a written rectification
reply (整改回复单), which the supervisor accepts (the supervision ends) or rejects with a
reason (a new reply is due). Every step is also an event on the matter's timeline.

The database refuses a second active supervision of a matter, a second reply waiting for
review, a second accepted reply, and a rejection without a reason.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.models import AppendOnlyModel
from liaison.matters.models import Matter, MatterEvent
from liaison.org.models import Department, Person


class Rag(models.TextChoices):
    """The traffic light of a supervision on the board."""

    RED = "red", _("Red")
    AMBER = "amber", _("Amber")
    GREEN = "green", _("Green")


#: A deadline this many days away or fewer turns a supervision amber.
AMBER_DAYS = 2
#: This many urges or more turn a supervision amber.
AMBER_URGES = 2


class RectificationState(models.TextChoices):
    # In context: a matter's "Accepted" (签收) is another word.
    SUBMITTED = "submitted", pgettext_lazy("rectification reply", "Waiting for review")
    ACCEPTED = "accepted", pgettext_lazy("rectification reply", "Accepted")
    REJECTED = "rejected", pgettext_lazy("rectification reply", "Rejected")


def rag_of(
    *, deadline: datetime.date, today: datetime.date, urge_count: int, last_state: str | None
) -> str:
    """Red: past the deadline without an accepted reply, or the last reply was rejected.
    Amber: the deadline is at most two days away, or urged twice or more. Else (and once
    a reply is accepted) green."""
    if last_state == RectificationState.ACCEPTED:
        return Rag.GREEN  # done: the deadline and the urges no longer matter
    if today > deadline or last_state == RectificationState.REJECTED:
        return Rag.RED
    if (deadline - today).days <= AMBER_DAYS or urge_count >= AMBER_URGES:
        return Rag.AMBER
    return Rag.GREEN


class Supervision(models.Model):
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="supervisions"
    )
    supervisor = models.ForeignKey(
        Person, verbose_name=_("supervisor"), on_delete=models.PROTECT, related_name="+"
    )
    supervising_department = models.ForeignKey(
        Department,
        verbose_name=_("supervising department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    reason = models.TextField(_("reason"))
    rectification_required = models.BooleanField(_("rectification reply required"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        Person,
        verbose_name=_("put under supervision by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Claimed by the sweep with a conditional UPDATE: the overdue notice goes out once.
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision")
        verbose_name_plural = _("supervisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(is_active=True),
                name="supervision_one_active_per_matter",
                violation_error_message=_("The matter is already under supervision."),
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, ended_at__isnull=True)
                | Q(is_active=False, ended_at__isnull=False),
                name="supervision_ended_when_inactive",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="supervision_has_reason"),
        ]
        indexes = [
            models.Index(fields=["is_active", "deadline"], name="supervision_active_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} → {self.deadline}"

    def days_left(self, today: datetime.date | None = None) -> int:
        """Days until the deadline (0 on the day, negative once passed)."""
        return (self.deadline - (today or timezone.localdate())).days


class Urge(AppendOnlyModel):
    """催办: one click by the supervisor, counted and timed; never changed."""

    supervision = models.ForeignKey(
        Supervision, verbose_name=_("supervision"), on_delete=models.CASCADE, related_name="urges"
    )
    sequence = models.PositiveSmallIntegerField(_("number"))
    by = models.ForeignKey(
        Person, verbose_name=_("urged by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("urge")
        verbose_name_plural = _("urges")
        ordering = ["supervision", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["supervision", "sequence"], name="supervision_urge_seq"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="supervision_urge_seq_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervision} #{self.sequence}"


class Rectification(models.Model):
    """整改回复单: what was done, the evidence, and when it was (or will be) complete. Files
    hang on the submission's timeline event, as the matter's attachments."""

    supervision = models.ForeignKey(
        Supervision,
        verbose_name=_("supervision"),
        on_delete=models.CASCADE,
        related_name="rectifications",
    )
    measures = models.TextField(_("rectification measures"))
    evidence = models.TextField(_("evidence"))
    completion_date = models.DateField(_("completion date"))
    event = models.ForeignKey(
        MatterEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        Person, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=RectificationState.choices,
        default=RectificationState.SUBMITTED,
    )
    reviewed_by = models.ForeignKey(
        Person,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_reason = models.TextField(_("review comment"), blank=True)

    class Meta:
        verbose_name = _("rectification reply")
        verbose_name_plural = _("rectification replies")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=RectificationState.values),
                name="supervision_rectification_state",
            ),
            models.UniqueConstraint(
                fields=["supervision"],
                condition=Q(state="submitted"),
                name="supervision_one_reply_in_review",
            ),
            models.UniqueConstraint(
                fields=["supervision"],
                condition=Q(state="accepted"),
                name="supervision_one_accepted_reply",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted", reviewed_at__isnull=True, reviewed_by__isnull=True)
                | (~Q(state="submitted") & Q(reviewed_at__isnull=False, reviewed_by__isnull=False)),
                name="supervision_reviewed_iff_decided",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(review_reason=""),
                name="supervision_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(measures="") & ~Q(evidence=""),
                name="supervision_rectification_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supervision} · {self.get_state_display()}"

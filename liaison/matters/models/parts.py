"""What hangs off a matter: its co-organizers, extension requests, attachments and links
to other matters."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core.models import UploadedFile
from liaison.org.models import Department, Person

from .events import MatterEvent
from .matters import Matter


class CoOrganizer(models.Model):
    """A co-organizer department (协办) and its part (协办意见), once given."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="co_organizers")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # matters_co_dept_matter below leads with it
    )
    text = models.TextField(_("contribution"), blank=True)
    contributed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contributed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("co-organizer")
        verbose_name_plural = _("co-organizers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "department"], name="matters_co_organizer_once"
            )
        ]
        # A department's queue and to-do read its co-organized matters from the index
        # alone, without visiting each co-organizer row.
        indexes = [models.Index(fields=["department", "matter"], name="matters_co_dept_matter")]

    def __str__(self) -> str:
        return str(self.department)


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    # The matter left the department that asked (transferred, returned, escalated,
    # replied, withdrawn or closed) before anyone decided.
    LAPSED = "lapsed", _("Lapsed")


class ExtensionRequest(models.Model):
    """延期申请: asked for, not taken; the due date changes only on approval."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    proposed_due = models.DateField(_("proposed due date"))
    previous_due = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter"],
                condition=Q(state="pending"),
                name="matters_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter.number} → {self.proposed_due}"


def attachment_path(instance, filename: str) -> str:
    # The stored name is neutral; the original (Chinese) name is kept in the row.
    return f"matters/{timezone.now():%Y/%m}/{instance.matter_id}-{uuid.uuid4().hex}"


class Attachment(UploadedFile):
    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        MatterEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)


class LinkKind(models.TextChoices):
    DUPLICATE_OF = "duplicate_of", _("Duplicate of")
    RELATED = "related", _("Related to")
    CHILD_OF = "child_of", _("Part of")


#: How a link reads from the matter it points to.
LINK_INVERSE_LABELS = {
    LinkKind.DUPLICATE_OF: _("Duplicated by"),
    LinkKind.RELATED: _("Related to"),
    LinkKind.CHILD_OF: _("Has part"),
}


class MatterLink(models.Model):
    source = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="backlinks")
    kind = models.CharField(_("link"), max_length=15, choices=LinkKind.choices)
    created_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="matters_link_once"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="matters_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.number} {self.get_kind_display()} {self.target.number}"

"""The audit trail: every state change, who made it, when, and what it was.

Events are append-only: they are never updated or deleted, so the history of any
object is a query. Each area adds its actions to the one enumeration below.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .plain import PlainJSONEncoder, plain


class AuditAction(models.TextChoices):
    DEPARTMENT_CREATED = "org.department_created", _("Department created")
    DEPARTMENT_CHANGED = "org.department_changed", _("Department changed")
    DEPARTMENT_MOVED = "org.department_moved", _("Department moved")
    PERSON_CREATED = "org.person_created", _("Person created")
    POSITION_STARTED = "org.position_started", _("Position started")
    POSITION_ENDED = "org.position_ended", _("Position ended")
    LEADER_IN_CHARGE_ASSIGNED = "org.leader_in_charge_assigned", _("Leader in charge assigned")
    LEADER_IN_CHARGE_ENDED = "org.leader_in_charge_ended", _("Leader in charge ended")
    ORGANIZATION_CHANGED = "org.organization_changed", _("Organization settings changed")
    ORG_IMPORTED = "org.imported", _("Organization imported")
    DEMO_BUILT = "org.demo_built", _("Demo hospital built")


class AppendOnlyQuerySet(models.QuerySet):
    """Records of what happened (audit trail, timelines) are never changed or deleted."""

    def delete(self):
        raise PermissionError("These records are never deleted.")

    def update(self, **kwargs):
        raise PermissionError("These records are never changed.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("These records are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("These records are never deleted.")


class Event(AppendOnlyModel):
    """A line of an area's timeline: what happened (`type`), when, who did it (None: the
    system) and the details, stored as plain values (liaison.core.plain). Each area's
    event table subclasses it, adding its subject and declaring `type` with its own
    choices."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        "org.Person",
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True, encoder=PlainJSONEncoder)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_type_display()}"

    def save(self, *args, **kwargs):
        # The row in memory holds what the database holds.
        self.data = plain(self.data or {})
        super().save(*args, **kwargs)


class AuditEventQuerySet(AppendOnlyQuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class AuditEvent(AppendOnlyModel):
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system itself acted (a command, a scheduled task)."),
    )
    organization = models.ForeignKey(
        "org.Organization",
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=60, choices=AuditAction.choices)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.target_repr}"


class UploadedFile(models.Model):
    """A file someone uploaded to a record (a matter, a notice), kept under a name of our
    choosing and handed out by liaison.core.downloads. Each kind sets `file` with its own
    upload_to."""

    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey("org.Person", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

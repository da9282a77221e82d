"""Notices and task deployments (通知 / 任务部署): who they are for, how liaison officers
relay them into their departments, and who has read them.

A published notice keeps a receipt per person it reaches (the audience is resolved once,
at publishing, so "3 of 40 have read it" keeps meaning the same 40 people). A receipt is
delivered when its person can see the notice: at once for people named directly, after
the liaison officer's relay for people reached through a department audience.
"""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Event, UploadedFile
from liaison.org.models import CoordinationGroup, Department, Organization, Person, PositionRole


class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("Notice")
    TASK_DEPLOYMENT = "task_deployment", _("Task deployment")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Notice(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.NOTICE
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    author = models.ForeignKey(
        Person, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    author_department = models.ForeignKey(
        Department,
        verbose_name=_("issuing department"),
        on_delete=models.PROTECT,
        related_name="notices_issued",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    to_everyone = models.BooleanField(_("everyone in the organization"), default=False)
    require_read = models.BooleanField(
        _("reading required"),
        default=True,
        help_text=_("Everyone it reaches must open it; those who have not are listed."),
    )
    require_action = models.BooleanField(
        _("action required"),
        default=False,
        help_text=_(
            "Each receiving department must acknowledge or reply by the deadline: each gets "
            "a matter."
        ),
    )
    action_due = models.DateField(_("reply by"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    #: How many people it reached when published (the receipts' count, kept for lists).
    recipient_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-published_at", "-pk"]
        indexes = [
            models.Index(
                fields=["organization", "state", "-published_at"], name="notices_by_state"
            ),
            models.Index(fields=["author_department", "-created_at"], name="notices_by_issuer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(require_action=True) | Q(action_due__isnull=False),
                name="notices_action_has_deadline",
                violation_error_message=_("A notice that requires action needs a deadline."),
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_at__isnull=False),
                name="notices_published_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | Q(withdrawn_at__isnull=False),
                name="notices_withdrawn_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_live(self) -> bool:
        """Published, not withdrawn and not expired: it may be relayed, read and chased."""
        return self.state == NoticeState.PUBLISHED and not self.is_expired


class AudienceKind(models.TextChoices):
    DEPARTMENT = "department", _("Department")
    POSITION = "position", _("Position")
    GROUP = "group", _("Coordination group")
    PERSON = "person", _("Person")


class AudienceEntry(models.Model):
    """One line of a notice's audience as its author chose it ("everyone" is a flag on the
    notice)."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="audience")
    kind = models.CharField(_("kind"), max_length=12, choices=AudienceKind.choices)
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    with_subtree = models.BooleanField(_("with its sub-departments"), default=False)
    role = models.CharField(_("position"), max_length=20, choices=PositionRole.choices, blank=True)
    group = models.ForeignKey(
        CoordinationGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audience")
        constraints = [
            models.CheckConstraint(
                name="notices_audience_entry_complete",
                condition=(
                    Q(kind="department", department__isnull=False, group__isnull=True)
                    | Q(kind="position", group__isnull=True, person__isnull=True) & ~Q(role="")
                    | Q(kind="group", group__isnull=False, department__isnull=True)
                    | Q(kind="person", person__isnull=False, department__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        if self.kind == AudienceKind.DEPARTMENT:
            return str(self.department)
        if self.kind == AudienceKind.POSITION:
            role = self.get_role_display()
            return f"{self.department} · {role}" if self.department_id else str(role)
        return str(self.group or self.person)


class Relay(models.Model):
    """A department a notice was sent to: its liaison officer relays (转达) it inside."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="relays")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    #: Who was asked to relay it (the liaison officer; the head where there is none).
    relayer = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    relayed_at = models.DateTimeField(_("relayed"), null=True, blank=True)
    relayed_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note for the department"), blank=True)
    #: The matter the department answers in, when the notice requires action.
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("relay")
        verbose_name_plural = _("relays")
        ordering = ["department__sort_order", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "department"], name="notices_relay_once"),
        ]
        indexes = [
            models.Index(
                fields=["relayer"], condition=Q(relayed_at__isnull=True), name="notices_to_relay"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.department}"


class ReadVia(models.TextChoices):
    PAGE = "page", _("Notice page")
    EMAIL = "email", _("E-mail link")
    API = "api", _("API")


class Receipt(models.Model):
    """One person a notice reached (回执): when they could see it and when they read it."""

    # Both looked up through the composite indexes below, which start with them.
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="receipts", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    #: The department it reached them through (their own first one when named directly).
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_via = models.CharField(max_length=10, choices=ReadVia.choices, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [
            models.UniqueConstraint(fields=["notice", "person"], name="notices_receipt_once"),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(delivered_at__isnull=False),
                name="notices_read_only_when_delivered",
            ),
        ]
        indexes = [
            # Per-department statistics count within one notice's receipts.
            models.Index(fields=["notice", "department", "read_at"], name="notices_receipt_stats"),
            # A person's notices, newest first.
            models.Index(fields=["person", "-delivered_at"], name="notices_receipt_mine"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} · {self.person}"


def attachment_path(instance, filename: str) -> str:
    return f"notices/{timezone.now():%Y/%m}/{instance.notice_id}-{uuid.uuid4().hex}"


class NoticeAttachment(UploadedFile):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)


class EventType(models.TextChoices):
    CREATED = "created", _("Draft written")
    EDITED = "edited", _("Draft changed")
    PUBLISHED = "published", _("Published")
    RELAYED = "relayed", _("Relayed into the department")
    REMINDED = "reminded", _("Non-readers reminded")
    RELAY_REMINDED = "relay_reminded", _("Liaison officer reminded to relay")
    PINNED = "pinned", _("Pinned")
    UNPINNED = "unpinned", _("Unpinned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class NoticeEvent(Event):
    """What happened to a notice, by whom and when; never changed. Reads are on the
    receipts."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("what"), max_length=20, choices=EventType.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(Event.Meta):
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")

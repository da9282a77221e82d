"""The suggestion box and the leader's mailbox (意见箱 / 院长信箱): letters from staff and
the public (suggestions, complaints, praise), the office's reply, and whether a matter was
opened for them.

An anonymous letter names nobody: no person, no name or contact, only the day it was
received (not the time), and the database refuses any other combination. The writer
comes back with a retrieval code, of which only a hash is kept.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.models import Event
from liaison.matters.models import Matter
from liaison.org.models import Department, Organization, Person


class Mailbox(models.TextChoices):
    BOX = "box", _("Suggestion box")
    LEADER = "leader", _("Leader's mailbox")


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    COMPLAINT = "complaint", _("Complaint")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    STAFF = "staff", _("Staff form")
    PUBLIC = "public", _("Public form")
    API = "api", _("API")


class Status(models.TextChoices):
    NEW = "new", _("Awaiting reply")
    ROUTED = "routed", _("Being handled as a matter")
    ANSWERED = "answered", _("Answered")


class Suggestion(models.Model):
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    mailbox = models.CharField(
        _("mailbox"), max_length=10, choices=Mailbox.choices, default=Mailbox.BOX
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    department = models.ForeignKey(
        Department,
        verbose_name=_("department concerned"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    anonymous = models.BooleanField(_("anonymous"), default=False)
    writer = models.ForeignKey(
        Person,
        verbose_name=_("writer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions_written",
        help_text=_("A member of staff who signed the letter; empty when anonymous."),
    )
    writer_name = models.CharField(_("name"), max_length=100, blank=True)
    writer_contact = models.CharField(_("contact"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(
        _("received"),
        default=timezone.now,
        help_text=_("Only the day (midnight) for an anonymous letter."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(
        Person,
        verbose_name=_("replied by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    routed_by = models.ForeignKey(
        Person,
        verbose_name=_("routed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    routed_at = models.DateTimeField(_("routed"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_by = models.ForeignKey(
        Person,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "mailbox", "status"], name="suggestions_inbox"),
            models.Index(
                fields=["department", "published"],
                condition=Q(kind="praise", published=True),
                name="suggestions_praise",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(mailbox__in=Mailbox.values), name="sugg_mailbox"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="sugg_kind"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="sugg_channel"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="sugg_status"),
            models.CheckConstraint(
                condition=~Q(kind="praise") | Q(department__isnull=False),
                name="sugg_praise_names_department",
                violation_error_message=_("Praise names the department it is for."),
            ),
            models.CheckConstraint(
                condition=Q(anonymous=False)
                | Q(writer__isnull=True, writer_name="", writer_contact=""),
                name="sugg_anonymous_names_nobody",
            ),
            models.CheckConstraint(
                condition=~Q(channel="public") | Q(writer__isnull=True),
                name="sugg_public_writer_is_no_person",
            ),
            models.CheckConstraint(
                condition=Q(channel="public") | Q(anonymous=True) | Q(writer__isnull=False),
                name="sugg_staff_writer_signed",
            ),
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(reply="") & Q(replied_at__isnull=False)),
                name="sugg_answered_has_reply",
            ),
            models.CheckConstraint(
                condition=Q(matter__isnull=True) | Q(routed_at__isnull=False),
                name="sugg_routed_when",
            ),
            models.CheckConstraint(
                condition=~Q(status="routed") | Q(matter__isnull=False),
                name="sugg_routed_has_matter",
            ),
            models.CheckConstraint(
                condition=Q(published=False) | (~Q(reply="") & Q(published_at__isnull=False)),
                name="sugg_published_has_reply",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def signed_by(self) -> str:
        """Who signed the letter, as the office sees it ("" when anonymous)."""
        if self.anonymous:
            return ""
        return self.writer.name if self.writer_id else self.writer_name


class EventType(models.TextChoices):
    REPLIED = "replied", pgettext_lazy("suggestion", "Replied")
    REPLY_CHANGED = "reply_changed", _("Reply changed")
    ROUTED = "routed", _("Matter opened")
    PUBLISHED = "published", _("Reply published")
    UNPUBLISHED = "unpublished", _("Reply withdrawn from publication")


class SuggestionEvent(Event):
    """What the office did with a letter, by whom and when; never changed. Receiving a
    letter is no event: the letter is its own record, and an anonymous one names nobody."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="events", verbose_name=_("suggestion")
    )
    type = models.CharField(_("what"), max_length=20, choices=EventType.choices)
    # Always someone of the office: the system never acts on a letter.
    actor = models.ForeignKey(
        Person, verbose_name=_("who"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Event.Meta):
        verbose_name = _("suggestion event")
        verbose_name_plural = _("suggestion events")
        constraints = [
            models.CheckConstraint(condition=Q(type__in=EventType.values), name="sugg_event_type"),
        ]

"""The in-app inbox: one item per thing that asks something of a person (or tells them
what happened to their matter), with read state. E-mail carries the same items, and group
robots a copy; both go through an outbox (Delivery) so that sending retries and never
holds up the change that caused it."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.org.models import Department, Organization, Person

from .texts import render


class Ask(models.TextChoices):
    """What the item asks of its recipient."""

    DISPATCH = "dispatch", _("Dispatch it to a lead department")
    ACCEPT = "accept", _("Accept or return it")
    CONTRIBUTE = "contribute", _("Give your department's part")
    REPLY = "reply", _("Handle it and reply")
    CONFIRM = "confirm", _("Confirm the reply and rate it")
    DECIDE_EXTENSION = "decide_extension", _("Decide on the extension request")
    DECIDE = "decide", _("Decide, re-dispatch or pass it on")
    MENTION = "mention", _("You were mentioned")
    PROVIDE_INFO = "provide_info", _("Give the information asked for")
    REMINDER = "reminder", _("Time is running out")
    OVERDUE = "overdue", _("Time limit missed")
    URGED = "urged", _("Urged: handle it now")
    RECTIFY = "rectify", _("Submit a rectification reply")
    REVIEW_RECTIFICATION = "review_rectification", _("Review the rectification reply")
    INFO = "info", _("For your information")
    RELAY = "relay", _("Relay it to your department")
    READ = "read", _("Read it")
    ANSWER = "answer", _("Answer it")
    DISTRIBUTE = "distribute", _("Send the planned information")


class Notification(models.Model):
    recipient = models.ForeignKey(
        Person, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    ask = models.CharField(_("asks"), max_length=20, choices=Ask.choices)
    title = models.CharField(_("title"), max_length=300)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    url = models.CharField(max_length=300)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Urgent items (emergencies, breaches) are mailed even in quiet hours and never wait
    # for the digest; the digest lists only the items that were held for it.
    urgent = models.BooleanField(_("urgent"), default=False)
    # Title and detail as texts.Text stores them ({"title": …, "detail": …}), translated
    # for each reader; title and detail above keep them as written, and are all that
    # older items have.
    texts = models.JSONField(_("texts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="inbox_recipient_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> str:
        """The title in the current language."""
        return render(self.texts["title"]) if "title" in self.texts else self.title

    @property
    def shown_detail(self) -> str:
        return render(self.texts["detail"]) if "detail" in self.texts else self.detail


class WebhookPlatform(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu / Lark custom bot")


# Plain http is for a robot stand-in on this machine (tests, local trials) only: the
# webhook URL carries the robot's key, which must not cross a network in clear text.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class WebhookChannel(models.Model):
    """A group robot that gets a copy of notifications, for a whole organization or one of
    its departments. Signing is used when a secret is set (DingTalk 加签, Feishu 签名校验)."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.CASCADE,
        related_name="webhook_channels",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        help_text=_("Leave empty for the whole organization."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_channels",
    )
    platform = models.CharField(_("platform"), max_length=20, choices=WebhookPlatform.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("webhook URL"),
        max_length=500,
        help_text=_("The robot's webhook address, as shown when the robot was added to the group."),
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_(
            "Only if signing is enabled in the robot's security settings (DingTalk, Feishu). "
            "WeCom robots have no signing."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="inbox_webhook_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(platform__in=WebhookPlatform.values), name="inbox_webhook_platform"
            ),
            # A coarse guard; clean() checks the host exactly (a prefix can hide userinfo).
            models.CheckConstraint(
                condition=Q(url__startswith="https://")
                | Q(url__startswith="http://127.0.0.1")
                | Q(url__startswith="http://localhost")
                | Q(url__startswith="http://[::1]"),
                name="inbox_webhook_https",
            ),
            models.CheckConstraint(
                condition=~Q(platform=WebhookPlatform.WECOM) | Q(secret=""),
                name="inbox_webhook_wecom_unsigned",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        parts = urlsplit(self.url or "")
        if self.url and not (
            parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
        ):
            errors["url"] = _("The webhook URL must start with https://.")
        if self.platform == WebhookPlatform.WECOM and self.secret:
            errors["secret"] = _("WeCom robots have no signing; leave the secret empty.")
        if (
            self.department_id is not None
            and self.organization_id is not None
            and self.department.organization_id != self.organization_id
        ):
            errors["department"] = _("The department belongs to another organization.")
        if errors:
            raise ValidationError(errors)


class NotificationPreference(models.Model):
    """How a person wants their e-mail. Missing rows mean the defaults (e-mail at once, no
    quiet hours, no digest); a row is written when the person first saves the page."""

    person = models.OneToOneField(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    language = models.CharField(
        _("language of e-mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty for the site's language."),
    )
    email_enabled = models.BooleanField(
        _("e-mail me"),
        default=True,
        help_text=_("Items always appear in the inbox; this is about the e-mail copy."),
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest_enabled = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One e-mail a day listing the items, instead of one e-mail per item."),
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest time"), default=8, validators=[MaxValueValidator(23)]
    )
    # The local day of the last digest (a compare-and-set on it sends each day's digest
    # once) and the moment after which items go into the next digest.
    last_digest_on = models.DateField(null=True, blank=True, editable=False)
    digest_from = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="inbox_preference_digest_hour"
            ),
            models.CheckConstraint(
                condition=Q(quiet_start__isnull=True, quiet_end__isnull=True)
                | Q(quiet_start__isnull=False, quiet_end__isnull=False),
                name="inbox_preference_quiet_hours_pair",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def language_code(self) -> str:
        """The language this person's e-mails are written in."""
        return self.language or settings.LANGUAGE_CODE

    def clean(self):
        super().clean()
        errors = {}
        if (self.quiet_start is None) != (self.quiet_end is None):
            field = "quiet_end" if self.quiet_end is None else "quiet_start"
            errors[field] = _("Give both the start and the end of the quiet hours, or neither.")
        elif self.quiet_start is not None and self.quiet_start == self.quiet_end:
            errors["quiet_end"] = _("The quiet hours must end at another time than they start.")
        if self.digest_enabled and not self.email_enabled:
            errors["digest_enabled"] = _("A daily digest is an e-mail: turn e-mail on for it.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_quiet_hours(self) -> bool:
        return (
            self.quiet_start is not None
            and self.quiet_end is not None
            and self.quiet_start != self.quiet_end
        )

    def quiet_until(self, now: datetime.datetime) -> datetime.datetime | None:
        """When the quiet hours around `now` end (an aware datetime), or None when `now` is
        not in quiet hours. Hours may span midnight (22:00–07:00); local time."""
        if not self.has_quiet_hours:
            return None
        local = timezone.localtime(now)
        at = local.time().replace(tzinfo=None)
        start, end = self.quiet_start, self.quiet_end
        if start < end:
            if not start <= at < end:
                return None
            day = local.date()
        elif at >= start:
            day = local.date() + datetime.timedelta(days=1)
        elif at < end:
            day = local.date()
        else:
            return None
        naive = datetime.datetime.combine(day, end)
        return timezone.make_aware(naive, timezone.get_current_timezone())


class DeliveryKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Group robot")


class DeliveryState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("delivery", "Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    """One e-mail or one group-robot message to send: the outbox. Written in the same
    transaction as the notifications, sent afterwards by a task, retried with backoff.
    The payload is the finished text, so sending needs nothing else."""

    kind = models.CharField(_("kind"), max_length=10, choices=DeliveryKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        help_text=_("Empty for a daily digest."),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        Person,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    address = models.EmailField(_("e-mail address"), blank=True)
    channel = models.ForeignKey(
        WebhookChannel,
        verbose_name=_("group robot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    payload = models.JSONField(_("payload"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep's question: which pending rows are due? Sent rows stay out of it.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="inbox_delivery_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=DeliveryKind.values), name="inbox_delivery_kind"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="inbox_delivery_state"
            ),
            models.CheckConstraint(
                condition=Q(kind=DeliveryKind.EMAIL, channel__isnull=True) & ~Q(address="")
                | Q(kind=DeliveryKind.WEBHOOK, channel__isnull=False, address=""),
                name="inbox_delivery_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.address or self.channel}"

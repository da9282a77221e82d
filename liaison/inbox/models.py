"""The in-app inbox: one item per thing that asks something of a person (or tells them
what happened to their matter), with read state. E-mail carries the same items."""

from urllib.parse import urlsplit

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Department, Organization, Person


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

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="inbox_recipient_unread"),
        ]

    def __str__(self) -> str:
        return self.title


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

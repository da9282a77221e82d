"""The in-app inbox: one item per thing that asks something of a person (or tells them
what happened to their matter), with read state. E-mail carries the same items."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Person


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

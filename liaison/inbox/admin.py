"""Notifications and their deliveries in the admin, read-only: they are written by the
services that notify. Group robots and people's preferences are edited here."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.admin import ReadOnlyMixin

from . import services
from .models import Delivery, Notification, NotificationPreference, WebhookChannel
from .webhooks import Message, Outcome, deliver


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "recipient", "ask", "urgent", "title", "read_at"]
    list_filter = ["ask", "urgent", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "detail", "recipient__name", "recipient__employee_number"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    fields = [
        "recipient",
        "ask",
        "title",
        "detail",
        "url",
        "content_type",
        "object_id",
        "urgent",
        "created_at",
        "read_at",
    ]


@admin.register(WebhookChannel)
class WebhookChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "department", "platform", "is_active"]
    list_filter = ["platform", "is_active", "organization"]
    search_fields = ["name", "department__name"]
    list_select_related = ["organization", "department"]
    fields = ["organization", "department", "platform", "name", "url", "secret", "is_active"]
    actions = ["send_test_message"]
    # Robot URLs are https; a scheme-less paste should not become http.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=gettext_lazy("Send a test message"))
    def send_test_message(self, request, queryset):
        message = Message(
            title=_("Liaison test message"),
            text=_("If this appears in the group chat, the robot is set up correctly."),
            url=request.build_absolute_uri("/"),
        )
        for channel in queryset:
            result = deliver(channel, message)
            if result.ok:
                self.message_user(
                    request, _("%(name)s: test message sent.") % {"name": channel}, messages.SUCCESS
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s: not sent (%(problem)s).")
                    % {"name": channel, "problem": _describe(result)},
                    messages.ERROR,
                )


def _describe(result) -> str:
    """The failure in an administrator's words; the platform's own message is kept as is
    because its code is what their documentation is searched by."""
    if result.outcome == Outcome.TIMEOUT:
        return _("no answer in time; try again later")
    if result.outcome == Outcome.CONNECTION_ERROR:
        return _("could not connect: %(detail)s") % {"detail": result.detail}
    if result.outcome == Outcome.BAD_RESPONSE:
        return _("the address answered, but not like a group robot; check the URL")
    if result.code is not None:
        return _("error %(code)s: %(detail)s") % {"code": result.code, "detail": result.detail}
    return _("HTTP status %(status)s") % {"status": result.status}


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The outbox: what was sent, what waits for a retry, what was given up."""

    list_display = [
        "created_at",
        "kind",
        "state",
        "target",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
    ]
    list_filter = ["state", "kind"]
    search_fields = ["address", "recipient__name", "channel__name", "last_error"]
    list_select_related = ["recipient", "channel"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "state",
        "notification",
        "recipient",
        "address",
        "channel",
        "payload",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["retry_now"]

    @admin.display(description=gettext_lazy("to"))
    def target(self, obj):
        return obj.address or obj.channel

    @admin.display(description=gettext_lazy("last error"))
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description=gettext_lazy("Retry now"))
    def retry_now(self, request, queryset):
        count = services.retry_now(queryset)
        if count:
            self.message_user(
                request,
                _("%(count)d deliveries queued to be sent now.") % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Nothing to retry: they were sent."), messages.WARNING)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "email_enabled",
        "quiet_start",
        "quiet_end",
        "digest_enabled",
        "digest_hour",
        "last_digest_on",
    ]
    list_filter = ["email_enabled", "digest_enabled"]
    search_fields = ["person__name", "person__employee_number"]
    list_select_related = ["person"]
    raw_id_fields = ["person"]
    fields = [
        "person",
        "email_enabled",
        "quiet_start",
        "quiet_end",
        "digest_enabled",
        "digest_hour",
        "last_digest_on",
    ]
    readonly_fields = ["last_digest_on"]

    def save_model(self, request, obj, form, change):
        services.save_preferences(obj)

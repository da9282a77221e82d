from django.contrib import admin

from .models import AuditEvent


class ReadOnlyMixin:
    """View only: no adding, changing or deleting (records written by the services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The audit trail, read-only: events are never changed or deleted."""

    list_display = ["at", "actor", "action", "target_repr", "organization"]
    list_filter = ["action", "organization"]
    search_fields = ["target_repr", "actor__username", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "actor",
        "organization",
        "action",
        "content_type",
        "object_id",
        "target_repr",
        "data",
    ]

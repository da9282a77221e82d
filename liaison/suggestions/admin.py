from django.contrib import admin

from liaison.core.admin import ReadOnlyMixin

from .models import Suggestion, SuggestionEvent


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = SuggestionEvent
    fields = ["at", "type", "actor", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Letters, read-only: the office answers them on their pages. The code's hash is
    not shown (it is of no use to anyone)."""

    list_display = ["subject", "kind", "mailbox", "status", "anonymous", "published", "created_at"]
    list_filter = ["organization", "mailbox", "kind", "status", "anonymous", "published"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    exclude = ["code_hash"]
    readonly_fields = [
        "organization",
        "mailbox",
        "kind",
        "subject",
        "body",
        "department",
        "anonymous",
        "writer",
        "writer_name",
        "writer_contact",
        "channel",
        "created_at",
        "status",
        "reply",
        "replied_by",
        "replied_at",
        "matter",
        "routed_by",
        "routed_at",
        "published",
        "published_by",
        "published_at",
    ]
    inlines = [EventInline]

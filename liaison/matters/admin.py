"""Matters in the admin: kinds, categories and time limits are configuration and edited
here; matters themselves change only through the service functions (pages, API), so the
admin shows them read-only, with their timeline, co-organizers and attachments."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from liaison.core.admin import ReadOnlyMixin

from .models import (
    Attachment,
    Category,
    CoOrganizer,
    ExtensionRequest,
    Matter,
    MatterEvent,
    MatterKind,
    MatterSettings,
)


@admin.register(MatterKind)
class MatterKindAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "number_prefix",
        "default_days",
        "raised_by",
        "is_active",
        "sort_order",
        "organization",
    ]
    list_editable = ["raised_by", "is_active", "sort_order"]
    list_filter = ["organization", "raised_by", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    autocomplete_fields = ["organization"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]
    search_fields = ["name"]
    autocomplete_fields = ["organization"]


@admin.register(MatterSettings)
class MatterSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "organization",
        "dispatch_hours",
        "confirm_hours",
        "escalation_hours",
        "archive_after_days",
    ]
    autocomplete_fields = ["organization"]


class MatterEventInline(ReadOnlyMixin, admin.TabularInline):
    model = MatterEvent
    extra = 0
    can_delete = False
    fields = [
        "at",
        "type",
        "actor",
        "actor_department",
        "from_state",
        "to_state",
        "owner_department",
        "reason",
        "text",
        "is_internal",
    ]
    readonly_fields = fields
    ordering = ["at", "pk"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("actor", "actor_department", "owner_department")
        )


class CoOrganizerInline(ReadOnlyMixin, admin.TabularInline):
    model = CoOrganizer
    extra = 0
    can_delete = False
    fields = ["department", "contributed_by", "contributed_at", "text"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    model = Attachment
    extra = 0
    can_delete = False
    fields = ["original_name", "file_size", "content_type", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("size"))
    def file_size(self, attachment):
        return filesizeformat(attachment.size)


class ExtensionInline(ReadOnlyMixin, admin.TabularInline):
    model = ExtensionRequest
    extra = 0
    can_delete = False
    fields = [
        "created_at",
        "requested_by",
        "proposed_due",
        "previous_due",
        "reason",
        "state",
        "decided_by",
        "decided_at",
        "decision_reason",
    ]
    readonly_fields = fields


@admin.register(Matter)
class MatterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: every change to a matter goes through the services (with its timeline
    event and notifications); the admin is for looking things up."""

    list_display = [
        "number",
        "title",
        "kind",
        "state",
        "urgency",
        "originator_department",
        "lead_department",
        "owner_department",
        "next_deadline",
        "created_at",
    ]
    list_filter = ["organization", "state", "kind", "urgency", "escalation_level"]
    search_fields = ["number", "title", "description"]
    date_hierarchy = "created_at"
    list_select_related = [
        "kind",
        "originator_department",
        "lead_department",
        "owner_department",
    ]
    show_full_result_count = False
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organization",
                    "number",
                    "title",
                    "description",
                    "kind",
                    "urgency",
                    "categories",
                    "state",
                    "resolution",
                ]
            },
        ),
        (
            _("People and departments"),
            {
                "fields": [
                    "originator",
                    "originator_department",
                    "relation",
                    "lead_department",
                    "owner_department",
                    "responsible_person",
                    "dispatcher",
                    "dispatcher_department",
                    "escalation_level",
                ]
            },
        ),
        (
            _("Dates and deadlines"),
            {
                "fields": [
                    "due",
                    "next_deadline",
                    "created_at",
                    "submitted_at",
                    "replied_at",
                    "closed_at",
                    "updated_at",
                ]
            },
        ),
        (
            _("Outcome"),
            {
                "fields": [
                    "rating",
                    "rating_comment",
                    "return_count",
                    "transfer_count",
                    "reopen_count",
                ]
            },
        ),
    ]
    inlines = [CoOrganizerInline, ExtensionInline, AttachmentInline, MatterEventInline]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["matter", "requested_by", "proposed_due", "state", "decided_by", "created_at"]
    list_filter = ["state"]
    search_fields = ["matter__number", "matter__title", "reason"]
    list_select_related = ["matter", "requested_by", "decided_by"]

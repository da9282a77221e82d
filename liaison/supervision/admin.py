"""Supervisions in the admin, read-only: they change only through the services (pages,
API), which also write the matter's timeline and notify."""

from django.contrib import admin

from liaison.matters.admin import ReadOnlyMixin

from .models import Rectification, Supervision, Urge


class UrgeInline(ReadOnlyMixin, admin.TabularInline):
    model = Urge
    fields = ["sequence", "by", "at", "note"]
    readonly_fields = fields
    extra = 0


class RectificationInline(ReadOnlyMixin, admin.TabularInline):
    model = Rectification
    fields = [
        "state",
        "measures",
        "evidence",
        "completion_date",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "review_reason",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "matter",
        "supervisor",
        "supervising_department",
        "deadline",
        "rectification_required",
        "is_active",
        "created_at",
        "ended_at",
    ]
    list_filter = ["is_active", "rectification_required", "matter__organization"]
    search_fields = ["matter__number", "matter__title", "reason"]
    list_select_related = ["matter", "supervisor", "supervising_department"]
    date_hierarchy = "created_at"
    inlines = [UrgeInline, RectificationInline]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["supervision", "state", "submitted_by", "submitted_at", "reviewed_by"]
    list_filter = ["state"]
    search_fields = ["supervision__matter__number", "measures"]
    list_select_related = ["supervision__matter", "submitted_by", "reviewed_by"]

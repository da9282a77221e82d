"""Communication plans in the admin, read-only: projects, their registers, plans,
distributions and history change only through the services (pages, API, sweep), which
record every change and tell the people concerned."""

from django.contrib import admin

from liaison.core.admin import ReadOnlyMixin

from .models import Distribution, PlanEvent, PlanRow, Project, Stakeholder


class StakeholderInline(ReadOnlyMixin, admin.TabularInline):
    model = Stakeholder
    fields = [
        "person",
        "department",
        "external_name",
        "external_unit",
        "layer",
        "influence",
        "interest",
        "information_needs",
        "preferred_channel",
    ]
    readonly_fields = fields
    extra = 0


class RowInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanRow
    fields = ["information", "rule", "due_time", "channel", "owner", "is_active", "next_due_at"]
    readonly_fields = fields
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = PlanEvent
    fields = ["at", "type", "actor", "summary", "distribution", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(Project)
class ProjectAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "owner_department", "manager", "start_date", "end_date", "is_active"]
    list_filter = ["is_active", "organization"]
    search_fields = ["name", "owner_department__name", "manager__name"]
    list_select_related = ["owner_department", "manager"]
    inlines = [StakeholderInline, RowInline, EventInline]


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["row", "due_at", "owner", "state", "sent_at", "sent_by"]
    list_filter = ["state", "row__project__organization"]
    search_fields = ["row__information", "row__project__name", "owner__name", "note"]
    list_select_related = ["row", "owner", "sent_by"]
    date_hierarchy = "due_at"

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    CoordinationGroup,
    Department,
    GroupMembership,
    LeaderInCharge,
    Organization,
    Person,
    Position,
)

admin.site.site_header = _("Liaison administration")
admin.site.site_title = _("Liaison")
admin.site.index_title = _("Administration")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "coordinating_department", "supervision_department"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["coordinating_department", "supervision_department"]


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["person", "department"]


class LeaderInChargeInline(admin.TabularInline):
    model = LeaderInCharge
    fk_name = "department"
    extra = 0
    autocomplete_fields = ["leader"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "is_active", "phone"]
    list_filter = ["organization", "kind", "is_active"]
    search_fields = ["code", "name", "short_name", "name_initials", "name_pinyin"]
    autocomplete_fields = ["parent"]
    inlines = [PositionInline, LeaderInChargeInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "name", "title", "phone", "email", "is_active"]
    list_filter = ["organization", "is_active"]
    search_fields = ["employee_number", "name", "name_initials", "name_pinyin", "phone"]
    autocomplete_fields = ["user"]
    inlines = [PositionInline]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["department", "person", "role", "start", "end"]
    list_filter = ["role", "department__kind"]
    search_fields = ["person__name", "department__name", "person__employee_number"]
    autocomplete_fields = ["person", "department"]
    date_hierarchy = "start"


@admin.register(LeaderInCharge)
class LeaderInChargeAdmin(admin.ModelAdmin):
    list_display = ["department", "leader", "start", "end"]
    search_fields = ["leader__name", "department__name"]
    autocomplete_fields = ["leader", "department"]


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(CoordinationGroup)
class CoordinationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "office_department", "is_leading_group", "is_active"]
    list_filter = ["organization", "is_leading_group", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["office_department"]
    inlines = [GroupMembershipInline]

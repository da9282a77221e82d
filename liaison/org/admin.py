import io

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
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
from .services import today
from .transfer import import_organization, write_xlsx

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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single_clean = super().clean
        if isinstance(data, list | tuple) and data:
            return [single_clean(item, initial) for item in data]
        return [single_clean(data or None, initial)]


def _too_large_message():
    return _("The upload is too large: at most %(size)s.") % {
        "size": filesizeformat(settings.ORG_IMPORT_MAX_BYTES)
    }


class OrganizationImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), label=capfirst(_("organization"))
    )
    files = MultipleFileField(
        label=_("Files"),
        help_text=_("One XLSX workbook with the sheets 科室 and 人员, or one CSV file per sheet."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = list(Organization.objects.all()[:2])
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0]
            self.fields["organization"].widget = forms.HiddenInput()

    def clean_files(self):
        files = self.cleaned_data["files"]
        if sum(f.size for f in files) > settings.ORG_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_too_large_message())
        return files


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "parent", "is_active", "phone"]
    list_filter = ["organization", "kind", "is_active"]
    search_fields = ["code", "name", "short_name", "name_initials", "name_pinyin"]
    autocomplete_fields = ["parent"]
    inlines = [PositionInline, LeaderInChargeInline]
    import_label = _("Import")
    export_label = _("Export")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        can_export = request.user.has_perm("org.export_org")
        organizations = list(Organization.objects.all()) if can_export else []
        context = {
            "can_import_org": request.user.has_perm("org.import_org"),
            "import_label": self.import_label,
            "export_links": [
                (
                    organization.code,
                    self.export_label
                    if len(organizations) == 1
                    else f"{self.export_label} · {organization.name}",
                )
                for organization in organizations
            ],
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def _changelist_url(self):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )

    def import_view(self, request):
        if not request.user.has_perm("org.import_org"):
            raise PermissionDenied
        result = None
        if not Organization.objects.exists():
            self.message_user(
                request,
                _("Create the organization first (Organizations → Add), then import into it."),
                messages.WARNING,
            )
            return redirect("admin:org_organization_add")
        if request.method == "POST":
            # Refuse a far too large body before parsing it (64 KiB for the form around it).
            length = request.META.get("CONTENT_LENGTH") or "0"
            if length.isdigit() and int(length) > settings.ORG_IMPORT_MAX_BYTES + 65536:
                form = OrganizationImportForm()
                form.add_error(None, _too_large_message())
            else:
                form = OrganizationImportForm(request.POST, request.FILES)
                if form.is_valid():
                    result = import_organization(
                        form.cleaned_data["organization"],
                        [(f.name, f) for f in form.cleaned_data["files"]],
                        actor=request.user,
                    )
                    if result.ok:
                        self.message_user(request, result.summary(), messages.SUCCESS)
                        return redirect(self._changelist_url())
        else:
            form = OrganizationImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import organization"),
            "form": form,
            "result": result,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/org/department/import.html", context)

    def export_view(self, request):
        if not request.user.has_perm("org.export_org"):
            raise PermissionDenied
        code = request.GET.get("organization")
        if code:
            organization = get_object_or_404(Organization, code=code)
        else:
            organizations = list(Organization.objects.all()[:2])
            if len(organizations) != 1:
                self.message_user(request, _("Choose an organization to export."), messages.WARNING)
                return redirect(self._changelist_url())
            organization = organizations[0]
        buffer = io.BytesIO()
        write_xlsx(organization, buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"org-{organization.code}-{today():%Y%m%d}.xlsx"
        )
        return response


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

"""Calendars and holidays are configuration, edited here. The import page loads a year
from a CSV or ICS file, or from the bundled holiday library."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.org.models import Organization

from .models import WEEKDAY_FIELDS, CalendarDay, WorkCalendar, WorkPeriod
from .services import import_calendar_days, load_library_year, validate_periods


class WorkPeriodFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        periods = [
            (form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        validate_periods(periods, self.instance.around_the_clock)


class WorkPeriodInline(admin.TabularInline):
    model = WorkPeriod
    formset = WorkPeriodFormSet
    extra = 0


@admin.register(WorkCalendar)
class WorkCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "department", "around_the_clock", "hours"]
    list_filter = ["organization", "around_the_clock"]
    search_fields = ["name", "department__name"]
    autocomplete_fields = ["organization", "department"]
    fieldsets = [
        (None, {"fields": ["organization", "department", "name", "around_the_clock"]}),
        (gettext_lazy("Working weekdays"), {"fields": [tuple(WEEKDAY_FIELDS)]}),
    ]
    inlines = [WorkPeriodInline]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related("organization", "department").prefetch_related("periods")

    @admin.display(description=gettext_lazy("working periods"))
    def hours(self, obj):
        if obj.around_the_clock:
            return "24×7"
        return ", ".join(str(period) for period in obj.periods.all())


class CalendarImportForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organization"), queryset=Organization.objects.all()
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        required=False,
        help_text=gettext_lazy(
            "CSV with the columns date, kind, name (kind is holiday or workday), or an ICS "
            "calendar whose events are holidays (a summary containing 班 marks a working "
            "day). Dates in the file are added or corrected; other dates are kept."
        ),
    )
    year = forms.IntegerField(
        label=gettext_lazy("Or load the official year"),
        required=False,
        min_value=2004,
        max_value=2100,
        help_text=gettext_lazy("From the bundled Chinese holiday library, without a file."),
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == (data.get("year") is not None):
            raise ValidationError(_("Choose either a file or a year."))
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "kind", "organization"]
    list_filter = ["organization", "kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
    autocomplete_fields = ["organization"]

    def _can_import(self, request) -> bool:
        return request.user.has_perms(["worktime.add_calendarday", "worktime.change_calendarday"])

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="worktime_calendarday_import",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        context = {"can_import_days": self._can_import(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def import_view(self, request):
        if not self._can_import(request):
            raise PermissionDenied
        result = None
        if request.method == "POST":
            form = CalendarImportForm(request.POST, request.FILES)
            if form.is_valid():
                organization = form.cleaned_data["organization"]
                upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
                if upload:
                    result = import_calendar_days(organization, upload.name, upload.read())
                    if result.ok:
                        self.message_user(request, result.summary(), messages.SUCCESS)
                        return redirect(reverse("admin:worktime_calendarday_changelist"))
                elif load_library_year(organization, year):
                    self.message_user(
                        request,
                        _("The official holidays of %(year)d were loaded.") % {"year": year},
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:worktime_calendarday_changelist"))
                else:
                    form.add_error(
                        "year",
                        _(
                            "The holiday library has no data for %(year)d yet; "
                            "import it from a file."
                        )
                        % {"year": year},
                    )
        else:
            form = CalendarImportForm(initial={"year": timezone.localdate().year + 1})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import holidays"),
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/worktime/calendarday/import.html", context)

"""Evaluation in the admin: the settings, targets and weights are edited here; scorecards
are read-only (they are computations, changed only by running them again)."""

from django.contrib import admin

from liaison.core.admin import ReadOnlyMixin

from .models import EvaluationSettings, Scorecard, ScorecardLine, Target, Weight


@admin.register(EvaluationSettings)
class EvaluationSettingsAdmin(admin.ModelAdmin):
    list_display = ["organization", "minimum_sample", "notice_reading_days"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["organization", "indicator", "target"]
    list_filter = ["organization"]


@admin.register(Weight)
class WeightAdmin(admin.ModelAdmin):
    list_display = ["organization", "department_kind", "indicator", "weight"]
    list_filter = ["organization", "department_kind"]


class LineInline(ReadOnlyMixin, admin.TabularInline):
    model = ScorecardLine
    fields = ["department", "kind", "score", "units", "ranked", "rank", "reason", "standing"]
    readonly_fields = fields
    extra = 0


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["organization", "period", "state", "computed_by", "computed_at"]
    list_filter = ["organization", "state", "period"]
    list_select_related = ["organization", "computed_by"]
    inlines = [LineInline]

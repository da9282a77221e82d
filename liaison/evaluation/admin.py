"""Evaluation in the admin: the settings, targets and weights are edited here; scorecards
are read-only (they are computations, changed only by running them again)."""

from django.contrib import admin

from liaison.core.admin import ReadOnlyMixin

from .models import (
    Adjustment,
    Appeal,
    EvaluationSettings,
    Scorecard,
    ScorecardLine,
    Talk,
    Target,
    Weight,
)


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


# Appeals, their adjustments and the 约谈 talks: read-only, changed through the services.


@admin.register(Appeal)
class AppealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["scorecard", "department", "indicator", "matter", "state", "effect"]
    list_filter = ["state"]
    list_select_related = ["scorecard", "department", "matter"]


@admin.register(Adjustment)
class AdjustmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["period", "indicator", "department", "matter", "effect", "made_by", "made_at"]
    list_select_related = ["department", "matter", "made_by"]


@admin.register(Talk)
class TalkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["department", "earlier", "later", "matter"]
    list_select_related = ["department", "matter"]

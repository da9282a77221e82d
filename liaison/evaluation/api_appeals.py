"""Scorecard lifecycle and appeals API (designed for issue 19; the appeals path is the
contract's):

- POST /api/v1/scorecards/advance/             move a scorecard (id or period) to its next state
- GET  /api/v1/scorecards/appeals/?period=…    the period's appeals you may see
- POST /api/v1/scorecards/appeals/             file an appeal naming one record
- POST /api/v1/scorecards/appeals/{id}/decide/ accept (with its effect) or reject

Refusals as everywhere: `{"detail": …}` with 400, 403, 404 or 409.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import PersonAPIMixin, refusals
from liaison.core.errors import InvalidInput
from liaison.matters.models import Matter
from liaison.org.models import Department

from . import periods, policy, selectors, services
from .models import Appeal, AppealState, Effect, Scorecard, ScorecardState
from .services import appeals, lifecycle

TAGS = ["evaluation"]


class ScorecardAdvanceSerializer(serializers.Serializer):
    scorecard = serializers.IntegerField(required=False, help_text="scorecard id, or:")
    period = serializers.CharField(
        required=False, help_text="2026-Q4 or 2026-11: the period's latest computation"
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ScorecardStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    state = serializers.ChoiceField(choices=ScorecardState.choices)
    appeal_until = serializers.DateTimeField(
        allow_null=True, help_text="the end of the appeal window, once opened"
    )


class AppealInputSerializer(serializers.Serializer):
    scorecard = serializers.IntegerField(required=False, help_text="scorecard id, or:")
    period = serializers.CharField(required=False, help_text="2026-Q4 or 2026-11")
    department = serializers.CharField(help_text="department code")
    indicator = serializers.CharField(help_text="indicator code")
    matter = serializers.IntegerField(help_text="the record's matter id (from records/)")
    reason = serializers.CharField()


class AppealDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    effect = serializers.ChoiceField(
        choices=Effect.choices,
        required=False,
        default=Effect.MET,
        help_text="for an accepted appeal: the record counted as met, or excluded from the units",
    )
    reason = serializers.CharField()


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    scorecard = serializers.IntegerField(source="scorecard_id")
    period = serializers.CharField(source="scorecard.period")
    department = serializers.CharField(source="department.code")
    indicator = serializers.CharField()
    matter = serializers.IntegerField(source="matter_id")
    number = serializers.CharField(source="matter.number")
    reason = serializers.CharField()
    filed_by = serializers.CharField(source="filed_by.name")
    filed_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=AppealState.choices)
    effect = serializers.CharField(help_text="met or excluded when accepted; else empty")
    decided_by = serializers.CharField(source="decided_by.name", allow_null=True, default=None)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField(help_text="the reason of the decision")


def _state(scorecard: Scorecard) -> dict:
    return {
        "id": scorecard.pk,
        "period": scorecard.period,
        "state": scorecard.state,
        "appeal_until": lifecycle.appeal_until(scorecard),
    }


class AdvanceView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="Move a scorecard to its next state",
        description="draft → provisional (heads see their line) → appeal (open 5 working days) "
        "→ reviewed (by the office, not by who computed it; the window closed and every "
        "appeal decided) → final (the leading group; opens 约谈 matters for two periods in a "
        "row on the black list) → published (a notice to all departments, with receipts).",
        request=ScorecardAdvanceSerializer,
        responses=refusals({200: ScorecardStateSerializer}),
        tags=TAGS,
    )
    def post(self, request):
        data = self.valid(ScorecardAdvanceSerializer, request.data)
        scorecard = lifecycle.advance(
            _scorecard(self.person, data), self.person, reason=data["reason"]
        )
        return Response(ScorecardStateSerializer(_state(scorecard)).data)


def _scorecard(person, data: dict) -> Scorecard:
    if data.get("scorecard"):
        return get_object_or_404(Scorecard, pk=data["scorecard"], organization=person.organization)
    if not data.get("period"):
        raise InvalidInput(_("Name the scorecard or its period."), "period")
    period = periods.parse(data["period"])
    return services.scorecard_for(person.organization, period)


class AppealListView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="The period's appeals: all for the office and leaders, your departments' else "
        "(none for others)",
        parameters=[OpenApiParameter("period", str, description="default: this quarter")],
        responses=refusals({200: AppealSerializer(many=True)}),
        tags=TAGS,
    )
    def get(self, request):
        if not policy.may_see_scorecards(self.person):
            return Response([])  # none of them is theirs to see
        code = request.query_params.get("period")
        period = periods.parse(code) if code else periods.current()
        scorecard = selectors.latest_scorecard(self.person.organization, period.code)
        found = appeals.appeals_for(self.person, scorecard) if scorecard else []
        return Response(AppealSerializer(found, many=True).data)

    @extend_schema(
        summary="Appeal against one record of your department's figures (申诉)",
        description="While the scorecard is open for appeal, a department's head, deputy or "
        "liaison officer names one record (indicator and matter, as "
        "`/api/v1/scorecards/records/` lists them) and why it was counted wrongly.",
        request=AppealInputSerializer,
        responses=refusals({201: AppealSerializer}),
        tags=TAGS,
    )
    def post(self, request):
        data = self.valid(AppealInputSerializer, request.data)
        scorecard = _scorecard(self.person, data)
        organization = self.person.organization
        department = Department.objects.filter(
            organization=organization, code=data["department"]
        ).first()
        if department is None:
            raise InvalidInput(_("No department with that code."), "department")
        matter = Matter.objects.filter(organization=organization, pk=data["matter"]).first()
        appeal = appeals.file_appeal(
            scorecard,
            self.person,
            appeals.AppealInput(department, data["indicator"], matter, data["reason"]),
        )
        return Response(AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)


class DecideView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="Accept or reject an appeal (the coordinating office, not the appellant)",
        description="An accepted appeal adjusts its record (`effect`) and the scorecard is "
        "recomputed with it; scores are never edited by hand.",
        request=AppealDecisionSerializer,
        responses=refusals({200: AppealSerializer}),
        tags=TAGS,
    )
    def post(self, request, pk: int):
        appeal = get_object_or_404(Appeal, pk=pk, scorecard__organization=self.person.organization)
        data = self.valid(AppealDecisionSerializer, request.data)
        appeal = appeals.decide_appeal(
            appeal, self.person, accept=data["accept"], reason=data["reason"], effect=data["effect"]
        )
        return Response(AppealSerializer(appeal).data)


urlpatterns = [
    path("scorecards/advance/", AdvanceView.as_view(), name="api-scorecard-advance"),
    path("scorecards/appeals/", AppealListView.as_view(), name="api-scorecard-appeals"),
    path(
        "scorecards/appeals/<int:pk>/decide/",
        DecideView.as_view(),
        name="api-scorecard-appeal-decide",
    ),
]

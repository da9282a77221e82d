"""Evaluation API (the paths and names are a contract, issue 19):

- GET  /api/v1/indicators/                 the indicator catalogue with the targets in force
- GET  /api/v1/scorecards/?period=2026-Q4  a period's scorecard (a quarter, or a month such
  as 2026-11; the running quarter when left out), computed on demand when never computed
- POST /api/v1/scorecards/                 compute the period again (the coordinating office)
- GET  /api/v1/scorecards/records/?period=…&department=CODE&indicator=CODE  the records
  behind a figure: as many as its denominator, `counted` ones its numerator

Who sees what is policy.py's: everything for the coordinating office and leaders, their
department's line for its head, deputy or liaison officer, nothing (403) for others.
Refusals as everywhere: `{"detail": …}` with 400, 403 or 409.
"""

from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.core.errors import InvalidInput, NotAllowed
from liaison.core.indicators import catalogue, indicator
from liaison.org.models import Department

from . import periods, policy, selectors, services
from .models import Scorecard
from .serializers import (
    ComputeSerializer,
    IndicatorSerializer,
    RecordSerializer,
    ScorecardSerializer,
)

TAGS = ["evaluation"]
PERIOD = OpenApiParameter(
    "period", str, description="a quarter (2026-Q4) or a month (2026-11); default: this quarter"
)
SCORING = """The latest computation of the period; computed on demand when the period was
never computed. The coordinating office and leaders see every department, a department's
head, deputy or liaison officer sees its line only.

Scoring: a rate scores 100 × its value (100 × (1 − value) when lower is better); a count
scores by bands (lower is better: 0 → 100, 1–2 → 80, 3–5 → 60, 6–10 → 40, more → 20).
A department's score is Σ weight × indicator score ÷ Σ weight over the indicators that
have a value (an indicator with no units neither helps nor hurts). Its `units` (n) are the
largest denominator of its rate indicators: without units it has no score, below the
minimum sample it is not ranked (`reason`). Ranks are within a department kind: score
descending, then n descending, then department code; `standing` is `red` for the first
five, `black` for the last five (never both)."""
REFUSED = {
    400: ErrorSerializer,
    403: ErrorSerializer,
}


def _period(code: str | None):
    return periods.parse(code) if code else periods.current()


def _refuse_unless_may_see(person) -> None:
    if not policy.may_see_scorecards(person):
        raise NotAllowed(_("You may not see scorecards."))


def _answer(person, scorecard: Scorecard, code: int = status.HTTP_200_OK) -> Response:
    departments = [
        {
            "department": line.department.code,
            "name": line.department.name,
            "kind": line.kind,
            "score": line.score,
            "rank": line.rank,
            "ranked": line.ranked,
            "reason": line.get_reason_display() if line.reason else "",
            "units": line.units,
            "standing": line.standing,
            "indicators": line.values,
            "trend": line.trend,
        }
        for line in selectors.lines_for(person, scorecard)
    ]
    data = {
        "period": scorecard.period,
        "start": scorecard.start,
        "end": scorecard.end,
        "computed_at": scorecard.computed_at,
        "state": scorecard.state,
        "minimum_sample": scorecard.minimum_sample,
        "weights": scorecard.weights,
        "departments": departments,
    }
    return Response(ScorecardSerializer(data).data, status=code)


class IndicatorListView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="The indicators (考核指标): definitions, direction and the targets in force",
        responses={200: IndicatorSerializer(many=True)},
        tags=TAGS,
    )
    def get(self, request):
        targets = selectors.targets_of(self.person.organization)
        rows = [
            {
                "code": i.code,
                "name": str(i.name),
                "definition": str(i.definition),
                "direction": str(i.direction),
                "measure": str(i.measure),
                "target": targets.get(i.code),
            }
            for i in catalogue()
        ]
        return Response(IndicatorSerializer(rows, many=True).data)


class ScorecardView(PersonAPIMixin, APIView):
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        summary="A period's scorecard: each visible department's score, rank and figures",
        description=SCORING,
        parameters=[PERIOD],
        responses={200: ScorecardSerializer, **REFUSED},
        tags=TAGS,
    )
    def get(self, request):
        _refuse_unless_may_see(self.person)
        period = _period(request.query_params.get("period"))
        return _answer(self.person, services.scorecard_for(self.person.organization, period))

    @extend_schema(
        summary="Compute the period again with the weights and targets in force now",
        request=ComputeSerializer,
        responses=refusals({201: ScorecardSerializer}),
        tags=TAGS,
    )
    def post(self, request):
        period = periods.parse(self.valid(ComputeSerializer, request.data)["period"])
        scorecard = services.compute(self.person.organization, period, self.person)
        return _answer(self.person, scorecard, status.HTTP_201_CREATED)


class ScorecardRecordsView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="The records behind a department's figure (the drill-down)",
        description="Every unit of the denominator, `counted` when it is in the numerator, "
        "over the span the period's latest scorecard counted. The count is always exact; a "
        "record whose matter you may not see keeps its times but shows no matter id and no "
        "number (the same visibility as everywhere in Liaison).",
        parameters=[
            PERIOD,
            OpenApiParameter("department", str, required=True, description="department code"),
            OpenApiParameter("indicator", str, required=True, description="indicator code"),
        ],
        responses={200: RecordSerializer(many=True), **REFUSED},
        tags=TAGS,
    )
    def get(self, request):
        _refuse_unless_may_see(self.person)
        params = request.query_params
        organization = self.person.organization
        found = indicator(params.get("indicator", ""))
        if found is None:
            raise InvalidInput(_("No indicator with that code."), "indicator")
        department = Department.objects.filter(
            organization=organization, code=params.get("department", "")
        ).first()
        if department is None:
            raise InvalidInput(_("No department with that code."), "department")
        if not policy.may_see_line(self.person, department.pk):
            raise NotAllowed(_("You may not see this department's scorecard."))
        period = _period(params.get("period"))
        scorecard = selectors.latest_scorecard(organization, period.code)
        if scorecard is not None:
            if not policy.may_see_line(self.person, department.pk, scorecard):
                raise NotAllowed(_("This scorecard is not yet shown to the departments."))
            period = selectors.period_of(scorecard)
        rows = selectors.records_for(self.person, period, department, found)
        return Response(RecordSerializer(rows, many=True).data)


urlpatterns = [
    path("indicators/", IndicatorListView.as_view(), name="api-indicators"),
    path("scorecards/", ScorecardView.as_view(), name="api-scorecards"),
    path("scorecards/records/", ScorecardRecordsView.as_view(), name="api-scorecard-records"),
]

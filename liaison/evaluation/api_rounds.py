"""Peer evaluation (三评) API:

- GET  /api/v1/evaluation-rounds/            the rounds (whoever may see scorecards; others
  get an empty list)
- POST /api/v1/evaluation-rounds/            open a quarter's round {"period": "2026-Q4"}
  (the coordinating office)
- GET  /api/v1/evaluation-rounds/{id}/       a round with its progress: per evaluated
  department asked, answered and the peer score (null below 5 answers); the office sees
  every department and, for audit, who rated; a department's head, deputy or liaison
  officer sees their own department's row only, never its raters
- POST /api/v1/evaluation-rounds/{id}/codes/ the office issues an external rater's codes
  {"rater": "…", "departments": ["XXK", …]}: shown this once
- GET  /api/v1/evaluation-rounds/{id}/ballots/  the signed-in rater's ballots (due and done)
- POST /api/v1/evaluation-rounds/{id}/ballots/  answer one {"ballot": id, "overall": 80, …}
- POST /api/v1/evaluation-rounds/ballots/by-code/  an external rater's answer, no login,
  the code in the body; limited per client like the suggestions' codes

Refusals as everywhere: `{"detail": …}` with 400, 403, 404 or 409.
"""

from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.core.auth import ClientAddress
from liaison.core.errors import NotAllowed, ServiceError
from liaison.org.models import Department
from liaison.suggestions import privacy

from . import policy
from .models import PeerRound, Satisfaction
from .services import rounds

TAGS = ["evaluation"]


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.CharField()
    opens = serializers.DateTimeField()
    closes = serializers.DateTimeField()
    state = serializers.CharField()


class ProgressSerializer(serializers.Serializer):
    department = serializers.CharField(help_text="the evaluated department's code")
    name = serializers.CharField()
    asked = serializers.IntegerField()
    answered = serializers.IntegerField()
    ranked = serializers.BooleanField(help_text="false below 5 answers (样本不足)")
    score = serializers.FloatField(allow_null=True, help_text="mean of the overall item")
    raters = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="who answered (department codes or external raters): the office only",
    )


class RoundDetailSerializer(RoundSerializer):
    progress = ProgressSerializer(many=True)


class OpenSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="a quarter, 2026-Q4")


class CodesInputSerializer(serializers.Serializer):
    rater = serializers.CharField(max_length=100)
    departments = serializers.ListField(child=serializers.CharField(), min_length=1)


class CodeSerializer(serializers.Serializer):
    department = serializers.CharField()
    code = serializers.CharField()


class AnswersSerializer(serializers.Serializer):
    overall = serializers.ChoiceField(choices=Satisfaction.choices)
    attitude = serializers.ChoiceField(choices=Satisfaction.choices)
    efficiency = serializers.ChoiceField(choices=Satisfaction.choices)
    quality = serializers.ChoiceField(choices=Satisfaction.choices)
    cooperation = serializers.ChoiceField(choices=Satisfaction.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, help_text="required at 40 (不满意) or below"
    )


class BallotInputSerializer(AnswersSerializer):
    ballot = serializers.IntegerField()


class ByCodeInputSerializer(AnswersSerializer):
    code = serializers.CharField(max_length=20)


class BallotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    department = serializers.CharField(source="evaluated.code")
    name = serializers.CharField(source="evaluated.name")
    rater_department = serializers.CharField(source="rater_department.code")
    answered_at = serializers.DateTimeField(allow_null=True)
    overall = serializers.IntegerField(allow_null=True)
    attitude = serializers.IntegerField(allow_null=True)
    efficiency = serializers.IntegerField(allow_null=True)
    quality = serializers.IntegerField(allow_null=True)
    cooperation = serializers.IntegerField(allow_null=True)
    comment = serializers.CharField()


def _round(request, person, pk: int) -> PeerRound:
    if not policy.may_see_round(person):
        raise NotAllowed(_("You may not see peer evaluation rounds."))
    return get_object_or_404(PeerRound, pk=pk, organization=person.organization)


def progress_rows(peer_round: PeerRound, person) -> list[dict]:
    """The rows this person may see; raters for the office only."""
    every = policy.sees_every_department(person)
    own = policy.own_departments(person)
    raters = policy.may_see_raters(person)
    rows = []
    for row in rounds.progress(peer_round):
        department = row["department"]
        if not every and department.pk not in own:
            continue
        shown = {**row, "department": department.code, "name": department.name}
        if raters:
            shown["raters"] = [
                b.rater_department.code if b.rater_department else b.rater_label
                for b in peer_round.ballots.filter(
                    evaluated=department, answered_at__isnull=False
                ).select_related("rater_department")
            ]
        rows.append(shown)
    return rows


class RoundListView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="Peer evaluation rounds",
        responses=refusals({200: RoundSerializer(many=True)}),
        tags=TAGS,
    )
    def get(self, request):
        # Those who may see no round see an empty list (not a refusal), like other lists.
        found = PeerRound.objects.filter(organization=self.person.organization)
        if not policy.may_see_round(self.person):
            found = found.none()
        return Response(RoundSerializer(found, many=True).data)

    @extend_schema(
        summary="Open a quarter's peer evaluation round",
        request=OpenSerializer,
        responses=refusals({201: RoundDetailSerializer}),
        tags=TAGS,
    )
    def post(self, request):
        data = _valid(OpenSerializer, request)
        peer_round = rounds.open_round(self.person.organization, data["period"], self.person)
        return Response(_detail(peer_round, self.person), status=status.HTTP_201_CREATED)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _detail(peer_round: PeerRound, person) -> dict:
    return {
        **RoundSerializer(peer_round).data,
        "progress": ProgressSerializer(progress_rows(peer_round, person), many=True).data,
    }


class RoundDetailView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="A round and its progress",
        responses=refusals({200: RoundDetailSerializer}),
        tags=TAGS,
    )
    def get(self, request, pk):
        return Response(_detail(_round(request, self.person, pk), self.person))


class CodesView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="Issue an external rater's single-use codes (shown this once)",
        request=CodesInputSerializer,
        responses=refusals({201: CodeSerializer(many=True)}),
        tags=TAGS,
    )
    def post(self, request, pk):
        peer_round = get_object_or_404(PeerRound, pk=pk, organization=self.person.organization)
        data = _valid(CodesInputSerializer, request)
        found = Department.objects.filter(
            organization=self.person.organization, code__in=data["departments"]
        )
        if len(found) != len(set(data["departments"])):
            raise serializers.ValidationError({"departments": _("No department with that code.")})
        issued = rounds.issue_codes(peer_round, self.person, data["rater"], list(found))
        return Response(
            [{"department": d.code, "code": code} for d, code in issued],
            status=status.HTTP_201_CREATED,
        )


class BallotsView(PersonAPIMixin, APIView):
    @extend_schema(
        summary="My department's ballots in the round",
        responses=refusals({200: BallotSerializer(many=True)}),
        tags=TAGS,
    )
    def get(self, request, pk):
        peer_round = get_object_or_404(PeerRound, pk=pk, organization=self.person.organization)
        return Response(BallotSerializer(mine(peer_round, self.person), many=True).data)

    @extend_schema(
        summary="Answer one of my department's ballots",
        request=BallotInputSerializer,
        responses=refusals({200: BallotSerializer}),
        tags=TAGS,
    )
    def post(self, request, pk):
        peer_round = get_object_or_404(PeerRound, pk=pk, organization=self.person.organization)
        data = _valid(BallotInputSerializer, request)
        ballot = get_object_or_404(mine(peer_round, self.person), pk=data.pop("ballot"))
        return Response(BallotSerializer(rounds.answer(ballot, self.person, data)).data)


def mine(peer_round: PeerRound, person):
    return peer_round.ballots.filter(
        rater_department__in=policy.own_departments(person)
    ).select_related("evaluated", "rater_department")


class CodeThrottle(ClientAddress, SimpleRateThrottle):
    """Answers by code per client, counted under a keyed hash of the address."""

    scope = "peer-code"
    rate = "30/hour"

    def get_cache_key(self, request, view):
        digest = salted_hmac(
            "liaison.evaluation.throttle", self.get_ident(request), algorithm="sha256"
        )
        return self.cache_format % {"scope": self.scope, "ident": digest.hexdigest()[:32]}


class ByCodeView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [CodeThrottle]

    @extend_schema(
        summary="An external rater's answer with their code (no login)",
        request=ByCodeInputSerializer,
        responses=refusals(
            {
                201: OpenApiResponse(description="Recorded; the code is used up."),
                429: OpenApiResponse(ErrorSerializer, description="Too many tries; wait."),
            }
        ),
        tags=TAGS,
    )
    def post(self, request):
        data = _valid(ByCodeInputSerializer, request)
        try:
            rounds.answer_by_code(data.pop("code"), data)
        except ServiceError as exc:
            return privacy.quiet(Response({"detail": exc.message}, status=exc.status))
        return privacy.quiet(Response(status=status.HTTP_201_CREATED))


urlpatterns = [
    path("evaluation-rounds/", RoundListView.as_view(), name="api-evaluation-rounds"),
    path(
        "evaluation-rounds/ballots/by-code/",
        ByCodeView.as_view(),
        name="api-evaluation-ballot-by-code",
    ),
    path("evaluation-rounds/<int:pk>/", RoundDetailView.as_view(), name="api-evaluation-round"),
    path("evaluation-rounds/<int:pk>/codes/", CodesView.as_view(), name="api-evaluation-codes"),
    path(
        "evaluation-rounds/<int:pk>/ballots/",
        BallotsView.as_view(),
        name="api-evaluation-ballots",
    ),
]

"""Supervision API, next to the matters' routes (the paths are a contract):

- POST /api/v1/matters/{id}/supervise/            put under supervision (201)
- POST /api/v1/matters/{id}/urge/                 urge (201)
- POST /api/v1/matters/{id}/rectify/              submit a rectification reply (201)
- POST /api/v1/matters/{id}/review-rectification/ accept or reject it (200)
- GET  /api/v1/matters/{id}/supervision/          the active (or last) supervision

Each POST answers the supervision in full. Errors as in the matters API: 404 for a matter
the person cannot see, then 400 for a malformed body, then the service's refusal as
`{"detail": …}` (409 wrong state, 403 not allowed, 400 invalid input). The timeline
(GET /api/v1/matters/{id}/timeline/) shows each step as an event.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.matters import selectors
from liaison.matters.models import Matter

from . import services
from .models import Supervision
from .serializers import (
    RectifySerializer,
    RectifyWithFilesSerializer,
    ReviewSerializer,
    SuperviseSerializer,
    SupervisionSerializer,
    UrgeInputSerializer,
)


def _answer(supervision: Supervision, code: int = status.HTTP_200_OK) -> Response:
    supervision = (
        Supervision.objects.select_related("supervisor__user", "supervising_department")
        .prefetch_related(
            "urges__by__user",
            "rectifications__submitted_by__user",
            "rectifications__reviewed_by__user",
        )
        .get(pk=supervision.pk)
    )
    return Response(SupervisionSerializer(supervision).data, status=code)


def _schema(summary: str, request, code: int = 201):
    return extend_schema(
        summary=summary,
        request=request,
        responses=refusals({code: SupervisionSerializer}),
        tags=["supervision"],
    )


class _MatterAction(PersonAPIMixin, APIView):
    queryset = Matter.objects.none()
    serializer_class = None  # each view's input serializer
    parser_classes = [JSONParser, FormParser]

    def matter(self, pk) -> Matter:
        return selectors.matter_for(self.person, pk)


class SuperviseView(_MatterAction):
    @_schema("Put an open matter under supervision (督办), with a deadline", SuperviseSerializer)
    def post(self, request, pk):
        matter = self.matter(pk)
        data = self.valid(SuperviseSerializer, request.data)
        supervision = services.supervise(
            matter,
            self.person,
            supervisor=data["supervisor"],
            deadline=data["deadline"],
            reason=data["reason"],
            rectification_required=data["rectification_required"],
        )
        return _answer(supervision, status.HTTP_201_CREATED)


class UrgeView(_MatterAction):
    @_schema(
        "Urge the holder (催办); from the second urge on the leader in charge gets a copy",
        UrgeInputSerializer,
    )
    def post(self, request, pk):
        matter = self.matter(pk)
        data = self.valid(UrgeInputSerializer, request.data)
        item = services.urge(matter, self.person, data["note"])
        return _answer(item.supervision, status.HTTP_201_CREATED)


class RectifyView(_MatterAction):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @_schema(
        "Submit a rectification reply (整改回复): measures, evidence, completion date, files",
        {"application/json": RectifySerializer, "multipart/form-data": RectifyWithFilesSerializer},
    )
    def post(self, request, pk):
        matter = self.matter(pk)
        data = self.valid(RectifyWithFilesSerializer, request.data)
        rectification = services.submit_rectification(
            matter,
            self.person,
            measures=data["measures"],
            evidence=data["evidence"],
            completion_date=data["completion_date"],
            attachments=request.FILES.getlist("file") if request.FILES else [],
        )
        return _answer(rectification.supervision, status.HTTP_201_CREATED)


class ReviewRectificationView(_MatterAction):
    @_schema(
        "Accept the rectification reply (ends the supervision) or reject it with a reason",
        ReviewSerializer,
        code=200,
    )
    def post(self, request, pk):
        matter = self.matter(pk)
        data = self.valid(ReviewSerializer, request.data)
        rectification = services.review_rectification(
            matter, self.person, accept=data["accept"], reason=data["reason"]
        )
        return _answer(rectification.supervision)


class SupervisionView(_MatterAction):
    @extend_schema(
        summary="The matter's active supervision, or its last ended one",
        responses={
            200: SupervisionSerializer,
            404: OpenApiResponse(
                ErrorSerializer, description="No such matter visible to you, or never supervised."
            ),
        },
        tags=["supervision"],
    )
    def get(self, request, pk):
        matter = self.matter(pk)
        supervision = (
            Supervision.objects.filter(matter=matter)
            .order_by("-is_active", "-created_at", "-pk")
            .first()
        )
        if supervision is None:
            raise Http404
        return _answer(supervision)

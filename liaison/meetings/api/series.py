"""Meeting series (例会): list, schedule, read and change."""

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals

from .. import selectors, services
from ..models import MeetingSeries
from ..serializers import SeriesInputSerializer, SeriesSerializer

SERIES_RELATED = ("organizer", "chair__user", "room", "created_by__user")
PARTICIPANTS = ("participants__department", "participants__person__user")


class SeriesViewSet(PersonAPIMixin, viewsets.GenericViewSet):
    # Meeting series (例会) of the requesting person's organization.

    queryset = MeetingSeries.objects.none()
    serializer_class = SeriesSerializer
    lookup_value_regex = r"[0-9]+"
    parser_classes = [JSONParser, FormParser]

    def _answer(self, series, warnings=(), code=status.HTTP_200_OK) -> Response:
        series = (
            MeetingSeries.objects.select_related(*SERIES_RELATED)
            .prefetch_related(*PARTICIPANTS)
            .get(pk=series.pk)
        )
        warnings = selectors.clashes_seen_by(warnings, self.person)
        context = {"request": self.request, "warnings": warnings}
        return Response(SeriesSerializer(series, context=context).data, status=code)

    @extend_schema(
        summary="The meeting series of my organization",
        responses={200: SeriesSerializer(many=True)},
        tags=["meetings"],
    )
    def list(self, request):
        series = MeetingSeries.objects.filter(organization=self.person.organization)
        page = self.paginate_queryset(
            series.select_related(*SERIES_RELATED)
            .prefetch_related(*PARTICIPANTS)
            .order_by("title", "pk")
        )
        return self.get_paginated_response(
            SeriesSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Schedule a series: its meetings are created a year ahead",
        request=SeriesInputSerializer,
        responses=refusals({201: SeriesSerializer}),
        tags=["meetings"],
    )
    def create(self, request):
        data = self.valid(SeriesInputSerializer, request.data)
        series, clashes = services.create_series(
            self.person, SeriesInputSerializer().series_input(data)
        )
        return self._answer(series, clashes, status.HTTP_201_CREATED)

    @extend_schema(
        summary="A series, with its next meetings",
        responses={200: SeriesSerializer, 404: ErrorSerializer},
        tags=["meetings"],
    )
    def retrieve(self, request, pk=None):
        return self._answer(selectors.series_for(self.person, pk))

    def _edit(self, request, pk, partial: bool) -> Response:
        series = selectors.series_for(self.person, pk)
        body = {**_series_data(series), **request.data} if partial else request.data
        data = self.valid(SeriesInputSerializer, body)
        series, clashes = services.edit_series(
            series, self.person, SeriesInputSerializer().series_input(data)
        )
        return self._answer(series, clashes)

    @extend_schema(
        summary="Change a series; its coming meetings not changed on their own follow",
        request=SeriesInputSerializer,
        responses=refusals({200: SeriesSerializer}),
        tags=["meetings"],
    )
    def update(self, request, pk=None):
        return self._edit(request, pk, partial=False)

    @extend_schema(
        summary="Change some fields of a series",
        request=SeriesInputSerializer(partial=True),
        responses=refusals({200: SeriesSerializer}),
        tags=["meetings"],
    )
    def partial_update(self, request, pk=None):
        return self._edit(request, pk, partial=True)


def _series_data(series: MeetingSeries) -> dict:
    """A series as SeriesInputSerializer's input, for a partial change."""
    participants = list(series.participants.select_related("department", "person__user"))
    return {
        "title": series.title,
        "kind": series.kind,
        "organizer": series.organizer.code,
        "chair": series.chair.user.username if series.chair else None,
        "rule": series.rule,
        "start_date": series.start_date.isoformat(),
        "start_time": series.start_time.isoformat(),
        "duration": series.duration,
        "time_zone": series.time_zone,
        "room": series.room.code if series.room else None,
        "online_link": series.online_link,
        "description": series.description,
        "for_leading_group": series.for_leading_group,
        "minutes_open_to_organization": series.minutes_open_to_organization,
        "departments": [
            {"department": p.department.code, "attendance": p.attendance}
            for p in participants
            if p.department_id
        ],
        "people": [p.person.user.username for p in participants if p.person_id],
    }

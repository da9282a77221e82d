"""Meetings: list, read, move, cancel, confirm, call an emergency meeting; the agenda,
attendance and minutes actions come from their own modules."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.matters import selectors as matter_selectors

from .. import selectors, services
from ..models import Meeting
from ..serializers import (
    AgendaSerializer,
    ApprovedSerializer,
    AttendanceRowSerializer,
    CancelSerializer,
    EmergencyInputSerializer,
    MeetingFilterSerializer,
    MeetingSerializer,
    MinutesSerializer,
    MoveSerializer,
)
from .agenda import AgendaActions
from .attendance import AttendanceActions
from .minutes import MinutesActions
from .series import PARTICIPANTS

MEETING_RELATED = (
    *selectors.MEETING_RELATED,
    "series__chair__user",
    "chair__user",
    "cancelled_by__user",
)
MEETING_PREFETCH = (
    "calls__person__user",
    *PARTICIPANTS,
    *(f"series__{name}" for name in PARTICIPANTS),
)


def _meeting_queryset():
    return Meeting.objects.select_related(*MEETING_RELATED).prefetch_related(*MEETING_PREFETCH)


class MeetingViewSet(
    PersonAPIMixin, AgendaActions, AttendanceActions, MinutesActions, viewsets.GenericViewSet
):
    # Meetings (occurrences of series and one-off meetings) of the person's organization.

    queryset = Meeting.objects.none()
    serializer_class = MeetingSerializer
    lookup_value_regex = r"[0-9]+"
    parser_classes = [JSONParser, FormParser]
    #: What each action answers, for the browsable API's forms (it builds the action's
    #: serializer around the answer); the others answer a meeting.
    ANSWERS = {
        "agenda": AgendaSerializer,
        "decide_item": AgendaSerializer,
        "order_agenda": AgendaSerializer,
        "attendance": AttendanceRowSerializer,
        "minutes": MinutesSerializer,
        "approve_minutes": ApprovedSerializer,
    }

    def get_serializer_class(self):
        return self.ANSWERS.get(self.action, MeetingSerializer)

    def _answer(self, meeting, warnings=(), code=status.HTTP_200_OK) -> Response:
        meeting = _meeting_queryset().get(pk=meeting.pk)
        warnings = selectors.clashes_seen_by(warnings, self.person)
        context = {"request": self.request, "warnings": warnings}
        return Response(MeetingSerializer(meeting, context=context).data, status=code)

    def _meeting(self, pk) -> Meeting:
        return selectors.meeting_for(self.person, pk)

    @extend_schema(
        summary="Meetings from a day to a day (at most a year), of a department, a person or "
        "a room",
        parameters=[MeetingFilterSerializer],
        responses={200: MeetingSerializer(many=True), 400: ErrorSerializer},
        tags=["meetings"],
    )
    def list(self, request):
        data = self.valid(MeetingFilterSerializer, request.query_params)
        scope = selectors.Scope(
            self.person.organization,
            person=data.get("person"),
            department=data.get("department"),
            room=data.get("room"),
        )
        if sum(1 for value in (scope.person, scope.department, scope.room) if value) > 1:
            raise ValidationError({"detail": _("Filter by one of department, person or room.")})
        zone = timezone.get_current_timezone()
        start = datetime.datetime.combine(data["from"], datetime.time.min, tzinfo=zone)
        end = datetime.datetime.combine(
            data["to"] + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        meetings = selectors.meetings_between(scope, start, end)
        page = self.paginate_queryset(meetings.prefetch_related(*MEETING_PREFETCH))
        return self.get_paginated_response(
            MeetingSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="A meeting, with its participants and, for an emergency meeting, who confirmed",
        responses={200: MeetingSerializer, 404: ErrorSerializer},
        tags=["meetings"],
    )
    def retrieve(self, request, pk=None):
        return self._answer(self._meeting(pk))

    @extend_schema(
        summary="Move one meeting to another time or place; a series goes on as before",
        request=MoveSerializer,
        responses=refusals({200: MeetingSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        meeting = self._meeting(pk)
        data = self.valid(MoveSerializer, request.data)
        meeting, clashes = services.move_meeting(
            meeting,
            self.person,
            start=data["start"],
            end=data["end"],
            # Absent: unchanged; null: no room.
            room=data.get("room", meeting.room),
            online_link=data.get("online_link", meeting.online_link),
            reason=data["reason"],
        )
        return self._answer(meeting, clashes)

    @extend_schema(
        summary="Cancel one meeting, with a reason; a series goes on",
        request=CancelSerializer,
        responses=refusals({200: MeetingSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self._meeting(pk)
        data = self.valid(CancelSerializer, request.data)
        return self._answer(services.cancel_meeting(meeting, self.person, reason=data["reason"]))

    @extend_schema(
        summary="Confirm that I come to an emergency meeting I was called to",
        request=None,
        responses=refusals({200: MeetingSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        meeting = self._meeting(pk)
        services.confirm_attendance(meeting, self.person)
        return self._answer(meeting)

    @extend_schema(
        summary="Call an emergency meeting (紧急会议): everyone is told at once, urgently",
        request=EmergencyInputSerializer,
        responses=refusals({201: MeetingSerializer}),
        tags=["meetings"],
    )
    @action(detail=False, methods=["post"])
    def emergency(self, request):
        data = self.valid(EmergencyInputSerializer, request.data)
        matter = None
        if data["matter"] is not None:
            matter = matter_selectors.matter_for(self.person, data["matter"])
        meeting, clashes = services.call_emergency_meeting(
            self.person,
            services.EmergencyInput(
                title=data["title"],
                organizer=data["organizer"],
                start=data["start"],
                duration=data["duration"],
                room=data["room"],
                online_link=data["online_link"],
                chair=data["chair"],
                description=data["description"],
                matter=matter,
                **EmergencyInputSerializer().invitation(data),
            ),
        )
        return self._answer(meeting, clashes, status.HTTP_201_CREATED)

"""Meetings API: the same service functions and visibility as the pages.

- GET/POST /api/v1/meeting-series/, GET/PUT/PATCH /api/v1/meeting-series/{id}/
- GET /api/v1/meetings/?department=&person=&room=&from=&to=, GET .../{id}/
- POST /api/v1/meetings/{id}/move/, .../cancel/, .../confirm/ (an emergency meeting)
- POST /api/v1/meetings/emergency/ calls an emergency meeting
- GET/POST /api/v1/meetings/{id}/agenda/ (POST proposes an item), POST
  .../agenda/decide/ and .../agenda/order/ (the organizers accept or decline, and order)
- GET/POST /api/v1/meetings/{id}/attendance/
- GET/PUT /api/v1/meetings/{id}/minutes/ (decisions with owner department, responsible
  person and due date), POST .../minutes/approve/ (the chair: the decisions become
  matters, whose ids it answers)
- GET /api/v1/rooms/
- GET /api/v1/calendar.ics?department=CODE (or person=USERNAME, or room=CODE)

Errors as in the matters API: 404 for what is not of the person's organization, then 400
for a malformed body, then the service's refusal as `{"detail": …}` (409 wrong state, 403
not allowed, 400 invalid input). Scheduling, changing, moving and calling answer the
clashes they found in `warnings`; they are warnings, the change was made.
"""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.matters import selectors as matter_selectors

from . import calendar_feed, selectors, services
from .models import Meeting, MeetingSeries, Room
from .serializers import (
    AgendaSerializer,
    ApprovedSerializer,
    AttendanceInputSerializer,
    AttendanceRowSerializer,
    CancelSerializer,
    DecideItemSerializer,
    EmergencyInputSerializer,
    ItemInputSerializer,
    MeetingFilterSerializer,
    MeetingSerializer,
    MinutesInputSerializer,
    MinutesSerializer,
    MoveSerializer,
    OrderSerializer,
    RoomSerializer,
    SeriesInputSerializer,
    SeriesSerializer,
)

SERIES_RELATED = ("organizer", "chair__user", "room", "created_by__user")
MEETING_RELATED = (
    *selectors.MEETING_RELATED,
    "series__chair__user",
    "chair__user",
    "cancelled_by__user",
)


PARTICIPANTS = ("participants__department", "participants__person__user")
MEETING_PREFETCH = (
    "calls__person__user",
    *PARTICIPANTS,
    *(f"series__{name}" for name in PARTICIPANTS),
)


def _meeting_queryset():
    return Meeting.objects.select_related(*MEETING_RELATED).prefetch_related(*MEETING_PREFETCH)


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


class MeetingViewSet(PersonAPIMixin, viewsets.GenericViewSet):
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

    # The agenda (议题).

    def _agenda(self, meeting: Meeting, code=status.HTTP_200_OK) -> Response:
        previous, carried = selectors.carried_actions(meeting, self.person)
        data = {
            "cutoff": meeting.cutoff,
            "items": selectors.agenda_of(meeting, self.person),
            "previous_meeting": previous.pk if previous else None,
            "carried_over": carried,
        }
        return Response(AgendaSerializer(data).data, status=code)

    @extend_schema(
        methods=["GET"],
        summary="The agenda: items in order with their slots, and the open actions of the "
        "previous meeting of the series",
        request=None,
        responses={200: AgendaSerializer, 404: ErrorSerializer},
        tags=["meetings"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Propose an agenda item (before the agenda closes; the organizers at any time)",
        request=ItemInputSerializer,
        responses=refusals({201: AgendaSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["get", "post"])
    def agenda(self, request, pk=None):
        meeting = self._meeting(pk)
        if request.method == "GET":
            return self._agenda(meeting)
        data = self.valid(ItemInputSerializer, request.data)
        matter = None
        if data["matter"] is not None:
            matter = matter_selectors.matter_for(self.person, data["matter"])
        services.propose_item(
            meeting,
            self.person,
            services.ItemInput(
                title=data["title"],
                description=data["description"],
                matter=matter,
                presenter=data["presenter"],
                minutes=data["minutes"],
                prebriefing=data["prebriefing"],
                prebriefed=tuple(data["prebriefed"]),
            ),
        )
        return self._agenda(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Accept an agenda item, or decline it with a reason (the organizers)",
        request=DecideItemSerializer,
        responses=refusals({200: AgendaSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"], url_path="agenda/decide")
    def decide_item(self, request, pk=None):
        meeting = self._meeting(pk)
        data = self.valid(DecideItemSerializer, request.data)
        item = meeting.agenda.filter(pk=data["item"]).first()
        if item is None:
            raise NotFound(_("No such agenda item in this meeting."))
        services.decide_item(item, self.person, accept=data["accept"], reason=data["reason"])
        return self._agenda(meeting)

    @extend_schema(
        summary="Put the agenda items in a new order (the organizers)",
        request=OrderSerializer,
        responses=refusals({200: AgendaSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"], url_path="agenda/order")
    def order_agenda(self, request, pk=None):
        meeting = self._meeting(pk)
        data = self.valid(OrderSerializer, request.data)
        services.order_agenda(meeting, self.person, data["items"])
        return self._agenda(meeting)

    # Attendance.

    def _attendance(self, meeting: Meeting) -> Response:
        rows = [{"person": p, "record": r} for p, r in selectors.attendance_of(meeting)]
        return Response(AttendanceRowSerializer(rows, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="Everyone expected, and what was recorded of them",
        request=None,
        responses={200: AttendanceRowSerializer(many=True), 404: ErrorSerializer},
        tags=["meetings"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Record attendance: present, absent with a reason, or a substitute",
        request=AttendanceInputSerializer,
        responses=refusals({200: AttendanceRowSerializer(many=True)}),
        tags=["meetings"],
    )
    # One list, not pages (also in the schema).
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def attendance(self, request, pk=None):
        meeting = self._meeting(pk)
        if request.method == "POST":
            data = self.valid(AttendanceInputSerializer, request.data)
            services.record_attendance(
                meeting,
                self.person,
                [
                    services.PresenceInput(
                        row["person"], row["presence"], row["reason"], row["substitute"]
                    )
                    for row in data["records"]
                ],
            )
        return self._attendance(meeting)

    # Minutes (会议纪要).

    def _minutes(self, meeting: Meeting):
        # Minutes the person may not read answer as those not written (policy).
        minutes = selectors.readable_minutes(meeting, self.person)
        if minutes is None:
            raise NotFound(_("No minutes have been written for this meeting yet."))
        return minutes

    @extend_schema(
        methods=["GET"],
        summary="The minutes, their decisions and read receipts (reading them is recorded)",
        request=None,
        responses={200: MinutesSerializer, 404: ErrorSerializer},
        tags=["meetings"],
    )
    @extend_schema(
        methods=["PUT"],
        summary="Write the minutes (the recorder or the organizers), until the chair approves them",
        request=MinutesInputSerializer,
        responses=refusals({200: MinutesSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["get", "put"])
    def minutes(self, request, pk=None):
        meeting = self._meeting(pk)
        if request.method == "PUT":
            data = self.valid(MinutesInputSerializer, request.data)
            services.save_minutes(
                meeting,
                self.person,
                services.MinutesInput(
                    summary=data["summary"],
                    recorder=data["recorder"],
                    decisions=tuple(
                        services.DecisionInput(
                            title=d["title"],
                            detail=d["detail"],
                            owner_department=d["owner_department"],
                            responsible=d["responsible"],
                            due=d["due"],
                        )
                        for d in data["decisions"]
                    ),
                ),
            )
            return Response(MinutesSerializer(self._minutes(meeting)).data)
        minutes = self._minutes(meeting)
        services.read_minutes(meeting, self.person)
        return Response(MinutesSerializer(minutes).data)

    @extend_schema(
        summary="Approve the minutes (the chair): every decision becomes a matter dispatched "
        "to its owner; the meeting is held; the minutes are sent to the participants",
        request=None,
        responses=refusals({200: ApprovedSerializer}),
        tags=["meetings"],
    )
    @action(detail=True, methods=["post"], url_path="minutes/approve")
    def approve_minutes(self, request, pk=None):
        meeting = self._meeting(pk)
        minutes = services.approve_minutes(meeting, self.person)
        matters = list(minutes.decisions.values_list("matter_id", flat=True))
        return Response(
            ApprovedSerializer({"matters": matters, "minutes": self._minutes(meeting)}).data
        )


class RoomListView(PersonAPIMixin, generics.ListAPIView):
    serializer_class = RoomSerializer
    pagination_class = None

    def get_queryset(self):
        return Room.objects.filter(organization=self.person.organization, is_active=True)

    @extend_schema(summary="The meeting rooms of my organization", tags=["meetings"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ICalendarRenderer(renderers.BaseRenderer):
    """Calendar apps ask for text/calendar; a refusal is rendered as its message."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict):
            return str(data.get("detail", data)).encode()
        return data


class CalendarView(PersonAPIMixin, APIView):
    renderer_classes = [renderers.JSONRenderer, ICalendarRenderer]

    @extend_schema(
        summary="An iCalendar feed of a department, a person or a room",
        description="Exactly one of `department` (code), `person` (username) or `room` "
        "(code). Series come with their rule (RRULE), cancelled meetings as EXDATE and "
        "moved ones as RECURRENCE-ID overrides, in the series' time zone (VTIMEZONE). "
        "A person's own secret address (on their meetings page) works without a token.",
        parameters=[
            OpenApiParameter("department", str, description="department code"),
            OpenApiParameter("person", str, description="username"),
            OpenApiParameter("room", str, description="room code"),
        ],
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY),
            400: ErrorSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such `format`."),
        },
        tags=["meetings"],
    )
    def get(self, request):
        given = {
            k: request.query_params[k]
            for k in ("department", "person", "room")
            if k in request.query_params
        }
        if len(given) != 1:
            raise ValidationError({"detail": _("Give exactly one of department, person or room.")})
        data = self.valid(MeetingFilterSerializer, given)
        scope = selectors.Scope(
            self.person.organization,
            person=data.get("person"),
            department=data.get("department"),
            room=data.get("room"),
        )
        content = calendar_feed.render(selectors.calendar_of(scope), self.person)
        return HttpResponse(content, content_type="text/calendar; charset=utf-8")

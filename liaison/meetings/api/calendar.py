"""The iCalendar feed of a department, a person or a room."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin

from .. import calendar_feed, selectors
from ..serializers import MeetingFilterSerializer


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

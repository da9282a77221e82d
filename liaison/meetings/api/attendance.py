"""Attendance at a meeting: who is expected, and recording it."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer, refusals

from .. import selectors, services
from ..models import Meeting
from ..serializers import AttendanceInputSerializer, AttendanceRowSerializer


class AttendanceActions:
    # MeetingViewSet's attendance action (no docstring: the schema would take it as its).

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

"""Minutes (会议纪要) of a meeting: read, write and approve them."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer, refusals

from .. import selectors, services
from ..models import Meeting
from ..serializers import ApprovedSerializer, MinutesInputSerializer, MinutesSerializer


class MinutesActions:
    # MeetingViewSet's minutes actions (no docstring: the schema would take it as theirs).

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

"""The agenda (议题) of a meeting: read it, propose, accept or decline, and order items."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from liaison.core.api import ErrorSerializer, refusals
from liaison.matters import selectors as matter_selectors

from .. import policy, selectors, services
from ..models import Meeting
from ..serializers import (
    AgendaSerializer,
    DecideItemSerializer,
    ItemInputSerializer,
    OrderSerializer,
)


class AgendaActions:
    # MeetingViewSet's agenda actions (no docstring: the schema would take it as theirs).

    def _agenda(self, meeting: Meeting, code=status.HTTP_200_OK) -> Response:
        previous, carried = selectors.carried_actions(meeting, self.person)
        data = {
            "cutoff": meeting.cutoff,
            "items": selectors.agenda_of(meeting, self.person),
            "previous_meeting": previous.pk if previous else None,
            "carried_over": carried,
        }
        visible = policy.visible_matter_ids(self.person, [d.matter_id for d in carried])
        context = {"visible_matters": visible}
        return Response(AgendaSerializer(data, context=context).data, status=code)

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

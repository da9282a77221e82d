"""The matter actions of the API: each maps to one service function."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from liaison.core.api import refusals

from .. import services
from ..models import Matter
from ..serializers import (
    AcceptSerializer,
    CommentSerializer,
    CommentWithFilesSerializer,
    ConfirmSerializer,
    DecideExtensionSerializer,
    DispatchSerializer,
    EventSerializer,
    ExtensionRequestSerializer,
    ExtensionSerializer,
    LinkSerializer,
    MatterDetailSerializer,
    ReasonSerializer,
    TextSerializer,
    TextWithFilesSerializer,
    TransferSerializer,
    UnlinkSerializer,
)


def _action_schema(summary: str, request=None, response=MatterDetailSerializer, code=200):
    return extend_schema(
        summary=summary,
        request=request,
        responses=refusals({code: response}),
        tags=["matters"],
    )


# The action endpoints of MatterViewSet (`/matters/{id}/<action>/`); the view set gives them
# the person, the visible matter and its full answer. No docstring: the schema would take it
# as every operation's description.
class MatterActions:
    def _act(self, request, pk, serializer_class, perform, respond="matter") -> Response:
        """Visibility (404) first, then the body (400), then the service's rules. Answers
        the matter in full, or what the action created (`extension`, `event`) with 201."""
        matter = self._matter(pk)
        data = self.valid(serializer_class, request.data) if serializer_class else {}
        result = perform(matter, data)
        if respond == "extension":
            return Response(ExtensionSerializer(result).data, status=status.HTTP_201_CREATED)
        if respond == "event":
            return Response(
                EventSerializer(result, context={"request": request}).data,
                status=status.HTTP_201_CREATED,
            )
        return self._detail(result if isinstance(result, Matter) else matter)

    def _files(self, request) -> list:
        return request.FILES.getlist("file") if request.FILES else []

    @_action_schema("Submit a draft")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._act(request, pk, None, lambda m, d: services.submit_matter(m, self.person))

    @_action_schema("Dispatch to a lead department (with co-organizers)", DispatchSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_(self, request, pk=None):  # `dispatch` is APIView's own method
        return self._act(
            request,
            pk,
            DispatchSerializer,
            lambda m, d: services.dispatch(
                m,
                self.person,
                lead=d["lead_department"],
                co_departments=d["co_departments"],
                due=d["due"],
                responsible=d["responsible"],
                reason=d["reason"],
            ),
        )

    @_action_schema("Accept (签收)", AcceptSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._act(
            request,
            pk,
            AcceptSerializer,
            lambda m, d: services.accept(m, self.person, responsible=d["responsible"]),
        )

    @_action_schema("Return to the dispatcher (退回), with a reason", ReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        return self._act(
            request,
            pk,
            ReasonSerializer,
            lambda m, d: services.return_matter(m, self.person, reason=d["reason"]),
        )

    @_action_schema("Transfer to another department (转办), with a reason", TransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        return self._act(
            request,
            pk,
            TransferSerializer,
            lambda m, d: services.transfer(
                m,
                self.person,
                lead=d["lead_department"],
                co_departments=d.get("co_departments"),
                reason=d["reason"],
            ),
        )

    @_action_schema(
        "Give a co-organizer department's part (协办意见)",
        {"application/json": TextSerializer, "multipart/form-data": TextWithFilesSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def contribute(self, request, pk=None):
        return self._act(
            request,
            pk,
            TextWithFilesSerializer,
            lambda m, d: services.contribute(
                m, self.person, text=d["text"], attachments=self._files(request)
            ),
        )

    @_action_schema(
        "Request an extension (延期申请)",
        ExtensionRequestSerializer,
        response=ExtensionSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        return self._act(
            request,
            pk,
            ExtensionRequestSerializer,
            lambda m, d: services.request_extension(
                m, self.person, due=d["due"], reason=d["reason"]
            ),
            respond="extension",
        )

    @_action_schema("Approve or deny the pending extension request", DecideExtensionSerializer)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        return self._act(
            request,
            pk,
            DecideExtensionSerializer,
            lambda m, d: services.decide_extension(
                m, self.person, approve=d["approve"], reason=d["reason"]
            ),
        )

    @_action_schema(
        "Reply: what was done (办结回复)",
        {"application/json": TextSerializer, "multipart/form-data": TextWithFilesSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def reply(self, request, pk=None):
        return self._act(
            request,
            pk,
            TextWithFilesSerializer,
            lambda m, d: services.reply(
                m, self.person, text=d["text"], attachments=self._files(request)
            ),
        )

    @_action_schema(
        "Ask the originator for information; the reply clock stands until they answer",
        TextSerializer,
    )
    @action(detail=True, methods=["post"], url_path="ask-originator")
    def ask_originator(self, request, pk=None):
        return self._act(
            request,
            pk,
            TextSerializer,
            lambda m, d: services.ask_originator(m, self.person, question=d["text"]),
        )

    @_action_schema(
        "Give the information the lead asked for; the reply clock runs again",
        {"application/json": TextSerializer, "multipart/form-data": TextWithFilesSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="give-information",
        parser_classes=[JSONParser, MultiPartParser],
    )
    def give_information(self, request, pk=None):
        return self._act(
            request,
            pk,
            TextWithFilesSerializer,
            lambda m, d: services.give_information(
                m, self.person, text=d["text"], attachments=self._files(request)
            ),
        )

    @_action_schema(
        "Confirm the reply with a rating (unsatisfied reopens it to the lead)",
        ConfirmSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._act(
            request,
            pk,
            ConfirmSerializer,
            lambda m, d: services.confirm(m, self.person, rating=d["rating"], comment=d["comment"]),
        )

    @_action_schema("Reopen a closed matter, with a reason", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._act(
            request,
            pk,
            ReasonSerializer,
            lambda m, d: services.reopen(m, self.person, reason=d["reason"]),
        )

    @_action_schema("Coordination difficult: escalate one level, with a reason", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._act(
            request,
            pk,
            ReasonSerializer,
            lambda m, d: services.escalate(m, self.person, reason=d["reason"]),
        )

    @_action_schema("Withdraw before acceptance, with a reason", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._act(
            request,
            pk,
            ReasonSerializer,
            lambda m, d: services.withdraw(m, self.person, reason=d["reason"]),
        )

    @_action_schema("Close as not a matter, with a reason", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(
            request,
            pk,
            ReasonSerializer,
            lambda m, d: services.close_as_not_a_matter(m, self.person, reason=d["reason"]),
        )

    @_action_schema(
        "Comment on the timeline (@mentions notify; `internal` for handlers only)",
        {"application/json": CommentSerializer, "multipart/form-data": CommentWithFilesSerializer},
        response=EventSerializer,
        code=201,
    )
    @action(detail=True, methods=["post"], parser_classes=[JSONParser, MultiPartParser])
    def comment(self, request, pk=None):
        return self._act(
            request,
            pk,
            CommentWithFilesSerializer,
            lambda m, d: services.comment(
                m,
                self.person,
                text=d["text"],
                internal=d["internal"],
                attachments=self._files(request),
            ),
            respond="event",
        )

    @_action_schema("Link to another matter (duplicate of, related to, part of)", LinkSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        return self._act(
            request,
            pk,
            LinkSerializer,
            lambda m, d: services.link(m, self.person, target_number=d["target"], kind=d["kind"]),
        )

    @_action_schema("Remove the link to another matter", UnlinkSerializer)
    @action(detail=True, methods=["post"])
    def unlink(self, request, pk=None):
        return self._act(
            request,
            pk,
            UnlinkSerializer,
            lambda m, d: services.unlink(m, self.person, target_number=d["target"]),
        )

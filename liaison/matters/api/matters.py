"""Matters API: the same service functions and visibility rules as the pages.

- A matter the person may not see answers 404, never 403 (its existence is not
  disclosed); attachment downloads follow the same rule.
- A refused action answers `{"detail": message}` in the user's language: 409 when the
  state does not allow it (the message says who acted and when), 403 when the person may
  not do it, 400 for invalid input. A malformed body answers 400 with field errors and a
  `detail` summary. A refused action changes nothing.
- Token authentication runs after the middleware that sets `request.person`, so the
  person is worked out here from the authenticated user.
"""

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.core.downloads import download

from .. import policy, selectors, services
from ..models import Attachment, Matter, MatterKind
from ..serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    DraftEditSerializer,
    EventSerializer,
    MatterCreateSerializer,
    MatterDetailSerializer,
    MatterFilterSerializer,
    MatterKindSerializer,
    MatterListSerializer,
)
from .actions import MatterActions

MATTER_RELATED = (*selectors.LIST_RELATED, "originator__user", "responsible_person__user")


class MatterViewSet(MatterActions, PersonAPIMixin, viewsets.GenericViewSet):
    # Matters (协调事项) visible to the requesting person, and every action on them.

    queryset = Matter.objects.none()
    serializer_class = MatterDetailSerializer
    lookup_value_regex = r"[0-9]+"
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    # Reading.

    def _handling(self, matter: Matter) -> bool:
        return policy.is_handling(self.person, matter)

    def _visible_attachments(self, matter: Matter, handling: bool | None = None):
        attachments = matter.attachments.select_related("uploaded_by__user")
        if not (self._handling(matter) if handling is None else handling):
            attachments = attachments.exclude(event__is_internal=True)
        return attachments

    def _detail(self, matter: Matter, code: int = status.HTTP_200_OK) -> Response:
        matter = (
            Matter.objects.select_related(*MATTER_RELATED)
            .prefetch_related(
                "co_organizers__department",
                "co_organizers__contributed_by__user",
                "extensions__requested_by__user",
                "extensions__decided_by__user",
            )
            .get(pk=matter.pk)
        )
        context = {
            "request": self.request,
            "links": [
                {
                    "kind": linked.kind,
                    "direction": linked.direction,
                    "id": linked.matter.pk,
                    "number": linked.matter.number,
                    "title": linked.matter.title,
                    "state": linked.matter.state,
                }
                for linked in selectors.links_of(matter, self.person)
            ],
            "allowed_actions": policy.allowed_actions(self.person, matter),
            "attachment_count": self._visible_attachments(matter).count(),
        }
        return Response(MatterDetailSerializer(matter, context=context).data, status=code)

    def _matter(self, pk) -> Matter:
        return selectors.matter_for(self.person, pk)

    @extend_schema(
        summary="Matters visible to me, filtered",
        parameters=[MatterFilterSerializer],
        responses={200: MatterListSerializer(many=True), 400: ErrorSerializer},
        tags=["matters"],
    )
    def list(self, request):
        data = self.valid(MatterFilterSerializer, request.query_params)
        matters = selectors.visible_matters(self.person)
        if data.pop("todo", False):
            matters = matters.filter(pk__in=selectors.todo(self.person).values("pk"))
        matters = selectors.filter_matters(
            matters.select_related(*MATTER_RELATED),
            selectors.MatterFilter(**{k: v for k, v in data.items() if v is not None}),
        )
        page = self.paginate_queryset(matters)
        return self.get_paginated_response(
            MatterListSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(
        summary="Raise a matter",
        description="Creates a draft owned by the requesting person; the client then calls "
        "`submit`, or passes `submit: true` to create and submit in one call. With a "
        "`lead_department`, submitting sends the matter straight to it (direct "
        "coordination, state `dispatched`); without, it goes to the coordinating office "
        "(state `submitted`).",
        request=MatterCreateSerializer,
        responses={
            201: MatterDetailSerializer,
            400: OpenApiResponse(ErrorSerializer, description="Invalid input."),
            403: OpenApiResponse(
                ErrorSerializer,
                description="You may not raise a matter of this kind (`detail`; see "
                "`may_raise` in the kinds of matter).",
            ),
        },
        tags=["matters"],
    )
    def create(self, request):
        data = self.valid(MatterCreateSerializer, request.data)
        submit = data.pop("submit", False)
        matter = services.create_matter(
            self.person,
            services.MatterInput(
                title=data["title"],
                kind=data["kind"],
                description=data.get("description", ""),
                urgency=data.get("urgency") or "normal",
                originator_department=data.get("originator_department"),
                lead_department=data.get("lead_department"),
                co_departments=tuple(data.get("co_departments") or ()),
                due=data.get("due"),
            ),
            submit=submit,
        )
        return self._detail(matter, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft (only its originator; the fields given change)",
        request=DraftEditSerializer,
        responses={
            200: MatterDetailSerializer,
            400: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            409: ErrorSerializer,
        },
        tags=["matters"],
    )
    def partial_update(self, request, pk=None):
        matter = self._matter(pk)
        data = self.valid(DraftEditSerializer, request.data)
        current = services.MatterInput(
            title=data.get("title", matter.title),
            kind=data.get("kind", matter.kind),
            description=data.get("description", matter.description),
            urgency=data.get("urgency", matter.urgency),
            originator_department=data.get("originator_department", matter.originator_department),
            lead_department=data.get("lead_department", matter.lead_department),
            co_departments=tuple(
                data["co_departments"]
                if "co_departments" in data
                else [c.department for c in matter.co_organizers.select_related("department")]
            ),
            due=data.get("due", matter.due),
            categories=tuple(matter.categories.all()),
        )
        return self._detail(services.edit_draft(matter, self.person, current))

    @extend_schema(
        summary="A matter in full, with the actions I may take now",
        responses={200: MatterDetailSerializer, 404: ErrorSerializer},
        tags=["matters"],
    )
    def retrieve(self, request, pk=None):
        return self._detail(self._matter(pk))

    @extend_schema(
        summary="The matter's timeline",
        description="Every event, oldest first. Internal notes appear only for people "
        "handling the matter.",
        responses={200: EventSerializer(many=True), 404: ErrorSerializer},
        tags=["matters"],
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        matter = self._matter(pk)
        handling = self._handling(matter)
        events = matter.events.select_related(
            "actor__user", "actor_department", "owner_department"
        ).prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by__user"))
        )
        if not handling:
            events = events.filter(is_internal=False)
        return Response(EventSerializer(events, many=True, context={"request": request}).data)

    # Attachments.

    @extend_schema(
        methods=["GET"],
        summary="The matter's attachments",
        responses={200: AttachmentSerializer(many=True), 404: ErrorSerializer},
        tags=["matters"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach files",
        description="Multipart: `file` once or several times, and an optional `text`. "
        "Appears on the timeline as one event.",
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses=refusals({201: AttachmentSerializer(many=True)}),
        tags=["matters"],
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        matter = self._matter(pk)
        if request.method == "GET":
            return Response(
                AttachmentSerializer(
                    self._visible_attachments(matter), many=True, context={"request": request}
                ).data
            )
        data = self.valid(AttachmentUploadSerializer, request.data)
        event = services.add_attachments(matter, self.person, data["file"], text=data["text"])
        return Response(
            AttachmentSerializer(
                event.attachments.select_related("uploaded_by__user"),
                many=True,
                context={"request": request},
            ).data,
            status=status.HTTP_201_CREATED,
        )


class MatterKindListView(PersonAPIMixin, generics.ListAPIView):
    """The kinds of matter of my organization; `name` in the request's language."""

    serializer_class = MatterKindSerializer
    pagination_class = None
    queryset = MatterKind.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return MatterKind.objects.none()
        return MatterKind.objects.filter(
            organization_id=self.person.organization_id, is_active=True
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "person": getattr(self, "person", None)}

    @extend_schema(summary="Kinds of matter", tags=["matters"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AttachmentDownloadView(PersonAPIMixin, APIView):
    """The file, always as a download under its original (Chinese) name."""

    queryset = Attachment.objects.none()

    def perform_content_negotiation(self, request, force=False):
        # The file is not rendered; an Accept header asking for its type is fine.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download an attachment",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file (PDF and images keep their type), as an attachment.",
            ),
            404: ErrorSerializer,
        },
        tags=["matters"],
    )
    def get(self, request, pk):
        # Existence is not disclosed: every refusal is a 404.
        attachment = Attachment.objects.select_related("event").filter(pk=pk).first()
        if attachment is None:
            raise Http404
        matter = selectors.matter_for(self.person, attachment.matter_id)
        if (
            attachment.event is not None
            and attachment.event.is_internal
            and not policy.is_handling(self.person, matter)
        ):
            raise Http404
        return download(attachment.file, attachment.original_name)

"""Suggestions API: the same service functions and visibility as the pages.

- POST /api/v1/suggestions/ writes a letter (staff; `anonymous: true` stores nothing that
  names the writer); the answer carries the retrieval code, shown this once
- GET /api/v1/suggestions/?status=&kind=&mailbox= the letters of the mailboxes the person
  handles and their own signed ones; GET .../{id}/
- POST /api/v1/suggestions/{id}/reply/, .../route/ (opens a matter), .../publish/
- GET /api/v1/suggestions/by-code/{code}/ for anyone holding the code (no login; limited
  per client)

Errors as in the matters API: 404 for what the person may not see, 400 for a malformed
body, then the service's refusal as `{"detail": …}` (409 wrong state, 403 not allowed,
400 invalid input). Writing and reading by code are never logged.
"""

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import SimpleRateThrottle

from liaison.core.api import ErrorSerializer, PersonAPIMixin, refusals
from liaison.core.auth import ClientAddress

from . import privacy, selectors, services
from .models import Channel, Suggestion
from .serializers import (
    ByCodeSerializer,
    CreatedSerializer,
    PublishInputSerializer,
    ReplyInputSerializer,
    RouteInputSerializer,
    SuggestionInputSerializer,
    SuggestionSerializer,
)

CODE_PATTERN = r"^[A-Za-z0-9-]{1,40}$"

#: Answers that must leave no line in any log (the writer's request, a code in a path).
QUIET_ACTIONS = {"create", "by_code"}


class CodeThrottle(ClientAddress, SimpleRateThrottle):
    """Look-ups by code per client, counted under a keyed hash of the address."""

    scope = "suggestion-code"
    rate = "30/hour"

    def get_cache_key(self, request, view):
        address = self.get_ident(request)
        digest = salted_hmac("liaison.suggestions.throttle", address, algorithm="sha256")
        return self.cache_format % {"scope": self.scope, "ident": digest.hexdigest()[:32]}


def _schema(summary: str, request=None, response=SuggestionSerializer, code=200):
    return extend_schema(
        summary=summary,
        request=request,
        responses=refusals({code: response}),
        tags=["suggestions"],
    )


class SuggestionViewSet(PersonAPIMixin, viewsets.GenericViewSet):
    # Letters to the suggestion box and the leader's mailbox.

    queryset = Suggestion.objects.none()
    serializer_class = SuggestionSerializer
    lookup_value_regex = r"[0-9]+"
    parser_classes = [JSONParser, FormParser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(self, "action", None) in QUIET_ACTIONS:
            privacy.quiet(response)
        return response

    def _answer(self, suggestion, code=status.HTTP_200_OK) -> Response:
        suggestion = selectors.suggestion_for(self.person, suggestion.pk)
        return Response(SuggestionSerializer(suggestion).data, status=code)

    @extend_schema(
        summary="Letters I handle, and my own signed ones",
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, description="`new`, `routed`, `answered`"),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, description="`suggestion`, `complaint`, `praise`"
            ),
            OpenApiParameter("mailbox", OpenApiTypes.STR, description="`box`, `leader`"),
        ],
        responses={200: SuggestionSerializer(many=True)},
        tags=["suggestions"],
    )
    def list(self, request):
        filters = selectors.Filters.of(request.query_params)
        letters = selectors.visible_to(self.person).select_related(*selectors.RELATED)
        for name in ("status", "kind", "mailbox"):
            if getattr(filters, name):
                letters = letters.filter(**{name: getattr(filters, name)})
        page = self.paginate_queryset(letters.order_by("-created_at", "-pk"))
        return self.get_paginated_response(SuggestionSerializer(page, many=True).data)

    @_schema(
        "Write a letter; the answer carries its retrieval code, shown this once",
        request=SuggestionInputSerializer,
        response=CreatedSerializer,
        code=201,
    )
    def create(self, request):
        serializer = SuggestionInputSerializer(
            data=request.data, context={"request": request, "person": self.person}
        )
        serializer.is_valid(raise_exception=True)
        suggestion, code = services.submit(
            self.person.organization,
            serializer.suggestion_input(serializer.validated_data),
            channel=Channel.API,
            writer=self.person,
        )
        suggestion = Suggestion.objects.select_related(*selectors.RELATED).get(pk=suggestion.pk)
        return Response(
            CreatedSerializer(suggestion, context={"code": code}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="A letter",
        responses={200: SuggestionSerializer, 404: ErrorSerializer},
        tags=["suggestions"],
    )
    def retrieve(self, request, pk=None):
        return self._answer(selectors.suggestion_for(self.person, pk))

    @_schema("Reply to a letter (again, to change the reply)", request=ReplyInputSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        suggestion = selectors.suggestion_for(self.person, pk)
        data = self.valid(ReplyInputSerializer, request.data)
        return self._answer(services.reply(suggestion, self.person, text=data["text"]))

    @_schema("Open a matter for a letter that needs action", request=RouteInputSerializer)
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        suggestion = selectors.suggestion_for(self.person, pk)
        data = self.valid(RouteInputSerializer, request.data)
        services.route(
            suggestion,
            self.person,
            lead_department=data.get("lead_department"),
            title=data.get("title", ""),
        )
        return self._answer(suggestion)

    @_schema("Publish a letter with its reply, or withdraw it", request=PublishInputSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        suggestion = selectors.suggestion_for(self.person, pk)
        data = self.valid(PublishInputSerializer, request.data)
        if data["published"]:
            services.publish(suggestion, self.person)
        else:
            services.unpublish(suggestion, self.person)
        return self._answer(suggestion)

    @extend_schema(
        summary="Read a letter and its reply with the retrieval code (no login)",
        auth=[],
        # The route takes only these characters; any other path is not this operation.
        parameters=[
            OpenApiParameter(
                "code", str, OpenApiParameter.PATH, pattern=CODE_PATTERN, description="the code"
            )
        ],
        responses={
            200: ByCodeSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No letter has this code."),
            429: OpenApiResponse(ErrorSerializer, description="Too many look-ups; wait."),
        },
        tags=["suggestions"],
    )
    @action(
        detail=False,
        methods=["get"],
        url_path=rf"by-code/(?P<code>{CODE_PATTERN[1:-1]})",
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[CodeThrottle],
    )
    def by_code(self, request, code=None):
        suggestion = services.find_by_code(code)
        if suggestion is None:
            raise NotFound(_("No letter has this code."))
        return Response(ByCodeSerializer(suggestion).data)


router = SimpleRouter()
router.register("suggestions", SuggestionViewSet, basename="api-suggestion")
urlpatterns = router.urls

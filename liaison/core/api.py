"""What every area's API shares: the requesting person, refusals as `{"detail": …}` and
their description in the OpenAPI schema.

- A refused action answers `{"detail": message}` in the user's language with the service
  error's status: 400 invalid input, 403 not allowed, 409 wrong state. A malformed body
  answers 400 with field errors and a `detail` summary.
- Token authentication runs after the middleware that sets `request.person`, so the
  person is worked out here from the authenticated user.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from liaison.core.errors import ServiceError
from liaison.core.people import person_of


def describe_times_of_day(result, generator, request, public):
    """drf-spectacular post-processing hook. A time of day is written as the clock shows it
    ("16:00:00", no offset), which JSON Schema's `time` format refuses (it needs one): the
    schema gives its shape instead."""

    def visit(node):
        if isinstance(node, dict):
            if node.get("type") == "string" and node.get("format") == "time":
                del node["format"]
                node["pattern"] = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result


def describe_missing_pages(result, generator, request, public):
    """drf-spectacular post-processing hook: a list in pages answers 404 for a page past
    its last (DRF's paginator, `{"detail": …}`), which the schema would otherwise omit."""
    for operations in result["paths"].values():
        for operation in operations.values():
            pages = any(
                p["in"] == "query" and p["name"] == "page" for p in operation.get("parameters", [])
            )
            if pages and "404" not in operation["responses"]:
                operation["responses"]["404"] = {
                    "description": "No such page.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                }
    return result


class ErrorSerializer(serializers.Serializer):
    """A refusal: the message in the user's language (Accept-Language; Chinese by default).
    A 400 for a malformed body also carries the field errors, keyed by field name."""

    detail = serializers.CharField()


def refusals(success: dict) -> dict:
    """The responses of an action: `success` and the refusals every action may answer."""
    return success | {
        400: OpenApiResponse(
            ErrorSerializer, description="Invalid input: `detail`, and field errors by field."
        ),
        403: OpenApiResponse(ErrorSerializer, description="You may not do this (`detail`)."),
        404: OpenApiResponse(ErrorSerializer, description="Nothing of that id visible to you."),
        409: OpenApiResponse(
            ErrorSerializer,
            description="The state does not allow it now; `detail` says what happened (for "
            "example who acted first, and when).",
        ),
    }


class HasPerson(BasePermission):
    """Only people of an organization work with the API."""

    message = gettext_lazy(
        "Your account is not linked to a person in any organization; ask an administrator."
    )

    def has_permission(self, request, view):
        return person_of(request.user) is not None


def _first_message(errors) -> str:
    """The first error message, after its field's name: a one-line `detail` for clients
    that show one message."""
    if isinstance(errors, dict):
        items = errors.items()
    elif isinstance(errors, list):
        items = ((None, value) for value in errors)
    else:
        return str(errors)
    for key, value in items:
        message = _first_message(value)
        if message:
            named = isinstance(key, str) and key not in ("non_field_errors", "detail")
            return f"{key}: {message}" if named else message
    return ""


class PersonAPIMixin:
    """The requesting person on `self.person`; service refusals as `{"detail": …}`."""

    permission_classes = [IsAuthenticated, HasPerson]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.person = person_of(request.user)

    def handle_exception(self, exc):
        if isinstance(exc, ServiceError):
            return Response({"detail": exc.message}, status=exc.status)
        if isinstance(exc, ConcurrentTransition):
            return Response(
                {
                    "detail": _(
                        "Someone else changed this at the same moment; reload it and try again."
                    )
                },
                status=status.HTTP_409_CONFLICT,
            )
        response = super().handle_exception(exc)
        if (
            isinstance(exc, ValidationError)
            and isinstance(response.data, dict)
            and "detail" not in response.data
        ):
            response.data = {"detail": _first_message(response.data), **response.data}
        elif isinstance(exc, ValidationError) and isinstance(response.data, list):
            response.data = {"detail": _first_message(response.data), "errors": response.data}
        return response

    def valid(self, serializer_class, data) -> dict:
        serializer = serializer_class(
            data=data, context={"request": self.request, "person": self.person}
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

"""What the meetings serializers share: rooms named by code, kinds as text, optional text."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.matters.serializers import OrganizationLookup

from ..models import MeetingKind, Room

# Kinds are text in the schema, not an enum: the matters' links have a `kind` enum too.
KIND_HELP = "one of " + ", ".join(f"`{kind}`" for kind in MeetingKind.values)


def code_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


def online_link_field():
    # A string, not a `uri`: empty when the meeting is not online.
    return serializers.CharField(read_only=True, help_text="web address, or empty")


def text_field(help_text: str, **kwargs):
    # Blank is let through: the service refuses it with its own message.
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=help_text, **kwargs
    )


@extend_schema_field(OpenApiTypes.STR)
class RoomCodeField(OrganizationLookup):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "room code (see /api/v1/rooms/)")
        super().__init__(**kwargs)

    def lookup(self, organization, value):
        return Room.objects.filter(organization=organization, code=value).first()

    def unknown(self, value):
        return _("Unknown room: %(code)s") % {"code": value}

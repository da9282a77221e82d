"""API serializers for letters: what the API shows and what it accepts. Input serializers
check types and turn department codes into departments of the person's organization; the
rules stay in services.py. Departments are named by code."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.matters.serializers import DepartmentCodeField

from . import services
from .models import Channel, Kind, Mailbox, Suggestion

# Kinds and channels are text in the schema, not enums: matters' links and communication
# plans have `kind` and `channel` enums of their own.
KIND_HELP = "one of " + ", ".join(f"`{kind}`" for kind in Kind.values)
CHANNEL_HELP = "one of " + ", ".join(f"`{channel}`" for channel in Channel.values)


@extend_schema_field(OpenApiTypes.STR)
class TextChoiceField(serializers.ChoiceField):
    """A choice checked on input, shown as text in the schema."""


class SuggestionInputSerializer(serializers.Serializer):
    mailbox = serializers.ChoiceField(choices=Mailbox.choices, default=Mailbox.BOX)
    kind = TextChoiceField(choices=Kind.choices, help_text=KIND_HELP)
    subject = serializers.CharField(max_length=services.MAX_SUBJECT)
    body = serializers.CharField(max_length=services.MAX_BODY)
    department = DepartmentCodeField(
        required=False, allow_null=True, help_text="code of the department concerned"
    )
    anonymous = serializers.BooleanField(
        default=False,
        help_text="Store nothing that names the writer; the answer's retrieval_code is the "
        "only way back to the reply.",
    )

    def suggestion_input(self, data: dict) -> services.SuggestionInput:
        return services.SuggestionInput(
            kind=data["kind"],
            mailbox=data["mailbox"],
            subject=data["subject"],
            body=data["body"],
            department=data.get("department"),
            anonymous=data["anonymous"],
        )


class _DepartmentSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class _MatterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)


class SuggestionSerializer(serializers.ModelSerializer):
    """A letter as its handlers (and its signed writer) see it."""

    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    channel = serializers.CharField(read_only=True, help_text=CHANNEL_HELP)
    department = _DepartmentSerializer(read_only=True, allow_null=True)
    writer = serializers.SerializerMethodField(
        help_text="name of who signed the letter; null when anonymous"
    )
    replied_by = serializers.CharField(source="replied_by.name", read_only=True, allow_null=True)
    matter = _MatterSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "mailbox",
            "kind",
            "subject",
            "body",
            "department",
            "anonymous",
            "writer",
            "writer_contact",
            "channel",
            "created_at",
            "status",
            "reply",
            "replied_by",
            "replied_at",
            "matter",
            "published",
            "published_at",
        ]
        read_only_fields = fields

    def get_writer(self, suggestion) -> str | None:
        return suggestion.signed_by or None


class CreatedSerializer(SuggestionSerializer):
    retrieval_code = serializers.SerializerMethodField(
        help_text="shown this once; only a hash of it is kept"
    )

    class Meta(SuggestionSerializer.Meta):
        fields = [*SuggestionSerializer.Meta.fields, "retrieval_code"]
        read_only_fields = fields

    def get_retrieval_code(self, suggestion) -> str:
        return self.context["code"]


class ByCodeSerializer(serializers.ModelSerializer):
    """What the holder of the code reads: the letter, its reply, any matter opened."""

    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    department = _DepartmentSerializer(read_only=True, allow_null=True)
    received_on = serializers.SerializerMethodField()
    matter = _MatterSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Suggestion
        fields = [
            "mailbox",
            "kind",
            "subject",
            "body",
            "department",
            "received_on",
            "status",
            "reply",
            "replied_at",
            "matter",
            "published",
        ]
        read_only_fields = fields

    def get_received_on(self, suggestion) -> str:
        return timezone.localtime(suggestion.created_at).date().isoformat()


class ReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.MAX_REPLY)


class RouteInputSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="default: the subject"
    )
    lead_department = DepartmentCodeField(
        required=False,
        allow_null=True,
        help_text="department code; empty: the coordinating office dispatches it",
    )


class PublishInputSerializer(serializers.Serializer):
    published = serializers.BooleanField(default=True, help_text="false withdraws it")

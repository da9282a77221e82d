"""API serializers for supervision. People are shown by username, departments by code,
as in the matters API; rules stay in services.py."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.matters.serializers import UsernameField, UsernameInputField

from .models import Rectification, Supervision, Urge, rag_of


class UrgeSerializer(serializers.ModelSerializer):
    by = UsernameField()

    class Meta:
        model = Urge
        fields = ["sequence", "by", "at", "note"]
        read_only_fields = fields


class RectificationSerializer(serializers.ModelSerializer):
    # Not an enum in the schema: the matter's `state` enum has the same name.
    state = serializers.CharField(read_only=True, help_text="`submitted`, `accepted` or `rejected`")
    submitted_by = UsernameField()
    reviewed_by = UsernameField()

    class Meta:
        model = Rectification
        fields = [
            "id",
            "state",
            "measures",
            "evidence",
            "completion_date",
            "submitted_by",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_reason",
        ]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer):
    matter = serializers.PrimaryKeyRelatedField(read_only=True, help_text="matter id")
    supervisor = UsernameField()
    supervising_department = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="department code"
    )
    rag = serializers.SerializerMethodField()
    urge_count = serializers.SerializerMethodField()
    urges = UrgeSerializer(many=True, read_only=True)
    rectifications = RectificationSerializer(many=True, read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "matter",
            "supervisor",
            "supervising_department",
            "deadline",
            "reason",
            "rectification_required",
            "is_active",
            "created_at",
            "ended_at",
            "rag",
            "urge_count",
            "urges",
            "rectifications",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ChoiceField(
            choices=["red", "amber", "green"],
            allow_null=True,
            help_text="red, amber or green while active; null once ended",
        )
    )
    def get_rag(self, supervision: Supervision) -> str | None:
        if not supervision.is_active:
            return None
        rectifications = list(supervision.rectifications.all())
        return rag_of(
            deadline=supervision.deadline,
            today=timezone.localdate(),
            urge_count=len(supervision.urges.all()),
            last_state=rectifications[-1].state if rectifications else None,
        )

    def get_urge_count(self, supervision: Supervision) -> int:
        return len(supervision.urges.all())


def _text(help_text: str):
    # Blank is let through: the service refuses it with its own message, after the state.
    return serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=True, help_text=help_text
    )


class SuperviseSerializer(serializers.Serializer):
    deadline = serializers.DateField(help_text="rectify by (限期), not in the past")
    reason = _text("required")
    supervisor = UsernameInputField(
        required=False,
        allow_null=True,
        default=None,
        help_text="username of the supervisor (default: you)",
    )
    rectification_required = serializers.BooleanField(required=False, default=True)


class UrgeInputSerializer(serializers.Serializer):
    note = _text("optional note to the holder")


class RectifySerializer(serializers.Serializer):
    measures = _text("required: the rectification measures")
    evidence = _text("required: the evidence")
    completion_date = serializers.DateField()


class RectifyWithFilesSerializer(RectifySerializer):
    file = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="one or several files"
    )


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = _text("required when the reply is rejected")

"""Attendance at a meeting as the API shows it, and what it accepts to record it."""

from rest_framework import serializers

from liaison.matters.serializers import UsernameField, UsernameInputField

from .fields import text_field


class AttendanceRowSerializer(serializers.Serializer):
    person = UsernameField()
    name = serializers.CharField(source="person.name", read_only=True)
    presence = serializers.CharField(
        source="record.presence",
        read_only=True,
        allow_null=True,
        help_text="`present`, `absent`, `substituted`, or null: not recorded",
    )
    reason = serializers.CharField(source="record.reason", read_only=True, allow_null=True)
    substitute = UsernameField(source="record.substitute")
    recorded_by = UsernameField(source="record.recorded_by")
    recorded_at = serializers.DateTimeField(
        source="record.recorded_at", read_only=True, allow_null=True
    )


class PresenceInputSerializer(serializers.Serializer):
    person = UsernameInputField()
    presence = serializers.CharField(help_text="`present`, `absent` or `substituted`")
    reason = text_field("why absent")
    substitute = UsernameInputField(required=False, allow_null=True, default=None)


class AttendanceInputSerializer(serializers.Serializer):
    records = PresenceInputSerializer(many=True)

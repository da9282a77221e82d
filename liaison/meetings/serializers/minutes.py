"""Minutes and their decisions as the API shows them, and what it accepts to write them."""

from rest_framework import serializers

from liaison.matters.serializers import DepartmentCodeField, UsernameField, UsernameInputField

from .fields import text_field


class DecisionSerializer(serializers.Serializer):
    position = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    owner_department = serializers.CharField(source="owner_department.code", read_only=True)
    responsible = UsernameField()
    due = serializers.DateField(read_only=True)
    matter = serializers.IntegerField(
        source="matter_id", read_only=True, allow_null=True, help_text="set on approval"
    )


class ReceiptSerializer(serializers.Serializer):
    person = UsernameField()
    sent_at = serializers.DateTimeField(read_only=True)
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)


class MinutesSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    recorder = UsernameField()
    summary = serializers.CharField(read_only=True)
    state = serializers.CharField(read_only=True, help_text="`draft` or `approved`")
    updated_by = UsernameField()
    updated_at = serializers.DateTimeField(read_only=True)
    approved_by = UsernameField()
    approved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    decisions = DecisionSerializer(many=True, read_only=True, source="decisions.all")
    receipts = ReceiptSerializer(many=True, read_only=True, source="receipts.all")


class DecisionInputSerializer(serializers.Serializer):
    title = text_field("what was decided (becomes the matter's title)")
    detail = text_field("optional")
    owner_department = DepartmentCodeField()
    responsible = UsernameInputField(help_text="username of a person of the owner department")
    due = serializers.DateField()


class MinutesInputSerializer(serializers.Serializer):
    summary = text_field("required")
    recorder = UsernameInputField(
        required=False, allow_null=True, default=None, help_text="named by the organizers"
    )
    decisions = DecisionInputSerializer(many=True, required=False, default=list)


class ApprovedSerializer(serializers.Serializer):
    matters = serializers.ListField(
        child=serializers.IntegerField(), help_text="ids of the matters the decisions became"
    )
    minutes = MinutesSerializer()

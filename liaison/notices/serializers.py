"""The notices API's shapes: people by username, departments by code."""

from rest_framework import serializers

from liaison.matters.serializers import UsernameField
from liaison.org.models import PositionRole

from .models import AudienceEntry, Notice, NoticeKind


class AudienceEntrySerializer(serializers.ModelSerializer):
    department = serializers.CharField(
        source="department.code", default=None, read_only=True, allow_null=True
    )
    group = serializers.CharField(
        source="group.name", default=None, read_only=True, allow_null=True
    )
    person = serializers.CharField(
        source="person.user.username", default=None, read_only=True, allow_null=True
    )
    # A read-only model field loses its blank choice: empty unless the entry is by role.
    role = serializers.ChoiceField(PositionRole.choices, allow_blank=True, read_only=True)

    class Meta:
        model = AudienceEntry
        fields = ["kind", "department", "with_subtree", "role", "group", "person"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    author = UsernameField()
    author_department = serializers.CharField(source="author_department.code", read_only=True)
    published_by = UsernameField()
    audience = AudienceEntrySerializer(many=True, read_only=True)
    is_expired = serializers.BooleanField(read_only=True)
    read = serializers.SerializerMethodField(
        help_text="Whether the requesting person has read it (null: not one of its readers)."
    )

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "state",
            "author",
            "author_department",
            "to_everyone",
            "audience",
            "require_read",
            "require_action",
            "action_due",
            "pinned",
            "expires_at",
            "is_expired",
            "created_at",
            "published_at",
            "published_by",
            "withdrawn_at",
            "withdraw_reason",
            "recipient_count",
            "read",
        ]
        read_only_fields = fields

    def get_read(self, notice) -> bool | None:
        receipts = self.context.get("receipts") or {}
        if notice.pk not in receipts:
            return None
        return receipts[notice.pk] is not None


class NoticeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    author_department = serializers.CharField(
        required=False,
        help_text="Code of the issuing department (default: your first department).",
    )
    to_everyone = serializers.BooleanField(default=False)
    departments = serializers.ListField(
        child=serializers.CharField(), required=False, default=list, help_text="Department codes."
    )
    with_subtree = serializers.BooleanField(
        default=False, help_text="Include the departments' sub-departments."
    )
    positions = serializers.ListField(
        child=serializers.ChoiceField(choices=PositionRole.choices),
        required=False,
        default=list,
        help_text="Positions, organization-wide (for example head, liaison_officer).",
    )
    groups = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="Coordination group names.",
    )
    usernames = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    require_read = serializers.BooleanField(default=True)
    require_action = serializers.BooleanField(default=False)
    action_due = serializers.DateField(required=False, allow_null=True, default=None)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    pinned = serializers.BooleanField(default=False)
    publish = serializers.BooleanField(
        default=False, help_text="Publish at once (otherwise a draft is kept)."
    )


class RelayInputSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, help_text="Code of the department (default: every one you relay for)."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RemindInputSerializer(serializers.Serializer):
    department = serializers.CharField(
        required=False, help_text="Code of the department (default: all you may remind)."
    )


class RemindedSerializer(serializers.Serializer):
    readers = serializers.IntegerField()
    relayers = serializers.IntegerField()
    skipped = serializers.IntegerField(help_text="Reminded less than an hour ago.")


class WithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReadSerializer(serializers.Serializer):
    read_at = serializers.DateTimeField(allow_null=True)
    first = serializers.BooleanField(help_text="True when this call recorded the reading.")


class DepartmentStatsSerializer(serializers.Serializer):
    department = serializers.CharField(allow_null=True, help_text="Department code.")
    department_name = serializers.CharField(allow_null=True)
    relayed = serializers.BooleanField()
    relayed_at = serializers.DateTimeField(allow_null=True)
    relayed_by = serializers.CharField(allow_null=True, help_text="username")
    total = serializers.IntegerField()
    delivered = serializers.IntegerField(help_text="Who can see it (after the relay).")
    read = serializers.IntegerField()
    unread = serializers.ListField(child=serializers.CharField(), help_text="usernames")
    matter = serializers.CharField(
        allow_null=True, help_text="Number of the department's reply matter."
    )
    matter_state = serializers.CharField(allow_null=True)


class NoticeStatsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    delivered = serializers.IntegerField()
    read = serializers.IntegerField()
    departments = DepartmentStatsSerializer(many=True)

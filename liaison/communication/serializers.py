"""API serializers for communication plans: what the API shows and what it accepts.
Departments are named by code and people by username, as in the matters API; stakeholders
by their id. Every rule stays in policy.py and the services, whose messages the API passes
on."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.matters.serializers import DepartmentCodeField, UsernameField, UsernameInputField

from . import services
from .models import Channel, Distribution, Layer, Level, PlanRow, Project, Stakeholder

# Not enums in the schema: the matters have a `kind` and a `state` enum of their own.
STATE_HELP = "`due`, `sent` or `skipped`"
KIND_HELP = "`person`, `department` or `external`"


def _code(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


# Output.


class StakeholderSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    name = serializers.CharField(source="__str__", read_only=True)
    person = UsernameField()
    department = _code(allow_null=True, help_text="department code")
    # Read-only model fields lose their blank choice: both may be left empty.
    interest = serializers.ChoiceField(Level.choices, allow_blank=True, read_only=True)
    preferred_channel = serializers.ChoiceField(Channel.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Stakeholder
        fields = [
            "id",
            "kind",
            "name",
            "person",
            "department",
            "external_name",
            "external_unit",
            "external_contact",
            "role",
            "layer",
            "influence",
            "interest",
            "information_needs",
            "preferred_channel",
        ]
        read_only_fields = fields


class PlanRowSerializer(serializers.ModelSerializer):
    stakeholders = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="stakeholder ids"
    )
    owner = UsernameField()
    schedule = serializers.SerializerMethodField(help_text="the rule and due time in words")

    class Meta:
        model = PlanRow
        fields = [
            "id",
            "information",
            "content",
            "stakeholders",
            "rule",
            "schedule",
            "start_date",
            "due_time",
            "time_zone",
            "channel",
            "owner",
            "is_active",
            "next_due_at",
        ]
        read_only_fields = fields

    def get_schedule(self, row) -> str:
        return services.describe(row)


class ProjectSerializer(serializers.ModelSerializer):
    owner_department = _code(help_text="department code")
    manager = UsernameField()
    stakeholders = StakeholderSerializer(many=True, read_only=True)
    rows = PlanRowSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "name",
            "description",
            "owner_department",
            "manager",
            "start_date",
            "end_date",
            "is_active",
            "stakeholders",
            "rows",
        ]
        read_only_fields = fields


class DistributionSerializer(serializers.ModelSerializer):
    project = serializers.IntegerField(source="row.project_id", read_only=True)
    information = serializers.CharField(source="row.information", read_only=True)
    channel = serializers.CharField(source="row.channel", read_only=True)
    state = serializers.CharField(read_only=True, help_text=STATE_HELP)
    overdue = serializers.SerializerMethodField(
        help_text="due and not sent by the end of its due day"
    )
    owner = UsernameField()
    sent_by = UsernameField()
    skipped_by = UsernameField()
    sent_to = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="stakeholder ids"
    )
    # A string, not a `uri`: empty unless the sender gave a link.
    link = serializers.CharField(read_only=True, help_text="web address, or empty")

    class Meta:
        model = Distribution
        fields = [
            "id",
            "project",
            "row",
            "information",
            "channel",
            "due_at",
            "owner",
            "audience",
            "state",
            "overdue",
            "sent_at",
            "sent_by",
            "sent_to",
            "skipped_at",
            "skipped_by",
            "note",
            "link",
            "attachment_name",
        ]
        read_only_fields = fields

    def get_overdue(self, distribution) -> bool:
        return distribution.is_overdue()


# Input.


class StakeholderInputSerializer(serializers.Serializer):
    person = UsernameInputField(required=False, allow_null=True, default=None)
    department = DepartmentCodeField(required=False, allow_null=True, default=None)
    external_name = serializers.CharField(required=False, allow_blank=True, default="")
    external_unit = serializers.CharField(required=False, allow_blank=True, default="")
    external_contact = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.CharField(required=False, allow_blank=True, default="")
    layer = serializers.ChoiceField(choices=Layer.choices)
    influence = serializers.ChoiceField(choices=Level.choices)
    interest = serializers.ChoiceField(
        choices=Level.choices, required=False, allow_blank=True, default=""
    )
    information_needs = serializers.CharField(required=False, allow_blank=True, default="")
    preferred_channel = serializers.ChoiceField(
        choices=Channel.choices, required=False, allow_blank=True, default=""
    )


class RowInputSerializer(serializers.Serializer):
    information = serializers.CharField(max_length=200)
    content = serializers.CharField(required=False, allow_blank=True, default="")
    to = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        help_text="positions (from 0) in this request's `stakeholders` list",
    )
    rule = serializers.CharField(
        max_length=300, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR"
    )
    start_date = serializers.DateField()
    due_time = serializers.TimeField(required=False, default=None)
    channel = serializers.ChoiceField(choices=Channel.choices)
    owner = UsernameInputField()


class ProjectInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner_department = DepartmentCodeField()
    manager = UsernameInputField()
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    stakeholders = StakeholderInputSerializer(many=True, required=False, default=list)
    rows = RowInputSerializer(many=True, required=False, default=list)

    def validate(self, data):
        count = len(data["stakeholders"])
        for row in data["rows"]:
            if any(index >= count for index in row["to"]):
                raise serializers.ValidationError(
                    {"rows": _("A row's `to` names a stakeholder that is not in the list.")}
                )
        return data


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class StakeholderIdsField(serializers.ListField):
    child = serializers.IntegerField()


class SentSerializer(serializers.Serializer):
    sent_to = StakeholderIdsField(
        required=False,
        allow_null=True,
        default=None,
        help_text="stakeholder ids; empty or left out: the row's stakeholders",
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    link = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None)


class SkipSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")

"""The agenda of a meeting as the API shows it, and what it accepts to change it."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.matters.serializers import UsernameField, UsernameInputField

from .fields import text_field


class AgendaItemSerializer(serializers.Serializer):
    """An agenda row (selectors.AgendaRow) as the requesting person sees it."""

    id = serializers.IntegerField(source="item.pk", read_only=True)
    position = serializers.IntegerField(source="item.position", read_only=True)
    # As the person may see them: without a matter's number and title they may not see.
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    department = serializers.CharField(
        source="item.department.code", read_only=True, allow_null=True, help_text="department code"
    )
    matter = serializers.IntegerField(
        source="matter.pk",
        read_only=True,
        allow_null=True,
        help_text="matter id; null also when the person may not see the matter",
    )
    matter_number = serializers.CharField(source="matter.number", read_only=True, allow_null=True)
    presenter = UsernameField(source="item.presenter")
    minutes = serializers.IntegerField(source="item.minutes", read_only=True, allow_null=True)
    start = serializers.DateTimeField(read_only=True, allow_null=True, help_text="time slot")
    end = serializers.DateTimeField(read_only=True, allow_null=True)
    state = serializers.CharField(
        source="item.state", read_only=True, help_text="`proposed`, `accepted` or `declined`"
    )
    source = serializers.CharField(
        source="item.source", read_only=True, help_text="`proposed` or `escalated`"
    )
    decline_reason = serializers.CharField(source="item.decline_reason", read_only=True)
    prebriefing = serializers.CharField(
        read_only=True, help_text="The pre-briefing (通气), only for the people it names."
    )
    proposed_by = UsernameField(source="item.proposed_by")
    proposed_at = serializers.DateTimeField(source="item.proposed_at", read_only=True)


class CarriedActionSerializer(serializers.Serializer):
    """A decision carried over; its matter's number only for who may see the matter
    (the context's `visible_matters`, as on the page)."""

    title = serializers.CharField(read_only=True)
    matter = serializers.IntegerField(source="matter_id", read_only=True)
    matter_number = serializers.SerializerMethodField()
    matter_state = serializers.CharField(source="matter.state", read_only=True)
    owner_department = serializers.CharField(source="owner_department.code", read_only=True)
    responsible = UsernameField()
    due = serializers.DateField(read_only=True)

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="null when the person may not see the matter"
        )
    )
    def get_matter_number(self, decision) -> str | None:
        if decision.matter_id in self.context.get("visible_matters", ()):
            return decision.matter.number
        return None


class AgendaSerializer(serializers.Serializer):
    cutoff = serializers.DateTimeField(read_only=True, help_text="proposals close then")
    items = AgendaItemSerializer(many=True, read_only=True)
    previous_meeting = serializers.IntegerField(read_only=True, allow_null=True)
    carried_over = CarriedActionSerializer(
        many=True,
        read_only=True,
        help_text="Open decisions of the previous meeting of the series, with their state.",
    )


class ItemInputSerializer(serializers.Serializer):
    title = text_field("required")
    description = text_field("optional")
    matter = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="id of a matter it is about"
    )
    presenter = UsernameInputField(required=False, allow_null=True, default=None)
    minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="length of its slot"
    )
    prebriefing = text_field("pre-briefing (通气), read only by `prebriefed`")
    prebriefed = serializers.ListField(
        child=UsernameInputField(), required=False, default=list, help_text="usernames"
    )


class DecideItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="agenda item id")
    accept = serializers.BooleanField(help_text="true: on the agenda; false: declined")
    reason = text_field("required when declining")


class OrderSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(), help_text="every agenda item id, in the new order"
    )

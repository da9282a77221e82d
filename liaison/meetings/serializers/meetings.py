"""What the API shows of series, meetings and rooms."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.core.people import person_of
from liaison.matters.serializers import UsernameField

from .. import recurrence, selectors
from ..models import Attendance, EmergencyCall, Meeting, MeetingSeries, Room
from .fields import KIND_HELP, code_field, online_link_field


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["code", "name", "location", "capacity"]
        read_only_fields = fields


class ClashSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True, help_text="`room`, `head` or `person`")
    start = serializers.DateTimeField(read_only=True, help_text="of the new or moved meeting")
    end = serializers.DateTimeField(read_only=True)
    meeting = serializers.IntegerField(
        source="other.pk", read_only=True, help_text="id of the meeting it clashes with"
    )
    person = UsernameField()
    department = serializers.CharField(
        source="department.code", read_only=True, allow_null=True, help_text="department code"
    )
    room = serializers.CharField(
        source="room.code", read_only=True, allow_null=True, help_text="room code"
    )
    message = serializers.CharField(read_only=True)


def _warnings_field():
    return serializers.SerializerMethodField(
        help_text="Clashes (会议撞车) found by this change: warnings, the change was made. "
        "Empty when reading."
    )


class ParticipantDepartmentSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code", read_only=True)
    name = serializers.CharField(source="department.name", read_only=True)
    attendance = serializers.ChoiceField(choices=Attendance.choices, read_only=True)


class OccurrenceSerializer(serializers.ModelSerializer):
    # Not an enum in the schema: the matter's `state` enum has the same name.
    state = serializers.CharField(read_only=True, help_text="`scheduled`, `cancelled` or `held`")

    class Meta:
        model = Meeting
        fields = ["id", "start", "end", "recurrence_id", "state", "overridden"]
        read_only_fields = fields


class _InvitationMixin(serializers.Serializer):
    departments = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()

    def _rows(self, owner):
        # Prefetched by the API (PARTICIPANTS) for lists.
        return list(owner.participants.all())

    @extend_schema_field(ParticipantDepartmentSerializer(many=True))
    def get_departments(self, owner) -> list:
        rows = [p for p in self._rows(owner) if p.department_id]
        return ParticipantDepartmentSerializer(rows, many=True).data

    @extend_schema_field(
        serializers.ListField(child=serializers.CharField(), help_text="usernames")
    )
    def get_people(self, owner) -> list:
        return [p.person.user.username for p in self._rows(owner) if p.person_id]

    @extend_schema_field(ClashSerializer(many=True))
    def get_warnings(self, _owner) -> list:
        return ClashSerializer(self.context.get("warnings", ()), many=True).data


class SeriesSerializer(_InvitationMixin, serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    organizer = code_field(help_text="department code")
    chair = UsernameField()
    room = code_field(allow_null=True, help_text="room code")
    created_by = UsernameField()
    rule_text = serializers.SerializerMethodField(help_text="The rule in words.")
    next_meetings = serializers.SerializerMethodField()
    online_link = online_link_field()
    warnings = _warnings_field()

    class Meta:
        model = MeetingSeries
        fields = [
            "id",
            "title",
            "kind",
            "organizer",
            "chair",
            "rule",
            "rule_text",
            "start_date",
            "start_time",
            "duration",
            "time_zone",
            "room",
            "online_link",
            "description",
            "for_leading_group",
            "minutes_open_to_organization",
            "departments",
            "people",
            "sequence",
            "created_by",
            "created_at",
            "updated_at",
            "next_meetings",
            "warnings",
        ]
        read_only_fields = fields

    def get_rule_text(self, series) -> str:
        return recurrence.describe(series.rule, series.time_zone)

    @extend_schema_field(OccurrenceSerializer(many=True))
    def get_next_meetings(self, series) -> list:
        meetings = series.meetings.filter(end__gt=timezone.now()).order_by("start")[:5]
        return OccurrenceSerializer(meetings, many=True).data


class CallSerializer(serializers.ModelSerializer):
    person = UsernameField()
    minutes_to_confirm = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = EmergencyCall
        fields = ["person", "called_at", "confirmed_at", "minutes_to_confirm"]
        read_only_fields = fields


class MeetingSerializer(_InvitationMixin, serializers.ModelSerializer):
    series = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="series id, or null"
    )
    title = serializers.CharField(source="headline", read_only=True)
    kind = serializers.CharField(read_only=True, help_text=KIND_HELP)
    # Not an enum in the schema: the matter's `state` enum has the same name.
    state = serializers.CharField(read_only=True, help_text="`scheduled`, `cancelled` or `held`")
    organizer = serializers.CharField(
        source="organizing_department.code", read_only=True, help_text="department code"
    )
    chair = UsernameField(source="chair_person")
    room = code_field(allow_null=True, help_text="room code")
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)
    matter = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="matter id, or null"
    )
    online_link = online_link_field()
    is_moved = serializers.BooleanField(read_only=True)
    cancelled_by = UsernameField()
    calls = CallSerializer(many=True, read_only=True)
    warnings = _warnings_field()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "series",
            "title",
            "kind",
            "start",
            "end",
            "recurrence_id",
            "is_moved",
            "overridden",
            "state",
            "room",
            "room_name",
            "online_link",
            "organizer",
            "chair",
            "is_emergency",
            "matter",
            "departments",
            "people",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "calls",
            "warnings",
        ]
        read_only_fields = fields

    def _rows(self, meeting):
        return super()._rows(meeting.series if meeting.series_id else meeting)

    def to_representation(self, meeting):
        data = super().to_representation(meeting)
        if meeting.matter_id:
            # As on the meeting page: a matter the reader may not see is left out, and so
            # are its number and title in the meeting's own title.
            request = self.context.get("request")
            shown = selectors.shown(meeting, person_of(request.user) if request else None)
            data["title"] = shown.headline
            data["matter"] = shown.matter.pk if shown.matter else None
        return data

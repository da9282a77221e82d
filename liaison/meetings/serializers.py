"""API serializers for meetings: what the API shows and what it accepts. Departments are
named by code, people by username, rooms by code, as in the matters API; every rule stays
in services.py, whose messages the API passes on."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from liaison.core.people import person_of
from liaison.matters.serializers import (
    DepartmentCodeField,
    OrganizationLookup,
    UsernameField,
    UsernameInputField,
)

from . import recurrence, selectors, services
from .models import (
    Attendance,
    EmergencyCall,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Room,
)

# Kinds are text in the schema, not an enum: the matters' links have a `kind` enum too.
KIND_HELP = "one of " + ", ".join(f"`{kind}`" for kind in MeetingKind.values)
#: The longest window a list of meetings covers.
MAX_WINDOW = datetime.timedelta(days=366)


def _code(**kwargs):
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


# Output.


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


def _online_link():
    # A string, not a `uri`: empty when the meeting is not online.
    return serializers.CharField(read_only=True, help_text="web address, or empty")


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
    organizer = _code(help_text="department code")
    chair = UsernameField()
    room = _code(allow_null=True, help_text="room code")
    created_by = UsernameField()
    rule_text = serializers.SerializerMethodField(help_text="The rule in words.")
    next_meetings = serializers.SerializerMethodField()
    online_link = _online_link()
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
    room = _code(allow_null=True, help_text="room code")
    room_name = serializers.CharField(source="room.name", read_only=True, allow_null=True)
    matter = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="matter id, or null"
    )
    online_link = _online_link()
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


# Input.


@extend_schema_field(OpenApiTypes.STR)
class RoomCodeField(OrganizationLookup):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "room code (see /api/v1/rooms/)")
        super().__init__(**kwargs)

    def lookup(self, organization, value):
        return Room.objects.filter(organization=organization, code=value).first()

    def unknown(self, value):
        return _("Unknown room: %(code)s") % {"code": value}


class DepartmentAttendanceSerializer(serializers.Serializer):
    department = DepartmentCodeField()
    attendance = serializers.ChoiceField(choices=Attendance.choices)


def _text(help_text: str, **kwargs):
    # Blank is let through: the service refuses it with its own message.
    return serializers.CharField(
        required=False, allow_blank=True, default="", help_text=help_text, **kwargs
    )


class _InvitationInput(serializers.Serializer):
    organizer = DepartmentCodeField()
    chair = UsernameInputField(required=False, allow_null=True, default=None)
    room = RoomCodeField(required=False, allow_null=True, default=None)
    online_link = _text("web address of the online meeting")
    departments = DepartmentAttendanceSerializer(many=True, required=False, default=list)
    people = serializers.ListField(
        child=UsernameInputField(), required=False, default=list, help_text="usernames"
    )
    description = _text("optional")

    def invitation(self, data) -> dict:
        return {
            "departments": tuple((d["department"], d["attendance"]) for d in data["departments"]),
            "people": tuple(data["people"]),
        }


class SeriesInputSerializer(_InvitationInput):
    title = _text("required")
    # Checked by the service, which also refuses `emergency` for a series.
    kind = serializers.CharField(help_text=KIND_HELP)
    rule = serializers.CharField(help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=FR")
    start_date = serializers.DateField(help_text="the day the rule counts from")
    start_time = serializers.TimeField()
    duration = serializers.IntegerField(help_text="minutes")
    time_zone = serializers.CharField(required=False, default=settings.TIME_ZONE)
    for_leading_group = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Matters escalated to the leading group go on its next meeting's agenda.",
    )
    minutes_open_to_organization = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Everyone in the organization may read the approved minutes (otherwise "
        "those invited, the coordinating and supervision offices and the leaders).",
    )

    def series_input(self, data) -> services.SeriesInput:
        return services.SeriesInput(
            title=data["title"],
            kind=data["kind"],
            organizer=data["organizer"],
            rule=data["rule"],
            start_date=data["start_date"],
            start_time=data["start_time"],
            duration=data["duration"],
            time_zone=data["time_zone"],
            room=data["room"],
            online_link=data["online_link"],
            chair=data["chair"],
            description=data["description"],
            for_leading_group=data["for_leading_group"],
            minutes_open_to_organization=data["minutes_open_to_organization"],
            **self.invitation(data),
        )


class EmergencyInputSerializer(_InvitationInput):
    title = _text("required")
    matter = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="id of the matter it is for"
    )
    start = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="default: now"
    )
    duration = serializers.IntegerField(required=False, default=60, help_text="minutes")


class MeetingFilterSerializer(serializers.Serializer):
    department = DepartmentCodeField(required=False, help_text="meetings it organizes or attends")
    person = UsernameInputField(required=False, help_text="meetings the person is expected at")
    room = RoomCodeField(required=False)
    to = serializers.DateField(required=False, help_text="last day (default: 31 days on)")

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword: the field is added by name.
        fields["from"] = serializers.DateField(
            required=False, help_text="first day (default: today)"
        )
        return fields

    def validate(self, data):
        start = data.get("from") or timezone.localdate()
        end = data.get("to") or start + datetime.timedelta(days=31)
        if end < start:
            raise serializers.ValidationError({"to": _("The last day is before the first.")})
        if end - start > MAX_WINDOW:
            raise serializers.ValidationError({"to": _("Ask for at most a year of meetings.")})
        return {**data, "from": start, "to": end}


class MoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(required=False, allow_null=True, default=None)
    room = RoomCodeField(
        required=False, allow_null=True, help_text="room code; null for none; absent: unchanged"
    )
    online_link = serializers.CharField(
        required=False, allow_blank=True, help_text="absent: unchanged"
    )
    reason = _text("optional")


class CancelSerializer(serializers.Serializer):
    reason = _text("required")


# The agenda, attendance and minutes of a meeting.


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
    title = serializers.CharField(read_only=True)
    matter = serializers.IntegerField(source="matter_id", read_only=True)
    matter_number = serializers.CharField(source="matter.number", read_only=True)
    matter_state = serializers.CharField(source="matter.state", read_only=True)
    owner_department = serializers.CharField(source="owner_department.code", read_only=True)
    responsible = UsernameField()
    due = serializers.DateField(read_only=True)


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
    title = _text("required")
    description = _text("optional")
    matter = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="id of a matter it is about"
    )
    presenter = UsernameInputField(required=False, allow_null=True, default=None)
    minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="length of its slot"
    )
    prebriefing = _text("pre-briefing (通气), read only by `prebriefed`")
    prebriefed = serializers.ListField(
        child=UsernameInputField(), required=False, default=list, help_text="usernames"
    )


class DecideItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="agenda item id")
    accept = serializers.BooleanField(help_text="true: on the agenda; false: declined")
    reason = _text("required when declining")


class OrderSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(), help_text="every agenda item id, in the new order"
    )


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
    reason = _text("why absent")
    substitute = UsernameInputField(required=False, allow_null=True, default=None)


class AttendanceInputSerializer(serializers.Serializer):
    records = PresenceInputSerializer(many=True)


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
    title = _text("what was decided (becomes the matter's title)")
    detail = _text("optional")
    owner_department = DepartmentCodeField()
    responsible = UsernameInputField(help_text="username of a person of the owner department")
    due = serializers.DateField()


class MinutesInputSerializer(serializers.Serializer):
    summary = _text("required")
    recorder = UsernameInputField(
        required=False, allow_null=True, default=None, help_text="named by the organizers"
    )
    decisions = DecisionInputSerializer(many=True, required=False, default=list)


class ApprovedSerializer(serializers.Serializer):
    matters = serializers.ListField(
        child=serializers.IntegerField(), help_text="ids of the matters the decisions became"
    )
    minutes = MinutesSerializer()

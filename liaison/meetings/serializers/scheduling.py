"""What the API accepts to schedule, call, find, move and cancel meetings."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from liaison.matters.serializers import DepartmentCodeField, UsernameInputField

from .. import services
from ..models import Attendance
from .fields import KIND_HELP, RoomCodeField, text_field

#: The longest window a list of meetings covers.
MAX_WINDOW = datetime.timedelta(days=366)


class DepartmentAttendanceSerializer(serializers.Serializer):
    department = DepartmentCodeField()
    attendance = serializers.ChoiceField(choices=Attendance.choices)


class _InvitationInput(serializers.Serializer):
    organizer = DepartmentCodeField()
    chair = UsernameInputField(required=False, allow_null=True, default=None)
    room = RoomCodeField(required=False, allow_null=True, default=None)
    online_link = text_field("web address of the online meeting")
    departments = DepartmentAttendanceSerializer(many=True, required=False, default=list)
    people = serializers.ListField(
        child=UsernameInputField(), required=False, default=list, help_text="usernames"
    )
    description = text_field("optional")

    def invitation(self, data) -> dict:
        return {
            "departments": tuple((d["department"], d["attendance"]) for d in data["departments"]),
            "people": tuple(data["people"]),
        }


class SeriesInputSerializer(_InvitationInput):
    title = text_field("required")
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
    title = text_field("required")
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
            raise serializers.ValidationError({"to": _("The end date is before the start date.")})
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
    reason = text_field("optional")


class CancelSerializer(serializers.Serializer):
    reason = text_field("required")

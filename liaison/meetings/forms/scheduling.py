"""Forms to schedule a series, call an emergency meeting and move a meeting."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.matters.forms import DepartmentChoiceField, DepartmentsChoiceField
from liaison.org.models import Department, Person

from .. import recurrence, services
from ..models import MAX_DURATION_MINUTES, Attendance, MeetingKind, Room
from ..policy import organizable_departments
from .people import PeopleChoiceField, PersonChoiceField


class _MeetingForm(forms.Form):
    """What a series and an emergency meeting share: who organizes, who comes, where."""

    title = forms.CharField(label=_("Title"), max_length=200)
    organizer = DepartmentChoiceField(
        label=_("Organizing department"), queryset=Department.objects.none(), empty_label=None
    )
    chair = PersonChoiceField(
        label=pgettext_lazy("meeting", "Chair"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("None"),
    )
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=_("No room")
    )
    online_link = forms.URLField(
        label=_("Online meeting link"),
        required=False,
        assume_scheme="https",
        help_text=_("A room, a link, or both."),
    )
    heads_of = DepartmentsChoiceField(
        label=_("Departments whose heads attend"),
        queryset=Department.objects.none(),
        required=False,
    )
    liaisons_of = DepartmentsChoiceField(
        label=_("Departments whose liaison officers attend"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("A department in both lists sends its head and its liaison officer."),
    )
    people = PeopleChoiceField(
        label=_("People invited by name"), queryset=Person.objects.none(), required=False
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organization = person.organization
        departments = Department.objects.filter(organization=organization, is_active=True)
        people = Person.objects.filter(organization=organization, is_active=True).order_by(
            "name_pinyin", "pk"
        )
        self.fields["organizer"].queryset = organizable_departments(person)
        self.fields["chair"].queryset = people
        self.fields["people"].queryset = people
        self.fields["room"].queryset = Room.objects.filter(
            organization=organization, is_active=True
        )
        for name in ("heads_of", "liaisons_of"):
            self.fields[name].queryset = departments.order_by("sort_order", "code")
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if name in ("organizer", "chair", "heads_of", "liaisons_of", "people"):
                field.widget.attrs["data-picker"] = name

    def participants(self) -> tuple[tuple, tuple]:
        """(department, attendance) pairs and people, from the two department lists."""
        heads = list(self.cleaned_data.get("heads_of") or ())
        liaisons = list(self.cleaned_data.get("liaisons_of") or ())
        departments = {d.pk: (d, Attendance.HEAD) for d in heads}
        for department in liaisons:
            both = department.pk in departments
            departments[department.pk] = (
                department,
                Attendance.BOTH if both else Attendance.LIAISON_OFFICER,
            )
        return tuple(departments.values()), tuple(self.cleaned_data.get("people") or ())

    @staticmethod
    def participant_initial(departments, people) -> dict:
        return {
            "heads_of": [d for d, a in departments if a in (Attendance.HEAD, Attendance.BOTH)],
            "liaisons_of": [
                d for d, a in departments if a in (Attendance.LIAISON_OFFICER, Attendance.BOTH)
            ],
            "people": list(people),
        }


REPEAT_CHOICES = [
    *((preset.code, preset.label) for preset in recurrence.PRESETS),
    (recurrence.CUSTOM, _("Custom rule (RFC 5545 RRULE)")),
]


class SeriesForm(_MeetingForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(k.value, k.label) for k in MeetingKind if k != MeetingKind.EMERGENCY],
    )
    start_date = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=60
    )
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="weekly")
    rule = forms.CharField(
        label=_("Custom rule"),
        required=False,
        max_length=300,
        help_text=_("For example FREQ=MONTHLY;BYDAY=-1TH (the last Thursday of every month)."),
    )
    until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Leave empty for a series without an end."),
    )
    for_leading_group = forms.BooleanField(
        label=_("The leading group's meeting"),
        required=False,
        help_text=_("Matters escalated to the leading group go on its next meeting's agenda."),
    )
    minutes_open_to_organization = forms.BooleanField(
        label=_("Minutes open to the whole organization"),
        required=False,
        help_text=_(
            "Approved minutes are otherwise for those invited, the coordinating and "
            "supervision offices and the leaders."
        ),
    )

    field_order = [
        "title",
        "kind",
        "organizer",
        "chair",
        "start_date",
        "start_time",
        "duration",
        "repeat",
        "rule",
        "until",
        "room",
        "online_link",
        "heads_of",
        "liaisons_of",
        "people",
        "description",
        "for_leading_group",
        "minutes_open_to_organization",
    ]

    def clean(self):
        data = super().clean()
        if data.get("repeat") == recurrence.CUSTOM and not data.get("rule"):
            self.add_error("rule", _("Give the recurrence rule."))
        return data

    def series_input(self) -> services.SeriesInput:
        data = self.cleaned_data
        if data["repeat"] == recurrence.CUSTOM:
            rule = data["rule"]
        else:
            rule = recurrence.PRESET_CODES[data["repeat"]].rule(data["start_date"])
        try:
            rule = recurrence.with_until(rule, data.get("until"))
        except recurrence.RuleError as error:
            raise services.InvalidInput(error.message) from error
        departments, people = self.participants()
        return services.SeriesInput(
            title=data["title"],
            kind=data["kind"],
            organizer=data["organizer"],
            rule=rule,
            start_date=data["start_date"],
            start_time=data["start_time"],
            duration=data["duration"],
            room=data.get("room"),
            online_link=data.get("online_link") or "",
            chair=data.get("chair"),
            departments=departments,
            people=people,
            description=data.get("description") or "",
            for_leading_group=bool(data.get("for_leading_group")),
            minutes_open_to_organization=bool(data.get("minutes_open_to_organization")),
        )

    @classmethod
    def initial_for(cls, series) -> dict:
        departments = [
            (p.department, p.attendance)
            for p in series.participants.filter(department__isnull=False).select_related(
                "department"
            )
        ]
        people = [
            p.person
            for p in series.participants.filter(person__isnull=False).select_related("person")
        ]
        repeat = recurrence.preset_of(series.rule, series.start_date)
        return {
            "title": series.title,
            "kind": series.kind,
            "organizer": series.organizer,
            "chair": series.chair,
            "start_date": series.start_date,
            "start_time": series.start_time,
            "duration": series.duration,
            "repeat": repeat,
            "rule": recurrence.with_until(series.rule, None) if repeat == recurrence.CUSTOM else "",
            "until": recurrence.until_date(series.rule, series.time_zone),
            "room": series.room,
            "online_link": series.online_link,
            "description": series.description,
            "for_leading_group": series.for_leading_group,
            "minutes_open_to_organization": series.minutes_open_to_organization,
            **cls.participant_initial(departments, people),
        }


class EmergencyForm(_MeetingForm):
    start = forms.DateTimeField(
        label=_("Start"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Empty: now. Within 24 hours."),
    )
    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES, initial=60
    )

    field_order = [
        "title",
        "organizer",
        "start",
        "duration",
        "room",
        "online_link",
        "heads_of",
        "liaisons_of",
        "people",
        "chair",
        "description",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].empty_label = _("You (who call it)")
        self.fields["chair"].help_text = _("Empty: you chair the meeting.")

    def emergency_input(self, matter) -> services.EmergencyInput:
        data = self.cleaned_data
        departments, people = self.participants()
        return services.EmergencyInput(
            title=data["title"],
            organizer=data["organizer"],
            start=data.get("start"),
            duration=data["duration"],
            room=data.get("room"),
            online_link=data.get("online_link") or "",
            chair=data.get("chair"),
            departments=departments,
            people=people,
            description=data.get("description") or "",
            matter=matter,
        )


class MoveForm(forms.Form):
    start = forms.DateTimeField(
        label=_("New start"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=1, max_value=MAX_DURATION_MINUTES
    )
    room = forms.ModelChoiceField(
        label=_("Room"), queryset=Room.objects.none(), required=False, empty_label=_("No room")
    )
    online_link = forms.URLField(
        label=_("Online meeting link"), required=False, assume_scheme="https"
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, meeting, *args, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "start": timezone.localtime(meeting.start),
                "duration": meeting.duration_minutes,
                "room": meeting.room,
                "online_link": meeting.online_link,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(
            organization_id=meeting.organization_id, is_active=True
        )
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def end(self) -> datetime.datetime:
        return self.cleaned_data["start"] + datetime.timedelta(
            minutes=self.cleaned_data["duration"]
        )

"""Forms of the communication pages. They read and check the fields; every rule stays in
policy.py and the services, whose refusals the views put on the form."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.core.errors import InvalidInput
from liaison.core.plain import with_note
from liaison.matters.forms import DepartmentChoiceField
from liaison.matters.services.attachments import size_limit_attrs
from liaison.meetings.forms import PersonChoiceField
from liaison.org.models import Department, Person

from . import schedule, services
from .models import Channel, Layer, Level, PlanRow, Project, Stakeholder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


def _people(person: Person):
    return Person.objects.filter(organization=person.organization, is_active=True).order_by(
        "name_pinyin", "pk"
    )


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    owner_department = DepartmentChoiceField(
        label=_("Owner department"), queryset=Department.objects.none(), empty_label=None
    )
    manager = PersonChoiceField(
        label=_("Project manager"), queryset=Person.objects.none(), empty_label=None
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("End"), required=False, widget=DATE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A closed project sends nothing more."),
    )

    def __init__(self, person: Person, departments, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_department"].queryset = departments
        self.fields["manager"].queryset = _people(person)
        _style(self)

    def project_input(self) -> services.ProjectInput:
        data = self.cleaned_data
        return services.ProjectInput(
            name=data["name"],
            owner_department=data["owner_department"],
            manager=data["manager"],
            description=data.get("description") or "",
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            is_active=bool(data.get("is_active")),
        )

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "name": project.name,
            "owner_department": project.owner_department,
            "manager": project.manager,
            "start_date": project.start_date,
            "end_date": project.end_date,
            "description": project.description,
            "is_active": project.is_active,
        }


PERSON, DEPARTMENT, EXTERNAL = "person", "department", "external"


class StakeholderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of stakeholder"),
        choices=[
            (PERSON, _("A person of the organization")),
            (DEPARTMENT, _("A department")),
            (EXTERNAL, _("An external party")),
        ],
        initial=PERSON,
        widget=forms.RadioSelect,
    )
    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(), required=False, empty_label="—"
    )
    department = DepartmentChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False, empty_label="—"
    )
    external_name = forms.CharField(label=_("External party"), max_length=200, required=False)
    external_unit = forms.CharField(label=_("Unit"), max_length=200, required=False)
    external_contact = forms.CharField(label=_("Contact"), max_length=200, required=False)
    role = forms.CharField(
        label=_("Role in the project"),
        max_length=200,
        required=False,
        help_text=_("For example: sponsor, user representative, vendor."),
    )
    layer = forms.ChoiceField(label=_("Layer"), choices=Layer.choices)
    influence = forms.ChoiceField(label=_("Influence"), choices=Level.choices)
    interest = forms.ChoiceField(
        label=_("Interest"), choices=[("", "—"), *Level.choices], required=False
    )
    information_needs = forms.CharField(
        label=_("Information needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What they need to know, and when."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=[("", "—"), *Channel.choices], required=False
    )

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(person)
        self.fields["department"].queryset = Department.objects.filter(
            organization=person.organization, is_active=True
        ).order_by("sort_order", "code")
        _style(self)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        required = {PERSON: "person", DEPARTMENT: "department", EXTERNAL: "external_name"}
        if kind in required and not data.get(required[kind]):
            self.add_error(required[kind], _("This field is required."))
        return data

    def stakeholder_input(self) -> services.StakeholderInput:
        data = self.cleaned_data
        kind = data["kind"]
        return services.StakeholderInput(
            layer=data["layer"],
            influence=data["influence"],
            person=data.get("person") if kind == PERSON else None,
            department=data.get("department") if kind == DEPARTMENT else None,
            external_name=data.get("external_name", "") if kind == EXTERNAL else "",
            external_unit=data.get("external_unit", "") if kind == EXTERNAL else "",
            external_contact=data.get("external_contact", "") if kind == EXTERNAL else "",
            role=data.get("role") or "",
            interest=data.get("interest") or "",
            information_needs=data.get("information_needs") or "",
            preferred_channel=data.get("preferred_channel") or "",
        )

    @staticmethod
    def initial_for(stakeholder: Stakeholder) -> dict:
        return {
            "kind": stakeholder.kind,
            "person": stakeholder.person,
            "department": stakeholder.department,
            "external_name": stakeholder.external_name,
            "external_unit": stakeholder.external_unit,
            "external_contact": stakeholder.external_contact,
            "role": stakeholder.role,
            "layer": stakeholder.layer,
            "influence": stakeholder.influence,
            "interest": stakeholder.interest,
            "information_needs": stakeholder.information_needs,
            "preferred_channel": stakeholder.preferred_channel,
        }


class StakeholdersField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return with_note(obj, obj.get_layer_display())


REPEAT_CHOICES = [
    *((preset.code, preset.label) for preset in schedule.PRESETS),
    (schedule.CUSTOM, _("Custom rule (RFC 5545 RRULE)")),
]


class RowForm(forms.Form):
    information = forms.CharField(
        label=_("Information"),
        max_length=200,
        help_text=_("What is distributed, e.g. weekly project status."),
    )
    content = forms.CharField(
        label=_("Content and form"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What it contains, e.g. last week's progress, this week's plan, problems."),
    )
    stakeholders = StakeholdersField(label=_("To whom"), queryset=Stakeholder.objects.none())
    start_date = forms.DateField(
        label=_("First day"),
        widget=DATE,
        help_text=_(
            "The repetition counts from this day; the first distribution is on or after it."
        ),
    )
    due_time = forms.TimeField(label=_("Due time"), widget=TIME, initial=datetime.time(9, 0))
    repeat = forms.ChoiceField(label=_("How often"), choices=REPEAT_CHOICES, initial="weekly")
    rule = forms.CharField(
        label=_("Custom rule"),
        required=False,
        max_length=300,
        help_text=_("For example FREQ=MONTHLY;BYDAY=-1FR (the last Friday of every month)."),
    )
    until = forms.DateField(
        label=_("Last day"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to repeat until the row is ended."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    owner = PersonChoiceField(label=_("By whom"), queryset=Person.objects.none(), empty_label=None)
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        initial=True,
        help_text=_("A row not in use falls due no more."),
    )

    field_order = [
        "information",
        "content",
        "stakeholders",
        "channel",
        "owner",
        "start_date",
        "due_time",
        "repeat",
        "rule",
        "until",
        "is_active",
    ]

    def __init__(self, project: Project, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = project.stakeholders.select_related(
            "person", "department"
        ).order_by("layer", "pk")
        self.fields["owner"].queryset = _people(person)
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("repeat") == schedule.CUSTOM and not data.get("rule"):
            self.add_error("rule", _("Give the recurrence rule."))
        return data

    def row_input(self) -> services.RowInput:
        data = self.cleaned_data
        if data["repeat"] == schedule.CUSTOM:
            rule = data["rule"]
        else:
            rule = schedule.PRESET_CODES[data["repeat"]].rule(data["start_date"])
        try:
            rule = schedule.with_until(rule, data.get("until"))
        except schedule.RuleError as error:
            raise InvalidInput(error.message) from error
        return services.RowInput(
            information=data["information"],
            content=data.get("content") or "",
            stakeholders=tuple(data["stakeholders"]),
            rule=rule,
            start_date=data["start_date"],
            due_time=data["due_time"],
            channel=data["channel"],
            owner=data["owner"],
            is_active=bool(data.get("is_active")),
        )

    @staticmethod
    def initial_for(row: PlanRow) -> dict:
        repeat = schedule.preset_of(row.rule, row.start_date)
        return {
            "information": row.information,
            "content": row.content,
            "stakeholders": list(row.stakeholders.all()),
            "start_date": row.start_date,
            "due_time": row.due_time,
            "repeat": repeat,
            "rule": schedule.with_until(row.rule, None) if repeat == schedule.CUSTOM else "",
            "until": schedule.until_date(row.rule, row.time_zone),
            "channel": row.channel,
            "owner": row.owner,
            "is_active": row.is_active,
        }

    @staticmethod
    def initial_new(person: Person) -> dict:
        return {"start_date": timezone.localdate(), "owner": person, "channel": Channel.EMAIL}


class SentForm(forms.Form):
    sent_to = StakeholdersField(label=_("Sent to"), queryset=Stakeholder.objects.none())
    note = forms.CharField(
        label=_("What was sent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A short note of what was sent, e.g. the report's title or main points."),
    )
    link = forms.URLField(
        label=pgettext_lazy("web address", "Link"),
        required=False,
        assume_scheme="https",
        max_length=500,
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, distribution, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(size_limit_attrs())
        row = distribution.row
        self.fields["sent_to"].queryset = row.project.stakeholders.select_related(
            "person", "department"
        ).order_by("layer", "pk")
        self.fields["sent_to"].initial = [s.pk for s in row.stakeholders.all()]
        _style(self)


class SkipForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it skipped?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

"""Forms of the notice pages. They read and check the fields; the rules stay in policy.py
and the services, whose refusals the views put on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.matters.forms import DepartmentChoiceField, DepartmentsChoiceField
from liaison.matters.services.attachments import size_limit_attrs
from liaison.meetings.forms import PeopleChoiceField
from liaison.org.models import CoordinationGroup, Department, Person, PositionRole

from . import policy, services
from .models import NoticeKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=NoticeKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    author_department = DepartmentChoiceField(
        label=_("Issuing department"), queryset=Department.objects.none(), empty_label=None
    )
    to_everyone = forms.BooleanField(label=_("Everyone in the organization"), required=False)
    departments = DepartmentsChoiceField(
        label=pgettext_lazy("notice recipients", "Departments"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Their liaison officers relay it to the department."),
    )
    with_subtree = forms.BooleanField(label=_("Include their sub-departments"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Positions, organization-wide"),
        choices=PositionRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Coordination groups"), queryset=CoordinationGroup.objects.none(), required=False
    )
    people = PeopleChoiceField(
        label=_("People by name"), queryset=Person.objects.none(), required=False
    )
    require_read = forms.BooleanField(
        label=_("Everyone must read it"), required=False, initial=True
    )
    require_action = forms.BooleanField(
        label=_("Each department must reply"),
        required=False,
        help_text=_("Each department gets a matter to acknowledge or answer by the date."),
    )
    action_due = forms.DateField(label=_("Reply by"), required=False, widget=DATE)
    expires_at = forms.DateTimeField(
        label=_("Expires"),
        required=False,
        widget=DATETIME,
        help_text=_("Empty: it stays current until withdrawn."),
    )
    pinned = forms.BooleanField(label=_("Pin it at the top"), required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs.update(size_limit_attrs())
        organization = person.organization
        self.fields["author_department"].queryset = policy.writable_departments(person)
        own = person.positions.current().order_by("start").values_list("department", flat=True)
        if own and "author_department" not in self.initial:
            self.initial["author_department"] = own[0]
        self.fields["departments"].queryset = Department.objects.filter(
            organization=organization, is_active=True
        ).order_by("sort_order", "code")
        self.fields["groups"].queryset = CoordinationGroup.objects.filter(
            organization=organization, is_active=True
        )
        self.fields["people"].queryset = Person.objects.filter(
            organization=organization, is_active=True
        ).order_by("name_pinyin", "pk")
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if name in ("author_department", "departments", "groups", "people"):
                widget.attrs["data-picker"] = name

    def clean(self):
        data = super().clean()
        if not self.errors and not any(
            data.get(name) for name in ("to_everyone", "departments", "roles", "groups", "people")
        ):
            raise forms.ValidationError(
                _("Choose whom it is for: everyone, departments, positions, groups or people.")
            )
        return data

    def notice_input(self) -> services.NoticeInput:
        data = self.cleaned_data
        return services.NoticeInput(
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            author_department=data["author_department"],
            to_everyone=data["to_everyone"],
            departments=tuple(data["departments"]),
            with_subtree=data["with_subtree"],
            roles=tuple(data["roles"]),
            groups=tuple(data["groups"]),
            people=tuple(data["people"]),
            require_read=data["require_read"],
            require_action=data["require_action"],
            action_due=data["action_due"],
            expires_at=data["expires_at"],
            pinned=data["pinned"],
        )

    @staticmethod
    def initial_from(notice) -> dict:
        entries = list(notice.audience.all())
        return {
            "kind": notice.kind,
            "title": notice.title,
            "body": notice.body,
            "author_department": notice.author_department,
            "to_everyone": notice.to_everyone,
            "departments": [e.department for e in entries if e.kind == "department"],
            "with_subtree": any(e.with_subtree for e in entries),
            "roles": [e.role for e in entries if e.kind == "position"],
            "groups": [e.group for e in entries if e.kind == "group"],
            "people": [e.person for e in entries if e.kind == "person"],
            "require_read": notice.require_read,
            "require_action": notice.require_action,
            "action_due": notice.action_due,
            "expires_at": notice.expires_at,
            "pinned": notice.pinned,
        }


class ReportForm(forms.Form):
    """A liaison officer's report of a problem or need of the department."""

    department = DepartmentChoiceField(
        label=_("Reporting department"), queryset=Department.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Problem or need"), max_length=200)
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What happened, what is needed, from whom."),
    )
    due = forms.DateField(label=_("Needed by"), required=False, widget=DATE)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs.update(size_limit_attrs())
        self.fields["department"].queryset = Department.objects.filter(
            pk__in=policy.relay_departments(person)
        ).order_by("sort_order", "code")
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

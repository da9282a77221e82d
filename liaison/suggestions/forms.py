"""Forms of the suggestion pages. They read and check the fields; the rules stay in
services.py, whose refusals the views put on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from liaison.matters.forms import DepartmentChoiceField
from liaison.org.models import Department, DepartmentKind, Organization

from . import captcha, services
from .models import Kind, Mailbox

RADIOS = forms.RadioSelect(attrs={"class": "form-check-input"})


def departments_of(organization: Organization):
    return (
        Department.objects.filter(organization=organization, is_active=True)
        .exclude(kind=DepartmentKind.EXTERNAL)
        .order_by("sort_order", "code")
    )


def _style(form: forms.Form) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(field, DepartmentChoiceField):
            widget.attrs["data-picker"] = name


class SuggestionForm(forms.Form):
    """A letter from a signed-in member of staff."""

    mailbox = forms.ChoiceField(
        label=_("Mailbox"), choices=Mailbox.choices, initial=Mailbox.BOX, widget=RADIOS
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Kind.choices, initial=Kind.SUGGESTION, widget=RADIOS
    )
    department = DepartmentChoiceField(
        label=_("Department concerned"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("None in particular"),
        help_text=_("Needed for praise: it appears on that department's page once published."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=services.MAX_SUBJECT)
    body = forms.CharField(
        label=_("Your letter"),
        max_length=services.MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    anonymous = forms.BooleanField(
        label=_("Send it anonymously"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_of(organization)
        _style(self)

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.PRAISE and not data.get("department"):
            self.add_error("department", _("Praise is for a department: choose which one."))
        return data

    def suggestion_input(self) -> services.SuggestionInput:
        data = self.cleaned_data
        return services.SuggestionInput(
            kind=data["kind"],
            mailbox=data["mailbox"],
            subject=data["subject"],
            body=data["body"],
            department=data.get("department"),
            anonymous=data.get("anonymous", False),
            writer_name=data.get("writer_name", ""),
            writer_contact=data.get("writer_contact", ""),
        )


class PublicSuggestionForm(SuggestionForm):
    """A letter from anyone, without signing in: a name or anonymous, and a captcha. The
    challenge's token comes with the post; `website` is a trap only robots fill in."""

    writer_name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    writer_contact = forms.CharField(
        label=_("Phone or e-mail"),
        max_length=200,
        required=False,
        help_text=_("Only if you would like the office to contact you."),
    )
    captcha_answer = forms.CharField(label=_("Answer"), max_length=5)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    field_order = [
        "mailbox",
        "kind",
        "department",
        "subject",
        "body",
        "anonymous",
        "writer_name",
        "writer_contact",
    ]

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError(_("The letter could not be sent."))
        if data.get("anonymous"):
            data["writer_name"] = data["writer_contact"] = ""
        elif not (data.get("writer_name") or "").strip():
            self.add_error("writer_name", _("Give your name, or tick “Send it anonymously”."))
        answer = data.get("captcha_answer")
        if answer is not None and not captcha.check(self.data.get("captcha_token", ""), answer):
            self.add_error(
                "captcha_answer",
                _("That answer is not right (or the form was open too long). Try the new sum."),
            )
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=pgettext_lazy("suggestion", "Reply"),
        max_length=services.MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class RouteForm(forms.Form):
    title = forms.CharField(
        label=_("Title of the matter"),
        max_length=200,
        required=False,
        help_text=_("Empty: the letter's subject."),
    )
    lead_department = DepartmentChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("The coordinating office dispatches it"),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments_of(organization)
        _style(self)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Retrieval code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "XXXX-XXXX-XXXX", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)

from django import forms
from django.utils.translation import gettext_lazy as _


class DepartmentContactsForm(forms.Form):
    # Django's own Chinese catalogue leaves the length message untranslated.
    phone = forms.CharField(
        label=_("phone"),
        max_length=50,
        required=False,
        error_messages={"max_length": _("The phone number is too long (at most 50 characters).")},
    )
    location = forms.CharField(
        label=_("location"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("The location is too long (at most 200 characters).")},
    )

    @classmethod
    def for_department(cls, department, data=None):
        return cls(data, initial={"phone": department.phone, "location": department.location})

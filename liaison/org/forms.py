from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Department


class DepartmentContactsForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["phone", "location"]
        # Django's own Chinese catalogue leaves the length message untranslated.
        error_messages = {
            "phone": {"max_length": _("The phone number is too long (at most 50 characters).")},
            "location": {"max_length": _("The location is too long (at most 200 characters).")},
        }

"""The notification preferences form: the rules themselves live in the model's clean()."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]


class PreferenceForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(
        label=_("Send the digest at"),
        choices=HOURS,
        coerce=int,
        help_text=_("The digest lists the items since the previous one."),
    )

    class Meta:
        model = NotificationPreference
        fields = [
            "language",
            "email_enabled",
            "quiet_start",
            "quiet_end",
            "digest_enabled",
            "digest_hour",
        ]
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The site's language")), *settings.LANGUAGES]
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            if self.errors.get(name):
                css += " is-invalid"
            field.widget.attrs["class"] = css

from django import forms

from .models import Department


class DepartmentContactsForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["phone", "location"]

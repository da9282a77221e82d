"""Pickers of people: the page holds only the chosen ones, and the picker asks the server
for the rest as one types (name, pinyin, initials, employee number; see pickers.js),
narrowed to the department chosen in a neighbouring field when told which. The notices,
communication and matters forms use them too."""

from django import forms
from django.urls import reverse


class PersonWidgetMixin:
    """Renders the chosen people only; the options come from org's people search."""

    filter_by = ""  # the department field that narrows the choice, if any

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("data-picker", "people")
        widget_attrs["data-people-url"] = reverse("org:people-search")
        if self.filter_by:
            # An element id, or the name of a field of the same form (pickers.js).
            widget_attrs["data-filter-by"] = self.filter_by
        return context

    def optgroups(self, name, value, attrs=None):
        chosen = {str(v) for v in value if v not in (None, "")}
        groups = []
        for group, options, index in super().optgroups(name, value, attrs):
            options = [o for o in options if o["value"] in ("", None) or str(o["value"]) in chosen]
            if options:
                groups.append((group, options, index))
        return groups


class PersonSelect(PersonWidgetMixin, forms.Select):
    pass


class PersonSelectMultiple(PersonWidgetMixin, forms.SelectMultiple):
    pass


class PersonChoiceField(forms.ModelChoiceField):
    widget = PersonSelect

    def __init__(self, *args, filter_by: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.filter_by = filter_by

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    widget = PersonSelectMultiple

    def __init__(self, *args, filter_by: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.filter_by = filter_by

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name

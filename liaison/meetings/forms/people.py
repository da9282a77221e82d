"""Pickers of people that match by pinyin and initials as well as name; the notices and
communication forms use them too."""

import json

from django import forms


class PersonWidgetMixin:
    """Options a picker can match by pinyin and initials (zxx → 赵信息) as well as name."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        person = getattr(value, "instance", None)
        if person is not None:
            option["attrs"]["data-data"] = json.dumps(
                {"pinyin": person.name_pinyin, "initials": person.name_initials}
            )
        return option


class PersonSelect(PersonWidgetMixin, forms.Select):
    pass


class PersonSelectMultiple(PersonWidgetMixin, forms.SelectMultiple):
    pass


class PersonChoiceField(forms.ModelChoiceField):
    widget = PersonSelect

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    widget = PersonSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} · {obj.title}" if obj.title else obj.name

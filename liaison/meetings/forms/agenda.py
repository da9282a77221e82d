"""Forms of a meeting's agenda: an item, and when the agenda closes."""

import dataclasses

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Person

from .. import services
from ..models import MAX_DURATION_MINUTES
from .people import PeopleChoiceField, PersonChoiceField


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class ItemForm(forms.Form):
    """An agenda item proposed or arranged: its matter is given by number."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    matter = forms.CharField(
        label=_("Matter number"), required=False, help_text=_("Optional, e.g. XT-2026-000012")
    )
    presenter = PersonChoiceField(
        label=_("Presenter"), queryset=Person.objects.none(), required=False
    )
    minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    prebriefing = forms.CharField(
        # Translators: 通气, a word in advance to the people concerned before a meeting.
        label=_("Pre-briefing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Read only by the people named below."),
    )
    prebriefed = PeopleChoiceField(
        label=_("Pre-brief these people"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, person: Person, *args, **kwargs):
        kwargs.setdefault("auto_id", "item-%s")
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(organization=person.organization, is_active=True).order_by(
            "name_pinyin", "pk"
        )
        self.fields["presenter"].queryset = people
        self.fields["prebriefed"].queryset = people
        _style(self)
        for name in ("presenter", "prebriefed"):
            self.fields[name].widget.attrs["data-picker"] = name

    @classmethod
    def initial_for(cls, item) -> dict:
        return {
            "title": item.title,
            "description": item.description,
            "matter": item.matter.number if item.matter_id else "",
            "presenter": item.presenter_id,
            "minutes": item.minutes,
            "prebriefing": item.prebriefing,
            "prebriefed": [p.pk for p in item.prebriefed.all()],
        }

    def item_input(self, matter) -> services.ItemInput:
        data = self.cleaned_data
        return services.ItemInput(
            title=data["title"],
            description=data.get("description") or "",
            matter=matter,
            presenter=data.get("presenter"),
            minutes=data.get("minutes"),
            prebriefing=data.get("prebriefing") or "",
            prebriefed=tuple(data.get("prebriefed") or ()),
        )


@dataclasses.dataclass
class Arrangement:
    """An item's arrange form as typed when its save was refused, for the page to show
    again (the chosen people with their names) with each refusal at its field; refusals
    about anything else (the title, the item's state) under "form"."""

    FIELDS = ("presenter", "minutes", "prebriefing", "prebriefed")

    item: int
    presenter: Person | None = None
    minutes: str = ""
    prebriefing: str = ""
    prebriefed: list = dataclasses.field(default_factory=list)
    errors: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def typed(cls, item_pk: int, form: ItemForm) -> "Arrangement":
        def people(values) -> list:
            ids = [int(v) for v in values if str(v).isdigit()]
            found = {p.pk: p for p in form.fields["prebriefed"].queryset.filter(pk__in=ids)}
            return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

        presenter = people([form["presenter"].value() or ""])
        typed = cls(
            item=item_pk,
            presenter=presenter[0] if presenter else None,
            minutes=form["minutes"].value() or "",
            prebriefing=form["prebriefing"].value() or "",
            prebriefed=people(form["prebriefed"].value() or []),
        )
        for name, errors in form.errors.items():
            typed.refused(str(errors[0]), name)
        return typed

    def refused(self, message: str, name: str = "") -> None:
        self.errors.setdefault(name if name in self.FIELDS else "form", message)


class CutoffForm(forms.Form):
    cutoff = forms.DateTimeField(
        label=_("The agenda closes"),
        error_messages={
            "required": _("Choose when the agenda closes."),
            "invalid": _("Choose when the agenda closes."),
        },
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, meeting, *args, **kwargs):
        kwargs.setdefault("initial", {"cutoff": timezone.localtime(meeting.cutoff)})
        kwargs.setdefault("auto_id", "cutoff-%s")
        super().__init__(*args, **kwargs)
        _style(self)

"""Forms of the matter pages: raising a matter and filtering lists. The action forms on
the matter page are small enough to read field by field in the view."""

import json

from django import forms
from django.db.models import Exists, OuterRef
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from liaison.org.models import Department, DepartmentKind, Person

from . import policy
from .models import Category, EscalationLevel, EventType, MatterEvent, MatterKind, State, Urgency
from .selectors import MatterFilter


def organization_departments(organization):
    return Department.objects.filter(organization=organization, is_active=True).order_by(
        "sort_order", "code"
    )


def department_search_data(department) -> str:
    """What a picker may match besides the name: code, pinyin and initials (xxk); and the
    department's level in the tree, when known, to indent it."""
    return json.dumps(
        {
            "code": department.code.lower(),
            "pinyin": department.name_pinyin,
            "initials": department.name_initials,
            "level": getattr(department, "tree_level", 0),
        }
    )


def in_tree_order(departments) -> list:
    """The departments each followed by its own sub-departments (depth first, each level in
    the given order), with `tree_level` set: 0 for those whose parent is not among them."""
    departments = list(departments)
    present = {d.pk for d in departments}
    children: dict[int | None, list] = {}
    for department in departments:
        parent = department.parent_id if department.parent_id in present else None
        children.setdefault(parent, []).append(department)
    ordered, seen = [], set()

    def walk(parent, level):
        for department in children.get(parent, []):
            if department.pk in seen:
                continue  # a cycle in the tree
            seen.add(department.pk)
            department.tree_level = level
            ordered.append(department)
            walk(department.pk, level + 1)

    walk(None, 0)
    return ordered


class DepartmentTree(ModelChoiceIterator):
    """A department field's choices as a tree: parents before their sub-departments."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for department in in_tree_order(self.queryset):
            yield self.choice(department)


class DepartmentWidgetMixin:
    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-data"] = department_search_data(instance)
        return option


class DepartmentSelect(DepartmentWidgetMixin, forms.Select):
    pass


class DepartmentSelectMultiple(DepartmentWidgetMixin, forms.SelectMultiple):
    pass


class DepartmentChoiceField(forms.ModelChoiceField):
    widget = DepartmentSelect
    iterator = DepartmentTree

    def label_from_instance(self, obj):
        return obj.name


class DepartmentsChoiceField(forms.ModelMultipleChoiceField):
    widget = DepartmentSelectMultiple
    iterator = DepartmentTree

    def label_from_instance(self, obj):
        return obj.name


class MatterForm(forms.Form):
    """Raise a matter: saved as a draft or submitted at once."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=MatterKind.objects.none())
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial="normal")
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Plain text or Markdown. What is needed, from whom, and why."),
    )
    originator_department = DepartmentChoiceField(
        label=_("On behalf of"), queryset=Department.objects.none(), empty_label=None
    )
    lead_department = DepartmentChoiceField(
        label=_("Lead department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Not sure: the coordinating office decides"),
        help_text=_(
            "If you know who should handle it, it goes straight there; "
            "otherwise the coordinating office dispatches it."
        ),
    )
    co_departments = DepartmentsChoiceField(
        label=_("Co-organizer departments"), queryset=Department.objects.none(), required=False
    )
    due = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, person: Person, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organization = person.organization
        self.fields["kind"].queryset = MatterKind.objects.filter(
            organization=organization, is_active=True
        )
        # Offered: the kinds the person may raise. Any active kind still validates, so a
        # forged choice reaches the service and is refused there with its reason.
        self.fields["kind"].widget.choices = [("", self.fields["kind"].empty_label)] + [
            (kind.pk, kind.name) for kind in policy.raisable_kinds(person)
        ]
        self.fields["originator_department"].queryset = Department.objects.filter(
            positions__person=person, positions__end__isnull=True, is_active=True
        ).distinct()
        departments = organization_departments(organization)
        self.fields["lead_department"].queryset = departments.exclude(kind=DepartmentKind.EXTERNAL)
        self.fields["co_departments"].queryset = departments
        self.fields["categories"].queryset = Category.objects.filter(organization=organization)
        self.fields["due"].widget.attrs["min"] = timezone.localdate().isoformat()
        for name, field in self.fields.items():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            if isinstance(field.widget, forms.SelectMultiple) or name == "lead_department":
                field.widget.attrs["data-picker"] = "departments"
        self.fields["co_departments"].widget.attrs["placeholder"] = _("Choose departments…")
        self.fields["categories"].widget.attrs.pop("data-picker", None)
        self.fields["categories"].widget.attrs["data-picker"] = "plain"


class FilterForm(forms.Form):
    """The filters of the matter lists (and of the ledger export)."""

    STATE_CHOICES = [("", _("Any state")), ("open", _("Open")), *State.choices]

    q = forms.CharField(label=_("Search"), required=False)
    state = forms.ChoiceField(label=_("State"), choices=STATE_CHOICES, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    department = forms.ChoiceField(label=_("Department"), required=False)
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=[("", _("Any urgency")), *Urgency.choices], required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    created_from = forms.DateField(
        label=_("Created from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = forms.DateField(
        label=_("Created until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # The dashboard's counts open these lists (liaison.dashboard): not in the filter bar.
    holder = forms.ChoiceField(required=False)  # the department the matter is with now
    level = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=[("", ""), *EscalationLevel.choices]
    )
    event = forms.ChoiceField(
        required=False,
        choices=[("", ""), (EventType.RETURNED, ""), (EventType.TRANSFERRED, "")],
    )
    event_from = forms.DateField(required=False)  # ...that happened on or after this day
    from_meeting = forms.BooleanField(required=False)  # a meeting's decision made into a matter

    def __init__(self, organization, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind"))] + [
            (k.code, k.name) for k in MatterKind.objects.filter(organization=organization)
        ]
        departments = organization_departments(organization).values_list("code", "name")
        self.fields["department"].choices = [("", _("Any department")), *departments]
        self.fields["holder"].choices = [("", ""), *departments]
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = field.label
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
            elif isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"
        self.fields["q"].widget.attrs.update(
            placeholder=_("Number, title or words in the description"), type="search"
        )

    def matter_filter(self) -> MatterFilter:
        self.is_valid()  # keeps the fields that are valid, drops the others
        data = getattr(self, "cleaned_data", {})
        return MatterFilter(
            state=data.get("state") or "",
            kind=data.get("kind") or "",
            department=data.get("department") or "",
            urgency=data.get("urgency") or "",
            overdue=bool(data.get("overdue")),
            q=(data.get("q") or "").strip(),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )

    def chips(self) -> list[tuple[str, dict]]:
        """The dashboard's filters in force: what each says, and its query parameters, which
        the filter bar keeps as hidden fields."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        chips = []
        if data.get("holder"):
            name = dict(self.fields["holder"].choices).get(data["holder"], data["holder"])
            chips.append(
                (_("Held by %(department)s") % {"department": name}, {"holder": data["holder"]})
            )
        if data.get("level") is not None:
            label = EscalationLevel(data["level"]).label
            chips.append(
                (_("Escalated to: %(level)s") % {"level": label}, {"level": data["level"]})
            )
        if data.get("event") and data.get("event_from"):
            day = date_format(data["event_from"], "SHORT_DATE_FORMAT")
            text = (
                _("Returned since %(day)s")
                if data["event"] == EventType.RETURNED
                else _("Transferred since %(day)s")
            )
            chips.append(
                (
                    text % {"day": day},
                    {"event": data["event"], "event_from": data["event_from"].isoformat()},
                )
            )
        if data.get("from_meeting"):
            chips.append((_("From a meeting's decision"), {"from_meeting": "on"}))
        return chips

    def narrow(self, matters):
        """The matters that also pass the dashboard's filters (holder, escalation level,
        a return or transfer since a day, from a meeting); call after matter_filter()."""
        data = getattr(self, "cleaned_data", {})
        if data.get("holder"):
            matters = matters.filter(owner_department__code=data["holder"])
        if data.get("level") is not None:
            matters = matters.filter(state=State.ESCALATED, escalation_level=data["level"])
        if data.get("event") and data.get("event_from"):
            events = MatterEvent.objects.filter(
                matter=OuterRef("pk"), type=data["event"], at__date__gte=data["event_from"]
            )
            matters = matters.filter(Exists(events))
        if data.get("from_meeting"):
            # The meetings' Decision links its matter (related name "decision"): matters
            # cannot import the area built on them.
            matters = matters.filter(decision__isnull=False)
        return matters

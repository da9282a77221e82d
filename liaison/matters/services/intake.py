"""Raising a matter: a draft, its edits, its number, and submitting it."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.inbox.models import Ask
from liaison.org.models import Department, DepartmentKind, Organization, Person
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    department_of,
    people_of,
    works_in,
)
from liaison.org.services import relation_between

from .. import policy, search
from ..models import Category, EventType, Matter, MatterKind, NumberCounter, State, Urgency
from ..policy import Action
from .clocks import hours_from_now, set_owner
from .handling import dispatch, set_co_organizers
from .kinds import settings_for
from .records import check_department, lock_matter, record_event, require_text, tell_about


def _next_number(organization: Organization, prefix: str, year: int) -> str:
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(
        organization=organization, prefix=prefix, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


@dataclass
class MatterInput:
    title: str
    kind: MatterKind
    description: str = ""
    urgency: str = Urgency.NORMAL
    originator_department: Department | None = None
    lead_department: Department | None = None
    co_departments: tuple = ()
    due: datetime.date | None = None
    categories: tuple = ()


def _checked_input(
    person: Person, data: MatterInput, *, by_flow: bool = False
) -> tuple[str, Department]:
    """The title and originating department of a new or edited matter, or a refusal. A
    flow (`by_flow`) raises the kinds its own rules allow, whoever acts in it."""
    title = require_text(data.title, _("A matter needs a title."))
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."))
    if data.kind.organization_id != person.organization_id or not data.kind.is_active:
        raise InvalidInput(_("Unknown kind of matter."))
    if not by_flow:
        policy.require_raise(person, data.kind)
    if data.urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency: %(value)s") % {"value": data.urgency})
    if data.due is not None and data.due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    originator_department = data.originator_department or department_of(person)
    if originator_department is None or not works_in(person, originator_department):
        raise InvalidInput(_("You can raise matters only for a department you work in."))
    return title, originator_department


def _set_lead(matter: Matter, lead: Department | None) -> None:
    """The lead department the originator sends a draft to directly (none: the
    coordinating office dispatches it)."""
    if lead is not None:
        check_department(matter, lead, _("Lead department"))
        if lead.kind == DepartmentKind.EXTERNAL:
            raise InvalidInput(_("An external unit cannot lead a matter."))
    matter.lead_department = lead
    matter.relation = (
        relation_between(matter.originator_department, lead) if lead is not None else ""
    )


def _set_categories(matter: Matter, categories: Iterable) -> None:
    matter.categories.set(
        [
            c
            for c in categories
            if isinstance(c, Category) and c.organization_id == matter.organization_id
        ]
    )


@transaction.atomic
def create_matter(
    person: Person,
    data: MatterInput,
    *,
    submit: bool = False,
    responsible: Person | None = None,
    by_flow: bool = False,
) -> Matter:
    """A new matter, as a draft of `person` (or submitted at once with `submit`). A lead
    department given here is where the originator sends it directly on submission, to
    `responsible` there if given (a meeting's decision names who carries it out).
    `by_flow`: raised by a flow whose own rules decide who acts in it (a notice's task),
    not by who may raise the kind."""
    title, originator_department = _checked_input(person, data, by_flow=by_flow)
    organization = person.organization
    today = timezone.localdate()
    matter = Matter(
        organization=organization,
        number=_next_number(organization, data.kind.number_prefix, today.year),
        title=title,
        description=(data.description or "").strip(),
        kind=data.kind,
        urgency=data.urgency,
        originator=person,
        originator_department=originator_department,
        due=data.due,
    )
    _set_lead(matter, data.lead_department)
    matter.save()
    search.reindex(matter)
    set_co_organizers(matter, data.co_departments)
    if data.categories:
        _set_categories(matter, data.categories)
    record_event(matter, EventType.CREATED, person, department=originator_department)
    if submit:
        matter = submit_matter(matter, person, responsible=responsible, by_flow=by_flow)
    return matter


#: What an edit of a draft may change, for the timeline's list of changed fields.
DRAFT_FIELDS = (
    "title",
    "description",
    "kind",
    "urgency",
    "originator_department",
    "lead_department",
    "due",
)


@transaction.atomic
def edit_draft(matter: Matter, person: Person, data: MatterInput) -> Matter:
    """The originator changes a draft before submitting it. A change of kind gives the
    matter a number with the new kind's prefix (drafts are nobody else's yet)."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.EDIT)
    title, originator_department = _checked_input(person, data)
    before = {name: getattr(matter, name) for name in DRAFT_FIELDS}
    before_co = set(matter.co_organizers.values_list("department_id", flat=True))
    before_categories = set(matter.categories.values_list("pk", flat=True))
    previous_number = matter.number
    if data.kind.number_prefix != matter.kind.number_prefix:
        matter.number = _next_number(
            matter.organization, data.kind.number_prefix, timezone.localdate().year
        )
    matter.title = title
    matter.description = (data.description or "").strip()
    matter.kind = data.kind
    matter.urgency = data.urgency
    matter.originator_department = originator_department
    matter.due = data.due
    _set_lead(matter, data.lead_department)
    matter.save()
    if (matter.title, matter.description) != (before["title"], before["description"]):
        search.reindex(matter, previous=(before["title"], before["description"]))
    set_co_organizers(matter, data.co_departments)
    _set_categories(matter, data.categories)
    changed = [name for name in DRAFT_FIELDS if getattr(matter, name) != before[name]]
    if set(matter.co_organizers.values_list("department_id", flat=True)) != before_co:
        changed.append("co_departments")
    if set(matter.categories.values_list("pk", flat=True)) != before_categories:
        changed.append("categories")
    if not changed:
        return matter
    extra = {"previous_number": previous_number} if matter.number != previous_number else {}
    record_event(
        matter,
        EventType.EDITED,
        person,
        department=originator_department,
        fields=changed,
        **extra,
    )
    return matter


@transaction.atomic
def submit_matter(
    matter: Matter, person: Person, *, responsible: Person | None = None, by_flow: bool = False
) -> Matter:
    """Draft → submitted: to the coordinating office, or, when the originator named a
    lead department, straight on to it (direct coordination), to `responsible` there if
    given, else to its default holder. Who may raise its kind is checked again: a draft
    may be older than the rule."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.SUBMIT)
    if not by_flow:
        policy.require_raise(person, matter.kind)
    limits = settings_for(matter.organization)
    office = (
        coordinating_department(matter.organization) if matter.lead_department is None else None
    )
    matter._submit()
    matter.submitted_at = timezone.now()
    if office is not None:
        set_owner(
            matter, office, default_responsible(office), hours_from_now(limits.dispatch_hours)
        )
    else:
        # The originator holds it for the instant until it is dispatched below.
        set_owner(
            matter, matter.originator_department, person, hours_from_now(limits.dispatch_hours)
        )
    matter.save()
    record_event(
        matter,
        EventType.SUBMITTED,
        person,
        department=matter.originator_department,
        from_state=State.DRAFT,
    )
    if office is not None:
        tell_about(matter, [matter.responsible_person, *people_of(office)], Ask.DISPATCH, person)
        return matter
    lead = matter.lead_department
    co = [c.department for c in matter.co_organizers.select_related("department")]
    return dispatch(
        matter, person, lead=lead, co_departments=co, due=matter.due, responsible=responsible
    )

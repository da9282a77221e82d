"""Links between matters."""

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.org.models import Person
from liaison.org.roles import department_of

from .. import policy
from ..models import EventType, LinkKind, Matter, MatterLink
from ..policy import Action, can_view
from .records import lock_matter, record_event


def parents_of(matter_id: int) -> set[int]:
    """The matters this one is part of, all the way up."""
    seen: set[int] = set()
    frontier = {matter_id}
    while frontier:
        frontier = (
            set(
                MatterLink.objects.filter(
                    source_id__in=frontier, kind=LinkKind.CHILD_OF
                ).values_list("target_id", flat=True)
            )
            - seen
        )
        seen |= frontier
    return seen


@transaction.atomic
def link(matter: Matter, person: Person, *, target_number: str, kind: str) -> MatterLink:
    """Link a matter to another one the person sees, by its number: a duplicate of it,
    related to it, or part of it. Both timelines record the link."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.LINK)
    if kind not in LinkKind.values:
        raise InvalidInput(_("Unknown kind of link."))
    number = (target_number or "").strip().upper()
    if not number:
        raise InvalidInput(_("Enter the number of the matter to link to."))
    target = Matter.objects.filter(organization_id=matter.organization_id, number=number).first()
    if target is None or not can_view(person, target):
        raise InvalidInput(
            _("There is no matter %(number)s that you can see.") % {"number": number}
        )
    if target.pk == matter.pk:
        raise InvalidInput(_("A matter cannot be linked to itself."))
    pair = Q(source=matter, target=target) | Q(source=target, target=matter)
    if MatterLink.objects.filter(pair).exists():
        raise InvalidInput(
            _("%(number)s and %(other)s are already linked.")
            % {"number": matter.number, "other": target.number}
        )
    if kind == LinkKind.CHILD_OF and matter.pk in parents_of(target.pk):
        raise InvalidInput(
            _("%(other)s is already part of %(number)s.")
            % {"number": matter.number, "other": target.number}
        )
    created = MatterLink.objects.create(source=matter, target=target, kind=kind, created_by=person)
    department = department_of(person)
    record_event(
        matter, EventType.LINKED, person, department=department, kind=kind, target=target.number
    )
    record_event(
        target, EventType.LINKED, person, department=department, kind=kind, source=matter.number
    )
    return created


@transaction.atomic
def unlink(matter: Matter, person: Person, *, target_number: str) -> None:
    """Remove the link between this matter and another one (in either direction)."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.LINK)
    number = (target_number or "").strip().upper()
    found = (
        MatterLink.objects.filter(
            Q(source=matter, target__number=number) | Q(target=matter, source__number=number)
        )
        .select_related("source", "target")
        .first()
    )
    if found is None:
        raise InvalidInput(
            _("%(number)s is not linked to %(other)s.")
            % {"number": matter.number, "other": number or "—"}
        )
    other = found.target if found.source_id == matter.pk else found.source
    kind = found.kind
    found.delete()
    department = department_of(person)
    record_event(
        matter, EventType.UNLINKED, person, department=department, kind=kind, other=other.number
    )
    record_event(
        other, EventType.UNLINKED, person, department=department, kind=kind, other=matter.number
    )

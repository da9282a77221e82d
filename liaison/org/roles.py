"""Who is who: the one definition of each role, read from the organization's data.

Every area asks these; none defines a role of its own. Roles are never flags set by hand:

- works in a department: holds a current position there;
- handles (acts for) a department: its head, deputy head or liaison officer now;
- coordinating office (院办) / supervision office (督查办) staff: works in the department the
  organization names as such;
- leader: leader in charge (分管领导) of some department now, or chair or vice chair of an
  active coordination group;
- in the leading group: a member of the organization's active coordination leading group,
  or working in its office;
- head of the organization (院长, 局长, 总经理): by job title; the leader's mailbox is theirs.
"""

import operator
from collections.abc import Iterable
from functools import reduce

from django.db.models import Exists, Subquery
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput

from .models import (
    CoordinationGroup,
    Department,
    GroupMembership,
    GroupRole,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)

#: They act for their department: accept, return, transfer and reply to its matters.
HANDLER_ROLES = (PositionRole.HEAD, PositionRole.DEPUTY_HEAD, PositionRole.LIAISON_OFFICER)
#: Head or deputy head.
HEAD_ROLES = (PositionRole.HEAD, PositionRole.DEPUTY_HEAD)
#: Who answers for a department day to day, first asked first: the head, else the liaison
#: officer, else a deputy, else the head nurse, else anyone.
RESPONSIBLE_ORDER = (
    PositionRole.HEAD,
    PositionRole.LIAISON_OFFICER,
    PositionRole.DEPUTY_HEAD,
    PositionRole.HEAD_NURSE,
    PositionRole.STAFF,
)
#: Leading roles in a coordination group.
GROUP_LEADER_ROLES = (GroupRole.CHAIR, GroupRole.VICE_CHAIR)
#: Job titles of the head of an organization (whose mailbox the leader's mailbox is).
ORGANIZATION_HEAD_TITLES = ("院长", "局长", "总经理")


def seniority(role: str) -> int:
    """Rank of a position's role, head first and staff last (the roles' declared order)."""
    values = PositionRole.values
    return values.index(role) if role in values else len(values)


def current_positions(person: Person):
    return Position.objects.current().filter(person=person)


def department_ids_of(person: Person) -> set[int]:
    return set(current_positions(person).values_list("department_id", flat=True))


def handled_department_ids(person: Person) -> set[int]:
    """The departments the person acts for: head, deputy head or liaison officer now."""
    return set(
        current_positions(person)
        .filter(role__in=HANDLER_ROLES)
        .values_list("department_id", flat=True)
    )


def works_in(person: Person, department: Department | None) -> bool:
    return (
        department is not None and current_positions(person).filter(department=department).exists()
    )


def handles(person: Person, department: Department | None) -> bool:
    """Head, deputy head or liaison officer of the department: they act for it."""
    return (
        department is not None
        and current_positions(person).filter(department=department, role__in=HANDLER_ROLES).exists()
    )


def is_head_of(person: Person, department: Department | None) -> bool:
    return (
        department is not None
        and current_positions(person).filter(department=department, role__in=HEAD_ROLES).exists()
    )


def is_liaison_officer_of(person: Person, department: Department | None) -> bool:
    return (
        department is not None
        and current_positions(person)
        .filter(department=department, role=PositionRole.LIAISON_OFFICER)
        .exists()
    )


def is_department_head(person: Person) -> bool:
    return current_positions(person).filter(role__in=HEAD_ROLES).exists()


def is_liaison_officer(person: Person) -> bool:
    return current_positions(person).filter(role=PositionRole.LIAISON_OFFICER).exists()


def in_coordinating_office(person: Person) -> bool:
    return works_in(person, person.organization.coordinating_department)


def in_supervision_office(person: Person) -> bool:
    return works_in(person, person.organization.supervision_department)


def office_ids(organization: Organization) -> set[int]:
    """The coordinating and the supervision office, those the organization names."""
    return {
        pk
        for pk in (organization.coordinating_department_id, organization.supervision_department_id)
        if pk is not None
    }


def _any(person: Person, *conditions: Exists) -> bool:
    """Whether any of the conditions holds, asked in one query (the navigation asks some
    roles on every page)."""
    return (
        Organization.objects.filter(pk=person.organization_id)
        .filter(reduce(operator.or_, conditions))
        .exists()
    )


def is_leader(person: Person) -> bool:
    """Leader in charge of some department now, or chair or vice chair of an active
    coordination group."""
    return _any(
        person,
        Exists(LeaderInCharge.objects.current().filter(leader=person)),
        Exists(
            GroupMembership.objects.filter(
                person=person, role__in=GROUP_LEADER_ROLES, group__is_active=True
            )
        ),
    )


def leader_ids(organization: Organization) -> set[int]:
    """Every active leader of the organization, as is_leader has it."""
    ids = set(
        LeaderInCharge.objects.current()
        .filter(leader__organization=organization, leader__is_active=True)
        .values_list("leader_id", flat=True)
    )
    ids |= set(
        GroupMembership.objects.filter(
            group__organization=organization,
            group__is_active=True,
            role__in=GROUP_LEADER_ROLES,
            person__is_active=True,
        ).values_list("person_id", flat=True)
    )
    return ids


def is_organization_head(person: Person) -> bool:
    return person.title in ORGANIZATION_HEAD_TITLES


def organization_heads(organization: Organization) -> list[Person]:
    return list(
        Person.objects.filter(
            organization=organization, is_active=True, title__in=ORGANIZATION_HEAD_TITLES
        )
    )


def leader_in_charge(department: Department) -> Person | None:
    assignment = (
        LeaderInCharge.objects.current()
        .filter(department=department)
        .select_related("leader")
        .first()
    )
    return assignment.leader if assignment else None


def _leading_groups(organization_id: int):
    # Should an organization mark two, the first by name is the one.
    return CoordinationGroup.objects.filter(
        organization_id=organization_id, is_leading_group=True, is_active=True
    ).order_by("name", "pk")


def leading_group(organization: Organization) -> CoordinationGroup | None:
    return _leading_groups(organization.pk).select_related("office_department").first()


def in_leading_group(person: Person) -> bool:
    """A member of the organization's leading group (leading_group), or working in its
    office."""
    group = _leading_groups(person.organization_id)[:1]
    return _any(
        person,
        Exists(GroupMembership.objects.filter(person=person, group=Subquery(group.values("pk")))),
        Exists(
            current_positions(person).filter(department=Subquery(group.values("office_department")))
        ),
    )


def handlers_of(department: Department) -> list[Person]:
    return [
        p.person
        for p in Position.objects.current()
        .filter(department=department, role__in=HANDLER_ROLES, person__is_active=True)
        .select_related("person")
    ]


def heads_of(department: Department | None) -> list[Person]:
    """The department's current head (not deputies), when active."""
    if department is None:
        return []
    return [
        p.person
        for p in Position.objects.current()
        .filter(department=department, role=PositionRole.HEAD, person__is_active=True)
        .select_related("person")
    ]


def people_of(department: Department) -> list[Person]:
    """A department's current active people, who answers for it first, then by name."""
    positions = sorted(
        Position.objects.current()
        .filter(department=department, person__is_active=True)
        .select_related("person"),
        key=lambda p: (
            RESPONSIBLE_ORDER.index(p.role) if p.role in RESPONSIBLE_ORDER else 99,
            p.person.name_pinyin,
        ),
    )
    return list({p.person_id: p.person for p in positions}.values())


def default_responsible(department: Department) -> Person:
    """The first of RESPONSIBLE_ORDER who holds a position in the department now."""
    positions = {
        p.role: p.person
        for p in Position.objects.current()
        .filter(department=department, person__is_active=True)
        .select_related("person")
        .order_by("-start")
    }
    for role in RESPONSIBLE_ORDER:
        if role in positions:
            return positions[role]
    raise InvalidInput(
        _("%(department)s has nobody who could be responsible for the matter.")
        % {"department": department}
    )


def coordinating_department(organization: Organization) -> Department:
    if organization.coordinating_department is None:
        raise InvalidInput(
            _(
                "The organization has no general coordinating department; "
                "an administrator must set one."
            )
        )
    return organization.coordinating_department


def department_of(person: Person, preferred: Iterable[Department | None] = ()) -> Department | None:
    """The department a person acts for: the first of `preferred` they work in, else their
    first current department."""
    ids = department_ids_of(person)
    for department in preferred:
        if department is not None and department.pk in ids:
            return department
    position = current_positions(person).select_related("department").order_by("start").first()
    return position.department if position else None

"""Roles and object-level rules, all in one module (django-rules).

Roles come from the organization data, not from flags set by hand:

- system admin: a Django superuser;
- coordination office staff: holds a current position in the organization's general
  coordinating department (院办);
- supervision office staff: holds a current position in its supervision department (督查办);
- leader: currently leader in charge of some department, or chair / vice chair of a
  coordination group;
- department head: current head (or deputy head) of a department;
- liaison officer: current liaison officer of a department;
- staff: anyone with a person record.

Later areas (matters, meetings, notices) add their rules here next to these.
"""

import rules

from liaison.org.models import (
    Department,
    GroupMembership,
    GroupRole,
    LeaderInCharge,
    Person,
    Position,
    PositionRole,
)


def person_of(user) -> Person | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.person
    except Person.DoesNotExist:
        return None


def _current_positions(person: Person):
    return Position.objects.current().filter(person=person)


@rules.predicate
def is_system_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_staff_member(user) -> bool:
    return person_of(user) is not None


def _works_in_office(user, field: str) -> bool:
    person = person_of(user)
    if person is None:
        return False
    office_id = getattr(person.organization, f"{field}_id")
    return (
        office_id is not None
        and _current_positions(person).filter(department_id=office_id).exists()
    )


@rules.predicate
def is_coordination_office(user) -> bool:
    return _works_in_office(user, "coordinating_department")


@rules.predicate
def is_supervision_office(user) -> bool:
    return _works_in_office(user, "supervision_department")


@rules.predicate
def is_leader(user) -> bool:
    person = person_of(user)
    if person is None:
        return False
    return (
        LeaderInCharge.objects.current().filter(leader=person).exists()
        or GroupMembership.objects.filter(
            person=person, role__in=[GroupRole.CHAIR, GroupRole.VICE_CHAIR], group__is_active=True
        ).exists()
    )


@rules.predicate
def is_department_head(user) -> bool:
    person = person_of(user)
    return (
        person is not None
        and _current_positions(person)
        .filter(role__in=[PositionRole.HEAD, PositionRole.DEPUTY_HEAD])
        .exists()
    )


@rules.predicate
def is_liaison_officer(user) -> bool:
    person = person_of(user)
    return (
        person is not None
        and _current_positions(person).filter(role=PositionRole.LIAISON_OFFICER).exists()
    )


# Object predicates: the object is a Department; without one they are false.


@rules.predicate
def in_same_organization(user, department: Department) -> bool:
    person = person_of(user)
    return (
        person is not None
        and department is not None
        and person.organization_id == department.organization_id
    )


@rules.predicate
def is_head_of(user, department: Department) -> bool:
    person = person_of(user)
    return (
        person is not None
        and department is not None
        and _current_positions(person)
        .filter(department=department, role__in=[PositionRole.HEAD, PositionRole.DEPUTY_HEAD])
        .exists()
    )


@rules.predicate
def is_liaison_of(user, department: Department) -> bool:
    person = person_of(user)
    return (
        person is not None
        and department is not None
        and _current_positions(person)
        .filter(department=department, role=PositionRole.LIAISON_OFFICER)
        .exists()
    )


@rules.predicate
def is_member_of(user, department: Department) -> bool:
    person = person_of(user)
    return (
        person is not None
        and department is not None
        and _current_positions(person).filter(department=department).exists()
    )


@rules.predicate
def is_leader_in_charge_of(user, department: Department) -> bool:
    person = person_of(user)
    return (
        person is not None
        and department is not None
        and LeaderInCharge.objects.current().filter(leader=person, department=department).exists()
    )


ROLE_PREDICATES = {
    "system_admin": is_system_admin,
    "coordination_office": is_coordination_office,
    "supervision_office": is_supervision_office,
    "leader": is_leader,
    "department_head": is_department_head,
    "liaison_officer": is_liaison_officer,
    "staff": is_staff_member,
}


def roles_of(user) -> list[str]:
    """The role names a user has now, in the order of ROLE_PREDICATES."""
    return [name for name, predicate in ROLE_PREDICATES.items() if predicate.test(user)]


manages_organization = is_system_admin | is_coordination_office

# Everyone in the organization sees its structure and directory.
rules.add_perm("org.view_department", is_system_admin | in_same_organization)
# The office and admins maintain the structure and import or export it.
rules.add_perm("org.change_department", manages_organization)
rules.add_perm("org.import_org", is_system_admin)
rules.add_perm("org.export_org", manages_organization)
# A department keeps its own contact details (phone, location) current.
rules.add_perm(
    "org.change_department_contacts",
    manages_organization | is_head_of | is_liaison_of,
)
# Naming the department's liaison officer is the head's call, or the office's.
rules.add_perm("org.appoint_liaison_officer", manages_organization | is_head_of)

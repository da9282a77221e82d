"""Who may see and change the organization's structure (django-rules, asked through
`user.has_perm`), and the role names a login has. Roles themselves are defined once, in
liaison.org.roles."""

import rules

from liaison.core.people import person_of

from . import roles
from .models import Department


@rules.predicate
def is_system_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def _person_predicate(role):
    @rules.predicate
    def predicate(user) -> bool:
        person = person_of(user)
        return person is not None and role(person)

    return predicate


is_staff_member = _person_predicate(lambda person: True)
is_coordination_office = _person_predicate(roles.in_coordinating_office)
is_supervision_office = _person_predicate(roles.in_supervision_office)
is_leader = _person_predicate(roles.is_leader)
is_department_head = _person_predicate(roles.is_department_head)
is_liaison_officer = _person_predicate(roles.is_liaison_officer)


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
    return person is not None and roles.is_head_of(person, department)


@rules.predicate
def is_liaison_of(user, department: Department) -> bool:
    person = person_of(user)
    return person is not None and roles.is_liaison_officer_of(person, department)


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

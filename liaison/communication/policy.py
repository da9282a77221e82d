"""Who may do what with projects, their registers and plans, and their distributions:
the one place that decides. Services refuse what these refuse; views, the API and
templates offer what these allow. Who is who comes from liaison.org.roles.

- Everyone in the organization reads its projects, registers, plans and distributions
  (selectors.py decides what is read).
- Start a project: the heads, deputy heads and liaison officers of its owner department,
  and the coordinating office (院办).
- Change a project, its register and its plan: its manager, those people of its owner
  department, and the coordinating office.
- Mark a distribution sent or skipped, while it is due: its owner (the row's "by whom")
  and whoever may change the project.
"""

from django.db.models import QuerySet

from liaison.org import roles
from liaison.org.models import Department, Person

from .models import Distribution, DistributionState, Project

#: The states in which a distribution may be marked (sent or skipped): once only.
MARKABLE = {DistributionState.DUE}


def _active_in(person: Person | None, organization_id: int) -> bool:
    return person is not None and person.is_active and person.organization_id == organization_id


def may_start_for(person: Person | None, department: Department | None) -> bool:
    """Whether the person may start (or move) a project owned by the department."""
    if department is None or not _active_in(person, department.organization_id):
        return False
    return roles.handles(person, department) or roles.in_coordinating_office(person)


def startable_departments(person: Person) -> QuerySet:
    """The departments the person may start projects for (may_start_for, for a list)."""
    departments = Department.objects.filter(organization=person.organization, is_active=True)
    if not roles.in_coordinating_office(person):
        departments = departments.filter(pk__in=roles.handled_department_ids(person))
    return departments.order_by("sort_order", "code")


def may_edit(person: Person | None, project: Project) -> bool:
    """Change the project, its register and its plan."""
    if not _active_in(person, project.organization_id):
        return False
    return (
        project.manager_id == person.pk
        or roles.handles(person, project.owner_department)
        or roles.in_coordinating_office(person)
    )


def may_handle(person: Person | None, distribution: Distribution) -> bool:
    """Whether the person answers for the distribution: its owner and the project's
    managers (the state aside)."""
    project = distribution.row.project
    if not _active_in(person, project.organization_id):
        return False
    return distribution.owner_id == person.pk or may_edit(person, project)


def may_mark(person: Person | None, distribution: Distribution) -> bool:
    """Whether the person may mark the distribution sent or skipped now."""
    return distribution.state in MARKABLE and may_handle(person, distribution)

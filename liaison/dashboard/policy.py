"""Who has a dashboard (驾驶舱), and which one. Roles come from liaison.org.roles:

- a leader: the head of the organization (院长) or a leader in charge (分管领导) now; the
  head sees every department, a leader in charge the departments they lead;
- the coordinating office (院办): its queue, returns and transfers, the worst on-time rates;
- a department head or deputy head: their department's card against the hospital's;
- anybody else has none.

Every figure is counted over what the person sees (liaison.matters.selectors), so a count
never tells of matters they could not open. The big screen shows whole-organization
figures without names: only those who see every matter may open it.
"""

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from liaison.org.models import LeaderInCharge, Person
from liaison.org.roles import HEAD_ROLES, current_positions, is_organization_head


class Role(TextChoices):
    LEADER = "leader", _("Leader")
    OFFICE = "office", _("Coordinating office")
    HEAD = "head", _("Department head")


def role_of(person: Person | None, reach) -> Role | None:
    """The person's dashboard; `reach` is liaison.matters.selectors.reach_of(person)."""
    if not person or not person.is_active:
        return None
    if is_organization_head(person) or reach.overseen:
        return Role.LEADER
    if person.organization.coordinating_department_id in reach.departments:
        return Role.OFFICE
    if head_departments(person):
        return Role.HEAD
    return None


def head_departments(person: Person) -> frozenset[int]:
    return frozenset(
        current_positions(person)
        .filter(role__in=HEAD_ROLES)
        .values_list("department_id", flat=True)
    )


def sees_every_department(person: Person, reach) -> bool:
    """The head of the organization and who sees all matters (the offices, the leading
    group); a leader in charge sees the departments they lead."""
    return is_organization_head(person) or reach.sees_all


def may_see_dashboard(person: Person | None) -> bool:
    """Asked by the navigation on every page: one query of the person's positions answers
    for heads and the office, the leader check comes after."""
    if not person or not person.is_active:
        return False
    if is_organization_head(person):
        return True
    office = person.organization.coordinating_department_id
    for department_id, role in current_positions(person).values_list("department_id", "role"):
        if department_id == office or role in HEAD_ROLES:
            return True
    return LeaderInCharge.objects.current().filter(leader=person).exists()


def may_see_screen(person: Person | None, reach) -> bool:
    return bool(person and person.is_active and reach.sees_all)

"""Who may see and compute scorecards (考核). Roles come from liaison.org.roles:

- see every department's line: the coordinating office (院办, which runs the evaluation),
  leaders (roles.is_leader: a leader in charge, or chair or vice chair of an active
  coordination group) and the head of the organization;
- see their own department's line: its head, deputy head or liaison officer (they answer
  for it, and will appeal for it);
- anybody else sees no scorecard;
- compute a scorecard: the coordinating office. Reading a period that was never computed
  computes it on demand, for whoever may see it (recorded as computed by nobody);
- the indicator catalogue (definitions, directions, targets) is published to everyone in
  the organization.

A person who may see a department's line may also open the records behind its figures;
each record's matter is shown only to who may see that matter (liaison.matters.selectors).
"""

from liaison.org.models import Person
from liaison.org.roles import (
    handled_department_ids,
    in_coordinating_office,
    is_leader,
    is_organization_head,
)


def sees_every_department(person: Person | None) -> bool:
    return bool(
        person
        and person.is_active
        and (in_coordinating_office(person) or is_leader(person) or is_organization_head(person))
    )


def own_departments(person: Person | None) -> frozenset[int]:
    """The departments whose line the person sees as their head, deputy or liaison officer."""
    if not person or not person.is_active:
        return frozenset()
    return frozenset(handled_department_ids(person))


def may_see_scorecards(person: Person | None) -> bool:
    return sees_every_department(person) or bool(own_departments(person))


def may_see_line(person: Person | None, department_id: int) -> bool:
    return sees_every_department(person) or department_id in own_departments(person)


def may_compute(person: Person | None) -> bool:
    return bool(person and person.is_active and in_coordinating_office(person))

"""What always holds of a matter."""

from liaison.org.roles import works_in

from .. import policy
from ..models import OPEN_STATES, Matter


def check_invariant(matter: Matter) -> None:
    """An open matter has exactly one owning department, one responsible person who works
    there (or leads it: the leader in charge at level 3, the leading group's chair at
    level 4), and one next deadline; a matter that is not open has none of them. Raises
    AssertionError otherwise."""
    if matter.state in OPEN_STATES:
        assert matter.owner_department_id is not None, "no owning department"
        assert matter.responsible_person_id is not None, "no responsible person"
        assert matter.next_deadline is not None, "no next deadline"
        person = matter.responsible_person
        assert works_in(person, matter.owner_department) or policy.leads_escalation(
            person, matter
        ), f"{person} does not work in {matter.owner_department}"
    else:
        assert matter.owner_department_id is None, "an owner without an open matter"
        assert matter.responsible_person_id is None, "a responsible person without an open matter"
        assert matter.next_deadline is None, "a deadline without an open matter"

"""What always holds of a matter."""

from liaison.org.roles import works_in

from .. import policy
from ..models import OPEN_STATES, Clock, ClockKind, Matter
from .clock_ledger import RUNNING


def check_invariant(matter: Matter) -> None:
    """An open matter has exactly one owning department, one responsible person who works
    there (or leads it: the leader in charge at level 3, the leading group's chair at
    level 4), and one next deadline; a matter that is not open has none of them. The
    clock ledger runs the matter's own clock: the lead's accept clock while dispatched,
    its reply clock while accepted, none otherwise. Raises AssertionError otherwise."""
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
    running = [
        (c.kind, c.department_id, c.due)
        for c in Clock.objects.filter(matter_id=matter.pk, ended_at__isnull=True)
    ]
    kind = RUNNING.get(matter.state)
    if kind is None:
        assert running == [], f"a clock runs on a {matter.state} matter: {running}"
    else:
        due = matter.accept_due if kind == ClockKind.ACCEPT else matter.reply_due
        expected = [(kind, matter.owner_department_id, due)]
        assert running == expected, f"running clock {running}, the matter says {expected}"
        assert matter.lead_department_id == matter.owner_department_id, "the lead holds it"

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
  the organization;
- move a scorecard through its lifecycle: the coordinating office (the reviewer is not who
  computed it: services/lifecycle.py); approve it as final: the leading group or the head
  of the organization;
- appeal against a record: the department's head, deputy or liaison officer; decide an
  appeal: the coordinating office, never the person who filed it.

A person who may see a department's line may also open the records behind its figures;
each record's matter is shown only to who may see that matter (liaison.matters.selectors).
"""

from liaison.org.models import Person
from liaison.org.roles import (
    handled_department_ids,
    in_coordinating_office,
    in_leading_group,
    is_leader,
    is_organization_head,
)

from .models import ScorecardState


def sees_every_department(person: Person | None) -> bool:
    return bool(
        person
        and person.is_active
        and (in_coordinating_office(person) or is_leader(person) or is_organization_head(person))
    )


def own_departments(person: Person | None, scorecard=None) -> frozenset[int]:
    """The departments whose line the person sees as their head, deputy or liaison
    officer: none of a draft `scorecard` (only the office and leaders see a draft)."""
    if not person or not person.is_active:
        return frozenset()
    if scorecard is not None and scorecard.state == ScorecardState.DRAFT:
        return frozenset()
    return frozenset(handled_department_ids(person))


def may_see_scorecards(person: Person | None) -> bool:
    return sees_every_department(person) or bool(own_departments(person))


def may_see_line(person: Person | None, department_id: int, scorecard=None) -> bool:
    return sees_every_department(person) or department_id in own_departments(person, scorecard)


def may_compute(person: Person | None) -> bool:
    return bool(person and person.is_active and in_coordinating_office(person))


# The lifecycle (services/lifecycle.py) and appeals (services/appeals.py).


def may_advance(person: Person | None, to_state: str) -> bool:
    """The office moves a scorecard through its states; the leading group (or the head of
    the organization) approves it as final."""
    if not person or not person.is_active:
        return False
    if to_state == ScorecardState.FINAL:
        return in_leading_group(person) or is_organization_head(person)
    return in_coordinating_office(person)


def may_appeal(person: Person | None, department_id: int) -> bool:
    """A department's head (or deputy) or liaison officer appeals for it."""
    return bool(person and person.is_active and department_id in handled_department_ids(person))


def may_decide_appeal(person: Person | None, appeal) -> bool:
    """The office decides, never the person who filed the appeal."""
    return may_compute(person) and appeal.filed_by_id != person.pk


# Peer evaluation (三评): the office runs the rounds and alone sees who rated whom (for
# audit); a rater department's head, deputy or liaison officer answers its ballots; the
# evaluated department sees its own progress and score, never its raters.


def may_run_rounds(person: Person | None) -> bool:
    return may_compute(person)


def may_see_raters(person: Person | None) -> bool:
    return may_compute(person)


def may_see_round(person: Person | None) -> bool:
    return may_see_scorecards(person)


def may_answer(person: Person | None, ballot) -> bool:
    return ballot.rater_department_id is not None and ballot.rater_department_id in (
        own_departments(person)
    )

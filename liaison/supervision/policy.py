"""Who may do what with supervisions (督办), urges (催办) and rectification replies (整改回复),
and in which state: services, selectors, views, the API and templates all ask here.

Roles come from liaison.org.roles (one definition each). Rights:

- supervise: people of the coordinating office (院办), of the supervision office (the
  organization's `supervision_department`, set in the admin; nothing is guessed from
  department names) and leaders (roles.is_leader: a leader in charge now, or chair or vice
  chair of an active coordination group). A plain member of the leading group is not a
  leader and may not supervise;
- urge: the supervisor and whoever may supervise;
- submit a rectification reply: the lead department's people;
- review it: the supervisor, or the office that supervises (the supervising department
  when it is the coordinating or supervision office, and the supervision office always),
  never the person who submitted it;
- the board (督办台): the offices, leaders and the leading group see every supervised
  matter they can see (the leading group decides what escalates to the top, so its members
  and office follow all supervisions, although they are not leaders); heads, deputies and
  liaison officers see their own departments' items; nobody else sees it.

States (the matter's visibility is checked first, by the services):

- supervise an open matter with no active supervision;
- urge, reply or review only while the supervision is active; a reply only when the
  supervision asks for one and none is waiting for review; a review only when one is.
"""

from liaison.matters.models import Matter
from liaison.org.models import Person, Position
from liaison.org.roles import (
    HANDLER_ROLES,
    current_positions,
    handled_department_ids,
    in_coordinating_office,
    in_leading_group,
    in_supervision_office,
    is_leader,
    leader_ids,
    office_ids,
    works_in,
)

from .models import Rectification, Supervision

# Rights.


def may_supervise(person: Person | None) -> bool:
    """Whether the person may put matters under supervision (and urge them)."""
    return (
        person is not None
        and person.is_active
        and (in_coordinating_office(person) or in_supervision_office(person) or is_leader(person))
    )


def supervisors_of(organization) -> list[Person]:
    """Everyone who may supervise in the organization (may_supervise, as a list for a
    picker): the offices' active people and the leaders."""
    ids = set(
        Position.objects.current()
        .filter(department_id__in=office_ids(organization), person__is_active=True)
        .values_list("person_id", flat=True)
    )
    ids |= leader_ids(organization)
    return list(Person.objects.filter(pk__in=ids).order_by("name_pinyin", "pk"))


def may_urge(person: Person, supervision: Supervision) -> bool:
    return supervision.supervisor_id == person.pk or may_supervise(person)


def may_rectify(person: Person, matter: Matter) -> bool:
    """The lead department's people answer for it."""
    return matter.lead_department is not None and works_in(person, matter.lead_department)


def may_review(person: Person, supervision: Supervision) -> bool:
    """The supervisor or the supervising office (see is_own_reply for the one exception)."""
    if supervision.supervisor_id == person.pk or in_supervision_office(person):
        return True
    return supervision.supervising_department_id in office_ids(person.organization) and works_in(
        person, supervision.supervising_department
    )


def is_own_reply(person: Person, rectification: Rectification) -> bool:
    """Nobody reviews a reply they submitted themselves."""
    return rectification.submitted_by_id == person.pk


# The board.


def sees_whole_board(person: Person) -> bool:
    """The offices, leaders and the leading group: every supervised matter they can see."""
    return (
        in_coordinating_office(person)
        or in_supervision_office(person)
        or is_leader(person)
        or in_leading_group(person)
    )


def board_departments(person: Person) -> frozenset[int]:
    """The departments whose items a head, deputy head or liaison officer sees."""
    return frozenset(handled_department_ids(person))


def may_see_board(person: Person | None) -> bool:
    """Whether the board opens for the person: board_departments or sees_whole_board, asked
    cheaply (the navigation bar asks on every page): one query of the person's positions
    answers for handlers and the offices' people, the leader checks come after."""
    if not person:  # None, or the request's lazy person of a login without one
        return False
    offices = office_ids(person.organization)
    for department_id, role in current_positions(person).values_list("department_id", "role"):
        if role in HANDLER_ROLES or department_id in offices:
            return True
    return is_leader(person) or in_leading_group(person)


# States.


def can_supervise(matter: Matter, active: Supervision | None) -> bool:
    return matter.is_open and active is None


def can_rectify(supervision: Supervision, pending: Rectification | None) -> bool:
    return supervision.is_active and supervision.rectification_required and pending is None


def can_review(supervision: Supervision, pending: Rectification | None) -> bool:
    return supervision.is_active and pending is not None

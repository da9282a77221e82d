"""What every supervision action shares: who holds the matter, who is told, the
supervision in force and the checks that come first."""

from django.utils.translation import gettext as _

from liaison.core.errors import NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.matters.models import Matter
from liaison.matters.policy import can_view
from liaison.org.models import Department, Person
from liaison.org.roles import department_of, handlers_of, office_ids

from ..models import Rectification, RectificationState, Supervision


def holders_of(matter: Matter) -> list[Person]:
    """Who has the matter now: the responsible person and the owning department's
    handlers; once the matter is no longer open, the lead department's handlers (the
    rectification is still theirs)."""
    if matter.is_open:
        people = [matter.responsible_person]
        if matter.owner_department is not None:
            people += handlers_of(matter.owner_department)
        return people
    return handlers_of(matter.lead_department) if matter.lead_department is not None else []


def lead_people(matter: Matter) -> list[Person]:
    """The lead department's handlers, and its responsible person while it holds the
    matter."""
    if matter.lead_department is None:
        return []
    people = handlers_of(matter.lead_department)
    if matter.is_open and matter.owner_department_id == matter.lead_department_id:
        people.append(matter.responsible_person)
    return people


def reviewers(supervision: Supervision) -> list[Person]:
    people = [supervision.supervisor]
    department = supervision.supervising_department
    if department.pk in office_ids(department.organization):
        people += handlers_of(department)
    return people


def acting_department(person: Person) -> Department | None:
    organization = person.organization
    return department_of(
        person, [organization.supervision_department, organization.coordinating_department]
    )


# Reading.


def active_supervision(matter: Matter) -> Supervision | None:
    return (
        Supervision.objects.filter(matter=matter, is_active=True)
        .select_related("supervisor", "supervising_department")
        .first()
    )


def require_view(person: Person, matter: Matter) -> None:
    if not can_view(person, matter):
        raise NotAllowed(_("You cannot see this matter."))


def require_active(matter: Matter) -> Supervision:
    supervision = active_supervision(matter)
    if supervision is not None:
        return supervision
    last = Supervision.objects.filter(matter=matter).order_by("-created_at", "-pk").first()
    if last is not None and last.ended_at is not None:
        raise WrongState(
            _("The supervision of %(number)s ended at %(time)s.")
            % {"number": matter.number, "time": when_text(last.ended_at)}
        )
    raise WrongState(_("%(number)s is not under supervision.") % {"number": matter.number})


def pending_reply(supervision: Supervision) -> Rectification | None:
    return (
        supervision.rectifications.filter(state=RectificationState.SUBMITTED)
        .select_related("submitted_by")
        .first()
    )

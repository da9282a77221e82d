"""The escalation ladder: who each rung is, and one or more steps up it."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, WrongState
from liaison.deadlines.models import ServiceLevel
from liaison.deadlines.services import service_level, step_clock
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.org.models import Department, GroupRole, Organization, Person
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    department_of,
    handlers_of,
    heads_of,
    leader_in_charge,
    leading_group,
)

from .. import policy, signals
from ..models import ClockEnd, EscalationLevel, EventType, Matter
from ..policy import ACTION_STATES, Action, can_view
from . import clock_ledger
from .clocks import set_owner
from .extensions import lapse_extension
from .kinds import settings_for
from .records import lock_matter, record_event, require_text, tell_about


def escalation_target(
    matter: Matter,
    person: Person | None,
    level: int,
    leader_of=leader_in_charge,
    department_of=department_of,
) -> tuple[Department, Person]:
    organization = matter.organization
    if level == EscalationLevel.DEPARTMENT_HEADS:
        department = department_of(person, [matter.lead_department, matter.originator_department])
        if department is None:
            raise InvalidInput(_("There is nobody to escalate to."))
        return department, default_responsible(department)
    if level == EscalationLevel.COORDINATING_OFFICE:
        office = coordinating_department(organization)
        return office, default_responsible(office)
    if level == EscalationLevel.LEADER_IN_CHARGE:
        for department in (matter.lead_department, matter.originator_department):
            leader = leader_of(department) if department is not None else None
            if leader is not None and leader.is_active and department_of(leader) is not None:
                return department_of(leader), leader
        raise InvalidInput(_("No leader in charge is set for these departments."))
    group = leading_group(organization)
    if group is None or group.office_department is None:
        raise InvalidInput(_("The organization has no coordination leading group with an office."))
    chair = (
        group.memberships.filter(role=GroupRole.CHAIR, person__is_active=True)
        .select_related("person")
        .first()
    )
    return group.office_department, chair.person if chair else default_responsible(
        group.office_department
    )


@transaction.atomic
def escalate(matter: Matter, person: Person, *, reason: str) -> Matter:
    """Coordination difficult: one step up the ladder, with a reason. The new level
    decides (re-dispatches), closes it as not a matter, or passes it on."""
    matter = lock_matter(matter)
    if (
        matter.escalation_level >= EscalationLevel.LEADING_GROUP
        and matter.state in ACTION_STATES[Action.ESCALATE]
        and can_view(person, matter)
    ):
        raise WrongState(
            _("%(number)s is already with the leading group, the top of the ladder.")
            % {"number": matter.number}
        )
    policy.require(person, matter, Action.ESCALATE)
    reason = require_text(reason, _("Say why coordination is difficult."))
    level = matter.escalation_level + 1
    department, responsible = escalation_target(matter, person, level)
    climb(matter, person, level, department, responsible, reason)
    return matter


class Effects:
    """Where an action's writes and look-ups go. A person's action writes at once; the
    sweep's SweepBatch collects a batch's writes into a few bulk statements and remembers
    look-ups across the batch. The rules (climb, the clock checks) are the same for both."""

    def save(self, matter: Matter) -> None:
        matter.save()

    def event(self, matter: Matter, type_: str, actor: Person | None, **kwargs) -> None:
        record_event(matter, type_, actor, **kwargs)

    def tell(self, matter, people, ask, actor, detail="", *, urgent=False) -> None:
        tell_about(matter, people, ask, actor, detail, urgent=urgent)

    def level(self, matter: Matter) -> ServiceLevel:
        return service_level(matter.kind, matter.urgency)

    def clock(self, matter: Matter, step: str, department: Department, start):
        return step_clock(matter.kind, matter.urgency, step, department, start)

    def escalation_hours(self, organization: Organization) -> int:
        return settings_for(organization).escalation_hours

    def heads(self, department: Department | None) -> list[Person]:
        return heads_of(department)

    def handlers(self, department: Department) -> list[Person]:
        return handlers_of(department)

    def target(self, matter: Matter, level: int) -> tuple[Department, Person]:
        return escalation_target(matter, None, level)

    def lapse_extension(self, matter: Matter) -> dict:
        return lapse_extension(matter)

    def ledger(self, matter: Matter, *, was: str, end: str, at: datetime.datetime) -> None:
        clock_ledger.changed(matter, was=was, end=end, at=at)

    def lookups(self) -> dict:
        """Look-ups a receiver of the matters' signals may keep: none for one action."""
        return {}


IMMEDIATE = Effects()


def rung_deadline(
    matter: Matter, department: Department, now: datetime.datetime, effects: Effects = IMMEDIATE
):
    """How long a rung of the ladder has to decide: the organization's escalation hours,
    or the kind's time to accept when that is shorter (an emergency cannot wait two days)."""
    hours = now + datetime.timedelta(hours=effects.escalation_hours(matter.organization))
    return min(hours, effects.clock(matter, "accept", department, now).due)


def climb(
    matter: Matter,
    person: Person | None,
    level: int,
    department: Department,
    responsible: Person,
    reason: str | Text,
    now: datetime.datetime | None = None,
    effects: Effects = IMMEDIATE,
    **data,
) -> None:
    """One or more steps up the ladder to `level` (the sweep's steps have no person)."""
    now = now or timezone.now()
    from_state = matter.state
    matter._escalate()
    matter.escalation_level = level
    set_owner(
        matter, department, responsible, rung_deadline(matter, department, now, effects), now=now
    )
    effects.save(matter)
    effects.ledger(matter, was=from_state, end=ClockEnd.ESCALATED, at=now)
    effects.event(
        matter,
        EventType.ESCALATED,
        person,
        department=(
            department_of(person, [matter.lead_department, matter.originator_department])
            if person is not None
            else None
        ),
        from_state=from_state,
        reason=str(reason),
        at=now,
        level=level,
        **data,
        **effects.lapse_extension(matter),
    )
    deciders = [responsible]
    if level != EscalationLevel.LEADER_IN_CHARGE:
        deciders += effects.handlers(department)
    effects.tell(matter, deciders, Ask.DECIDE, person, reason, urgent=person is None)
    if level == EscalationLevel.LEADING_GROUP:
        # The leading group decides at its meetings (mechanism 3): the meetings put it on
        # the agenda of the next one.
        signals.reached_leading_group.send(
            sender=Matter, matter=matter, actor=person, cache=effects.lookups()
        )

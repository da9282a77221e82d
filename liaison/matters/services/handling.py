"""A lead department's work on a matter: dispatched, accepted or returned, transferred,
helped by co-organizers, asking the originator."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, WrongState
from liaison.core.plain import when_text
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.org.models import Department, DepartmentKind, Person
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    department_of,
    handlers_of,
    works_in,
)
from liaison.org.services import relation_between
from liaison.worktime.domain import Amount, Unit, add_working_time, working_minutes_between
from liaison.worktime.services import snapshot_for

from .. import policy
from ..models import ClockEnd, CoOrganizer, EventType, Matter, State
from ..policy import ACTION_STATES, Action, can_view
from . import clock_ledger
from .attachments import attach_uploads, check_uploads
from .clocks import accept_clock, arm_clock, hours_from_now, reply_clock, set_owner
from .extensions import lapse_extension
from .kinds import settings_for
from .records import check_department, lock_matter, record_event, require_text, tell_about


def set_co_organizers(matter: Matter, departments: Iterable[Department]) -> list[Department]:
    wanted = []
    for department in departments:
        check_department(matter, department, _("Co-organizer"))
        if department.pk != (matter.lead_department_id or 0) and department not in wanted:
            wanted.append(department)
    existing = {co.department_id: co for co in matter.co_organizers.all()}
    for department_id, co in existing.items():
        if department_id not in {d.pk for d in wanted} and co.contributed_at is None:
            co.delete()
    for department in wanted:
        if department.pk not in existing:
            CoOrganizer.objects.create(matter=matter, department=department)
    return wanted


@transaction.atomic
def dispatch(
    matter: Matter,
    person: Person,
    *,
    lead: Department,
    co_departments: Iterable[Department] = (),
    due: datetime.date | None = None,
    responsible: Person | None = None,
    reason: str = "",
) -> Matter:
    """Send the matter to a lead department (with co-organizers), which must accept it."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.DISPATCH)
    if lead is None:
        raise InvalidInput(_("Choose the lead department."))
    check_department(matter, lead, _("Lead department"))
    if lead.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot lead a matter."))
    if due is None:
        due = matter.due or (
            timezone.localdate() + datetime.timedelta(days=matter.kind.default_days)
        )
    if due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    if responsible is not None and not works_in(responsible, lead):
        raise InvalidInput(
            _("%(person)s does not work in %(department)s.")
            % {"person": responsible, "department": lead}
        )
    responsible = responsible or default_responsible(lead)
    from_state = matter.state
    matter._dispatch()
    matter.lead_department = lead
    matter.relation = relation_between(matter.originator_department, lead)
    matter.due = due
    matter.dispatcher = person
    matter.dispatcher_department = department_of(
        person,
        [
            matter.organization.coordinating_department,
            matter.owner_department,
            matter.originator_department,
        ],
    )
    set_owner(matter, lead, responsible, *accept_clock(matter, lead))
    matter.save()
    # Re-dispatched by the office: out of the previous holder's hands.
    clock_ledger.changed(matter, was=from_state, end=ClockEnd.CLOSED)
    co = set_co_organizers(matter, co_departments)
    record_event(
        matter,
        EventType.DISPATCHED,
        person,
        department=matter.dispatcher_department,
        from_state=from_state,
        reason=(reason or "").strip(),
        lead=lead,
        co_departments=co,
        due=due,
        responsible=responsible,
        **lapse_extension(matter),
    )
    tell_about(matter, [responsible, *handlers_of(lead)], Ask.ACCEPT, person)
    for department in co:
        tell_about(matter, handlers_of(department), Ask.CONTRIBUTE, person)
    return matter


@transaction.atomic
def accept(matter: Matter, person: Person, *, responsible: Person | None = None) -> Matter:
    """签收: the lead department takes the matter on; the clock now runs to the due date."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.ACCEPT)
    if responsible is not None and not works_in(responsible, matter.lead_department):
        raise InvalidInput(
            _("%(person)s does not work in %(department)s.")
            % {"person": responsible, "department": matter.lead_department}
        )
    matter._accept()
    set_owner(
        matter,
        matter.lead_department,
        responsible or matter.responsible_person,
        *reply_clock(matter),
    )
    matter.save()
    clock_ledger.changed(matter, was=State.DISPATCHED, end=ClockEnd.MET)
    record_event(
        matter,
        EventType.ACCEPTED,
        person,
        department=matter.lead_department,
        from_state=State.DISPATCHED,
    )
    tell_about(
        matter,
        [matter.originator],
        Ask.INFO,
        person,
        Text(gettext_noop("Accepted by %(department)s."), department=matter.lead_department),
    )
    if matter.responsible_person != person:
        tell_about(matter, [matter.responsible_person], Ask.REPLY, person)
    return matter


@transaction.atomic
def return_matter(matter: Matter, person: Person, *, reason: str) -> Matter:
    """退回: not ours, with a reason; back to whoever dispatched it."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.RETURN)
    reason = require_text(reason, _("Say why the matter is returned."))
    lead = matter.lead_department
    limits = settings_for(matter.organization)
    matter._return()
    matter.return_count += 1
    back_to = matter.dispatcher_department or coordinating_department(matter.organization)
    back_person = matter.dispatcher
    if back_person is None or not back_person.is_active or not works_in(back_person, back_to):
        back_person = default_responsible(back_to)
    set_owner(matter, back_to, back_person, hours_from_now(limits.dispatch_hours))
    matter.save()
    clock_ledger.changed(matter, was=State.DISPATCHED, end=ClockEnd.RETURNED)
    record_event(
        matter,
        EventType.RETURNED,
        person,
        department=lead,
        from_state=State.DISPATCHED,
        reason=reason,
    )
    tell_about(matter, [back_person], Ask.DISPATCH, person, reason)
    return matter


@transaction.atomic
def transfer(
    matter: Matter,
    person: Person,
    *,
    lead: Department,
    co_departments: Iterable[Department] | None = None,
    reason: str,
) -> Matter:
    """转办: pass the matter to the department it belongs to, with a reason."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.TRANSFER)
    reason = require_text(reason, _("Say why the matter is transferred."))
    if lead is None:
        raise InvalidInput(_("Choose the department to transfer to."))
    check_department(matter, lead, _("Lead department"))
    if lead.pk == matter.lead_department_id:
        raise InvalidInput(_("The matter is already with %(department)s.") % {"department": lead})
    if lead.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot lead a matter."))
    previous = matter.lead_department
    from_state = matter.state
    responsible = default_responsible(lead)
    matter._transfer()
    matter.transfer_count += 1
    matter.lead_department = lead
    matter.relation = relation_between(matter.originator_department, lead)
    set_owner(matter, lead, responsible, *accept_clock(matter, lead))
    matter.save()
    clock_ledger.changed(matter, was=from_state, end=ClockEnd.TRANSFERRED)
    co = set_co_organizers(
        matter,
        co_departments
        if co_departments is not None
        else [c.department for c in matter.co_organizers.select_related("department")],
    )
    record_event(
        matter,
        EventType.TRANSFERRED,
        person,
        department=previous,
        from_state=from_state,
        reason=reason,
        lead=lead,
        previous_lead=previous,
        co_departments=co,
        **lapse_extension(matter),
    )
    tell_about(matter, [responsible, *handlers_of(lead)], Ask.ACCEPT, person, reason)
    tell_about(
        matter,
        [matter.originator],
        Ask.INFO,
        person,
        Text(gettext_noop("Transferred to %(department)s."), department=lead),
    )
    return matter


@transaction.atomic
def contribute(matter: Matter, person: Person, *, text: str, attachments: Iterable = ()) -> Matter:
    """协办意见: a co-organizer department gives its part."""
    matter = lock_matter(matter)
    if (
        matter.state in ACTION_STATES[Action.CONTRIBUTE]
        and policy.co_organizer_for(person, matter) is None
    ):
        given = policy.part_given(person, matter)
        if given is not None and can_view(person, matter):
            raise WrongState(
                _("%(department)s already gave its part: %(person)s at %(time)s.")
                % {
                    "department": given.department,
                    "person": given.contributed_by.name if given.contributed_by else "",
                    "time": when_text(given.contributed_at),
                }
            )
    policy.require(person, matter, Action.CONTRIBUTE)
    text = require_text(text, _("Write your department's part."))
    attachments = check_uploads(attachments)
    co = policy.co_organizer_for(person, matter)
    co.text = text
    co.contributed_by = person
    co.contributed_at = timezone.now()
    co.save(update_fields=["text", "contributed_by", "contributed_at"])
    event = record_event(matter, EventType.CONTRIBUTED, person, department=co.department, text=text)
    attach_uploads(matter, person, event, attachments)
    matter.save(update_fields=["updated_at"])
    tell_about(
        matter,
        [matter.responsible_person],
        Ask.INFO,
        person,
        Text(gettext_noop("%(department)s gave its part."), department=co.department),
    )
    return matter


@transaction.atomic
def ask_originator(matter: Matter, person: Person, *, question: str) -> Matter:
    """The lead needs something from the originator to go on: the reply clock stands
    until the originator answers."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.ASK_ORIGINATOR)
    question = require_text(question, _("Write what you need from the originator."))
    matter.paused_at = timezone.now()
    matter.next_check_at = None
    matter.save()
    record_event(
        matter,
        EventType.INFO_REQUESTED,
        person,
        department=matter.lead_department,
        text=question,
        due=matter.next_deadline,
    )
    tell_about(matter, [matter.originator], Ask.PROVIDE_INFO, person, question[:200])
    return matter


@transaction.atomic
def give_information(
    matter: Matter, person: Person, *, text: str, attachments: Iterable = ()
) -> Matter:
    """The originator answers; the reply clock runs again with the working time it had
    left when it stopped."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.GIVE_INFORMATION)
    text = require_text(text, _("Write the information asked for."))
    attachments = check_uploads(attachments)
    now = timezone.now()
    snapshot = snapshot_for(matter.organization, matter.lead_department)
    paused_minutes = working_minutes_between(snapshot, matter.paused_at, now)
    if matter.next_deadline > matter.paused_at:
        left = working_minutes_between(snapshot, matter.paused_at, matter.next_deadline)
        deadline = add_working_time(snapshot, now, Amount(max(left, 1), Unit.WORKING_MINUTES))
    else:
        deadline = matter.next_deadline  # it was already overdue when the lead asked
    matter.reply_due = deadline
    arm_clock(matter, deadline, now=now)
    matter.save()
    clock_ledger.move(matter)
    event = record_event(
        matter,
        EventType.INFO_GIVEN,
        person,
        department=matter.originator_department,
        text=text,
        paused_working_minutes=paused_minutes,
        due=deadline,
    )
    attach_uploads(matter, person, event, attachments)
    tell_about(matter, [matter.responsible_person], Ask.REPLY, person, text[:200])
    return matter

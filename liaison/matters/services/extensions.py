"""延期: an extension is asked for, not taken."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, WrongState
from liaison.core.plain import when_text
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.org.models import Person
from liaison.org.roles import department_of, leader_in_charge

from .. import policy
from ..models import EventType, ExtensionRequest, ExtensionState, Matter, State
from ..policy import ACTION_STATES, Action, can_view
from . import clock_ledger
from .clocks import arm_clock
from .records import lock_matter, record_event, require_text, tell_about


def lapse_extension(matter: Matter) -> dict:
    """A pending extension request lapses when the matter leaves the lead that asked for
    it (re-dispatched, transferred, escalated): the new holder asks for itself. Returns
    what the transition's event records of it."""
    pending = policy.pending_extension(matter)
    if pending is None:
        return {}
    pending.state = ExtensionState.LAPSED
    pending.decided_at = timezone.now()
    pending.save(update_fields=["state", "decided_at"])
    return {"extension_lapsed": pending.proposed_due}


@transaction.atomic
def request_extension(
    matter: Matter, person: Person, *, due: datetime.date, reason: str
) -> ExtensionRequest:
    """延期申请: asked for, not taken."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.REQUEST_EXTENSION)
    if policy.pending_extension(matter) is not None:
        raise WrongState(_("An extension request is already waiting for a decision."))
    reason = require_text(reason, _("Say why more time is needed."))
    if not isinstance(due, datetime.date) or (matter.due is not None and due <= matter.due):
        raise InvalidInput(_("The proposed date must be later than the current due date."))
    if due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    request = ExtensionRequest.objects.create(
        matter=matter, requested_by=person, reason=reason, proposed_due=due, previous_due=matter.due
    )
    record_event(
        matter,
        EventType.EXTENSION_REQUESTED,
        person,
        department=matter.lead_department,
        reason=reason,
        proposed_due=due,
        previous_due=matter.due,
    )
    matter.save(update_fields=["updated_at"])
    deciders = [matter.dispatcher]
    if matter.lead_department is not None:
        deciders.append(leader_in_charge(matter.lead_department))
    tell_about(matter, deciders, Ask.DECIDE_EXTENSION, person, reason)
    return request


@transaction.atomic
def decide_extension(
    matter: Matter, person: Person, *, approve: bool, reason: str = ""
) -> ExtensionRequest:
    matter = lock_matter(matter)
    if (
        matter.state in ACTION_STATES[Action.DECIDE_EXTENSION]
        and policy.pending_extension(matter) is None
        and policy.may_decide_extension(person, matter)
        and can_view(person, matter)
    ):
        decided = (
            matter.extensions.exclude(state=ExtensionState.PENDING)
            .select_related("decided_by")
            .first()
        )
        if decided is not None and decided.decided_by is not None:
            raise WrongState(
                _(
                    "The extension request was already decided (%(decision)s) by %(person)s at "
                    "%(time)s."
                )
                % {
                    "decision": decided.get_state_display(),
                    "person": decided.decided_by.name,
                    "time": when_text(decided.decided_at),
                }
            )
    policy.require(person, matter, Action.DECIDE_EXTENSION)
    request = matter.extensions.select_for_update().get(state=ExtensionState.PENDING)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput(_("Say why the extension is denied."))
    request.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    request.decided_by = person
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    if approve:
        # The approved date replaces the reply clock: the time granted is the lead's.
        matter.due = request.proposed_due
        if matter.state == State.ACCEPTED:
            matter.reply_due = matter.due_at
            arm_clock(matter, matter.due_at)
            clock_ledger.move(matter)
    matter.save()
    record_event(
        matter,
        EventType.EXTENSION_DECIDED,
        person,
        department=department_of(person),
        reason=reason,
        approved=approve,
        due=matter.due,
    )
    tell_about(
        matter,
        [request.requested_by, matter.responsible_person],
        Ask.INFO,
        person,
        Text(gettext_noop("Extension approved until %(due)s."), due=matter.due)
        if approve
        else Text(gettext_noop("Extension denied: %(reason)s"), reason=reason),
    )
    return request

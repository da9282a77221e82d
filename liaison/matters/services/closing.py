"""How a matter ends and comes back: the reply and its confirmation, reopening, withdrawal,
closing as not a matter, and archiving."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.org.models import Organization, Person
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    department_of,
    handlers_of,
    people_of,
    works_in,
)

from .. import policy
from ..models import ClockEnd, EventType, Matter, Rating, Resolution, State
from ..policy import Action
from . import clock_ledger
from .attachments import attach_uploads, check_uploads
from .clocks import accept_clock, clear_owner, hours_from_now, set_owner
from .kinds import settings_for
from .records import lock_matter, record_event, require_text, tell_about


@transaction.atomic
def reply(matter: Matter, person: Person, *, text: str, attachments: Iterable = ()) -> Matter:
    """办结回复: the lead says what was done; the originator is asked to confirm."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.REPLY)
    text = require_text(text, _("Write the reply: what was done."))
    attachments = check_uploads(attachments)
    limits = settings_for(matter.organization)
    matter._reply()
    matter.replied_at = timezone.now()
    set_owner(
        matter,
        matter.originator_department,
        matter.originator,
        hours_from_now(limits.confirm_hours),
    )
    matter.save()
    clock_ledger.changed(matter, was=State.ACCEPTED, end=ClockEnd.MET, at=matter.replied_at)
    event = record_event(
        matter,
        EventType.REPLIED,
        person,
        department=matter.lead_department,
        from_state=State.ACCEPTED,
        text=text,
    )
    attach_uploads(matter, person, event, attachments)
    tell_about(matter, [matter.originator], Ask.CONFIRM, person, text[:200])
    return matter


@transaction.atomic
def confirm(matter: Matter, person: Person, *, rating: str, comment: str = "") -> Matter:
    """The originator rates the reply: satisfied or basically satisfied closes the matter;
    unsatisfied sends it back to the lead (重办), counted."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.CONFIRM)
    if rating not in Rating.values:
        raise InvalidInput(_("Choose a rating."))
    comment = (comment or "").strip()
    if rating == Rating.UNSATISFIED and not comment:
        raise InvalidInput(_("Say what is still wrong."))
    matter.rating = rating
    matter.rating_comment = comment
    if rating == Rating.UNSATISFIED:
        clock_ledger.confirm(matter, rating, reopened=True, at=timezone.now())
        return _reopen(matter, person, comment, EventType.CONFIRMED, rating=rating)
    matter._close()
    matter.resolution = Resolution.DONE
    matter.closed_at = timezone.now()
    clear_owner(matter)
    matter.save()
    clock_ledger.confirm(matter, rating, reopened=False, at=matter.closed_at)
    record_event(
        matter,
        EventType.CONFIRMED,
        person,
        department=matter.originator_department,
        from_state=State.REPLIED,
        reason=comment,
        rating=rating,
    )
    tell_about(
        matter, handlers_of(matter.lead_department), Ask.INFO, person, Text.label(Rating(rating))
    )
    return matter


def _reopen(matter: Matter, person: Person, reason: str, type_: str, **data) -> Matter:
    from_state = matter.state
    matter._reopen()
    matter.reopen_count += 1
    matter.closed_at = None
    matter.resolution = ""
    lead = matter.lead_department
    responsible = default_responsible(lead)
    previous_reply = matter.events.filter(type=EventType.REPLIED).select_related("actor").last()
    if previous_reply is not None and previous_reply.actor and works_in(previous_reply.actor, lead):
        responsible = previous_reply.actor
    deadline, reminders = accept_clock(matter, lead)
    if matter.due_at is not None and matter.due_at > deadline:
        deadline, reminders = matter.due_at, ()
    matter.reply_due = deadline
    set_owner(matter, lead, responsible, deadline, reminders)
    matter.save()
    # A new reply clock: the redone reply is a new unit of the lead's.
    clock_ledger.changed(matter, was=from_state)
    record_event(
        matter,
        type_,
        person,
        department=department_of(person, [matter.originator_department]),
        from_state=from_state,
        reason=reason,
        **data,
    )
    tell_about(matter, [responsible], Ask.REPLY, person, reason)
    return matter


@transaction.atomic
def reopen(matter: Matter, person: Person, *, reason: str) -> Matter:
    matter = lock_matter(matter)
    policy.require(person, matter, Action.REOPEN)
    reason = require_text(reason, _("Say why the matter is reopened."))
    if matter.resolution == Resolution.NOT_A_MATTER or matter.lead_department is None:
        return _reopen_for_dispatch(matter, person, reason)
    return _reopen(matter, person, reason, EventType.REOPENED)


def _reopen_for_dispatch(matter: Matter, person: Person, reason: str) -> Matter:
    """A matter closed as "not a matter" was never handled by a lead (or was returned by
    it): reopened, it waits for the coordinating office to dispatch it."""
    office = coordinating_department(matter.organization)
    responsible = default_responsible(office)
    matter._reopen_for_dispatch()
    matter.reopen_count += 1
    matter.closed_at = None
    matter.resolution = ""
    set_owner(
        matter,
        office,
        responsible,
        hours_from_now(settings_for(matter.organization).dispatch_hours),
    )
    matter.save()
    record_event(
        matter,
        EventType.REOPENED,
        person,
        department=department_of(person, [matter.originator_department]),
        from_state=State.CLOSED,
        reason=reason,
    )
    tell_about(matter, [responsible, *people_of(office)], Ask.DISPATCH, person, reason)
    return matter


@transaction.atomic
def withdraw(matter: Matter, person: Person, *, reason: str) -> Matter:
    """The originator takes the matter back before it is accepted."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.WITHDRAW)
    reason = require_text(reason, _("Say why the matter is withdrawn."))
    holder = matter.responsible_person
    from_state = matter.state
    matter._withdraw()
    matter.closed_at = timezone.now()
    clear_owner(matter)
    matter.save()
    clock_ledger.changed(matter, was=from_state, end=ClockEnd.WITHDRAWN, at=matter.closed_at)
    record_event(
        matter,
        EventType.WITHDRAWN,
        person,
        department=matter.originator_department,
        from_state=from_state,
        reason=reason,
    )
    tell_about(matter, [holder], Ask.INFO, person, reason)
    return matter


@transaction.atomic
def close_as_not_a_matter(matter: Matter, person: Person, *, reason: str) -> Matter:
    matter = lock_matter(matter)
    policy.require(person, matter, Action.CLOSE)
    reason = require_text(reason, _("Say why this is not a matter to handle."))
    from_state = matter.state
    matter._close_as_not_a_matter()
    matter.resolution = Resolution.NOT_A_MATTER
    matter.closed_at = timezone.now()
    clear_owner(matter)
    matter.save()
    clock_ledger.changed(matter, was=from_state, end=ClockEnd.CLOSED, at=matter.closed_at)
    record_event(
        matter,
        EventType.CLOSED,
        person,
        department=department_of(person),
        from_state=from_state,
        reason=reason,
    )
    tell_about(matter, [matter.originator], Ask.INFO, person, reason)
    return matter


def archive_closed_matters(organization: Organization, now: datetime.datetime | None = None) -> int:
    """Closed and withdrawn matters older than the organization's archive period become
    archived (a system event, no actor). Returns how many."""
    now = now or timezone.now()
    limits = settings_for(organization)
    cutoff = now - datetime.timedelta(days=limits.archive_after_days)
    count = 0
    for pk in Matter.objects.filter(
        organization=organization, state__in=[State.CLOSED, State.WITHDRAWN], closed_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().get(pk=pk)
            if matter.state not in (State.CLOSED, State.WITHDRAWN):
                continue
            from_state = matter.state
            matter._archive()
            matter.save()
            record_event(matter, EventType.ARCHIVED, None, from_state=from_state)
            count += 1
    return count

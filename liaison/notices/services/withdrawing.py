"""Withdrawing a published notice (its open task matters with it) and pinning it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.matters import services as matters
from liaison.matters.models import State
from liaison.org.models import Person

from .. import policy
from ..models import EventType, Notice, NoticeState
from .common import event, lock, tell_later


@transaction.atomic
def withdraw(notice: Notice, person: Person, *, reason: str) -> Notice:
    """Take a published notice back: it leaves everyone's list, those who could see it are
    told why, and task matters not yet accepted are withdrawn with it."""
    notice = lock(notice)
    if not policy.may_manage(person, notice):
        raise NotAllowed(_("Only the issuing department may withdraw this notice."))
    if not policy.state_allows(notice, "withdraw"):
        raise WrongState(_("Only a published notice can be withdrawn."))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why the notice is withdrawn."))
    notice.state = NoticeState.WITHDRAWN
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_by = person
    notice.withdraw_reason = reason
    notice.save(update_fields=["state", "withdrawn_at", "withdrawn_by", "withdraw_reason"])
    kept = []
    for relay in notice.relays.exclude(matter=None).select_related("matter"):
        matter = relay.matter
        if matters.Action.WITHDRAW in matters.allowed_actions(matter.originator, matter):
            matters.withdraw(
                matter,
                matter.originator,
                reason=_("The notice was withdrawn: %(reason)s") % {"reason": reason},
            )
        elif matter.state not in (State.CLOSED, State.ARCHIVED):
            kept.append(matter.number)
    event(
        notice,
        EventType.WITHDRAWN,
        person,
        department=notice.author_department,
        reason=reason,
        matters_kept=kept,
    )
    seen = notice.receipts.filter(delivered_at__isnull=False).values_list("person_id", flat=True)
    title = Text(gettext_noop("Withdrawn: %(title)s"), title=notice.title)
    tell_later(notice, set(seen) - {person.pk}, Ask.INFO, title, reason)
    return notice


@transaction.atomic
def set_pinned(notice: Notice, person: Person, *, pinned: bool) -> Notice:
    notice = lock(notice)
    if not policy.may_manage(person, notice):
        raise NotAllowed(_("Only the issuing department may pin this notice."))
    if not policy.state_allows(notice, "pin"):
        raise WrongState(_("Only a published notice can be pinned."))
    if notice.pinned != pinned:
        notice.pinned = pinned
        notice.save(update_fields=["pinned"])
        event(notice, EventType.PINNED if pinned else EventType.UNPINNED, person)
    return notice

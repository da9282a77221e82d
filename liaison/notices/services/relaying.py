"""Relaying a notice into departments, recording reading, reminding those who have not
read (or relayed) it, and the sweep's reminder to liaison officers who forgot."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import NotAllowed, WrongState
from liaison.inbox.models import Ask
from liaison.inbox.texts import Text
from liaison.org.models import Department, Person

from .. import policy
from ..models import EventType, Notice, NoticeState, ReadVia, Receipt, Relay
from .common import RELAY_REMINDER_AFTER, REMIND_INTERVAL, event, lock, read_ask, tell, tell_later


@transaction.atomic
def relay_notice(
    notice: Notice, person: Person, *, department: Department | None = None, note: str = ""
) -> list[Relay]:
    """The liaison officer (or head) relays the notice into their department(s): its
    people now see it and are told."""
    notice = lock(notice)
    if not policy.state_allows(notice, "relay"):
        raise WrongState(_("This notice is no longer current; it cannot be relayed."))
    mine = policy.relay_departments(person)
    pending = Relay.objects.select_for_update(of=("self",)).filter(
        notice=notice, relayed_at__isnull=True
    )
    if department is not None:
        pending = pending.filter(department=department)
    pending = [r for r in pending.select_related("department") if r.department_id in mine]
    if not pending:
        if department is not None and not policy.may_relay_to(person, department):
            raise NotAllowed(
                _("Only the liaison officer or the head of %(department)s may relay it there.")
                % {"department": department}
            )
        if Relay.objects.filter(notice=notice, department_id__in=mine).exists():
            raise WrongState(_("It has been relayed already."))
        raise NotAllowed(_("This notice was not sent to a department you relay for."))
    now = timezone.now()
    note = (note or "").strip()
    told: list[int] = []
    for relay in pending:
        relay.relayed_at = now
        relay.relayed_by = person
        relay.note = note
        relay.save(update_fields=["relayed_at", "relayed_by", "note"])
        waiting = Receipt.objects.filter(
            notice=notice, department=relay.department, delivered_at__isnull=True
        )
        ids = list(waiting.values_list("person_id", flat=True))
        waiting.update(delivered_at=now)
        told.extend(ids)
        event(
            notice,
            EventType.RELAYED,
            person,
            department=relay.department,
            people=len(ids),
            note=note,
        )
    tell_later(notice, set(told) - {person.pk}, read_ask(notice), notice.title, note)
    return pending


def mark_read(notice: Notice, person: Person | None, *, via: str = ReadVia.PAGE) -> bool:
    """Record the person's first reading (later openings change nothing). True when this
    was the first."""
    if person is None or notice.state == NoticeState.DRAFT:
        return False
    return bool(
        Receipt.objects.filter(
            notice=notice, person=person, delivered_at__isnull=False, read_at__isnull=True
        ).update(read_at=timezone.now(), read_via=via)
    )


@dataclass
class Reminded:
    readers: int = 0
    relayers: int = 0
    skipped: int = 0  # reminded less than REMIND_INTERVAL ago


def _relay_reminder(notice: Notice, department: Department) -> Text:
    return Text(
        gettext_noop("Reminder: please relay «%(title)s» to %(department)s"),
        title=notice.title,
        department=department,
    )


@transaction.atomic
def remind(notice: Notice, person: Person, *, department: Department | None = None) -> Reminded:
    """Remind those who have not read the notice (in one department, or everywhere the
    person may): people who can see it are asked to read it, liaison officers who have
    not relayed it are asked to relay. Nobody is reminded twice within an hour."""
    notice = lock(notice)
    if not policy.state_allows(notice, "remind"):
        raise WrongState(_("This notice is no longer current; nobody is reminded of it."))
    if not policy.may_remind(person, notice):
        raise NotAllowed(_("You may not remind readers of this notice."))
    if not policy.may_remind(person, notice, department):
        raise NotAllowed(_("You may remind only your own department's readers of this notice."))
    allowed = policy.stats_departments(person, notice)
    now = timezone.now()
    recent = now - REMIND_INTERVAL
    result = Reminded()

    unread = Receipt.objects.filter(
        notice=notice, delivered_at__isnull=False, read_at__isnull=True
    ).exclude(person=person)
    relays = Relay.objects.filter(notice=notice, relayed_at__isnull=True)
    if department is not None:
        unread = unread.filter(department=department)
        relays = relays.filter(department=department)
    elif allowed is not None:
        unread = unread.filter(department_id__in=allowed)
        relays = relays.filter(department_id__in=allowed)
    # A liaison officer who has not relayed it yet is asked to relay, not to read.
    unread = unread.exclude(person_id__in=relays.exclude(relayer=None).values("relayer_id"))
    due = unread.filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=recent))
    result.skipped = unread.count() - due.count()
    ids = list(due.values_list("person_id", flat=True))
    if ids:
        Receipt.objects.filter(notice=notice, person_id__in=ids).update(
            reminded_at=now, reminders=F("reminders") + 1
        )
        title = Text(gettext_noop("Reminder: please read «%(title)s»"), title=notice.title)
        tell_later(notice, ids, Ask.READ, title)
    result.readers = len(ids)

    for relay in relays.select_related("department"):
        if relay.relayer_id is None or relay.relayer_id == person.pk:
            continue
        if relay.reminded_at is not None and relay.reminded_at > recent:
            result.skipped += 1
            continue
        relay.reminded_at = now
        relay.save(update_fields=["reminded_at"])
        tell_later(notice, [relay.relayer_id], Ask.RELAY, _relay_reminder(notice, relay.department))
        result.relayers += 1
    event(
        notice,
        EventType.REMINDED,
        person,
        department=department,
        readers=result.readers,
        relayers=result.relayers,
        skipped=result.skipped,
    )
    return result


def sweep(now: datetime.datetime) -> dict:
    """Remind, once, each liaison officer who has left a current notice unrelayed for a
    day."""
    stale = (
        Relay.objects.filter(
            relayed_at__isnull=True,
            relayer__isnull=False,
            reminded_at__isnull=True,
            notice__state=NoticeState.PUBLISHED,
            notice__published_at__lte=now - RELAY_REMINDER_AFTER,
        )
        .filter(Q(notice__expires_at__isnull=True) | Q(notice__expires_at__gt=now))
        .select_related("notice", "department")
    )
    count = 0
    for relay in stale[:500]:
        with transaction.atomic():
            if not Relay.objects.filter(pk=relay.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            title = _relay_reminder(relay.notice, relay.department)
            tell(relay.notice_id, [relay.relayer_id], Ask.RELAY, title)
            event(relay.notice, EventType.RELAY_REMINDED, None, department=relay.department)
            count += 1
    return {"relay_reminders": count}

"""What every notices use case shares: locking, the timeline, and telling people."""

import datetime
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.urls import reverse

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.org.models import Department, Person

from ..models import Notice, NoticeEvent

#: Audiences larger than this are told by the worker, so publishing stays quick.
TELL_AT_ONCE = 100
#: People told per queued task.
TELL_CHUNK = 1000
#: A person is reminded at most once in this time.
REMIND_INTERVAL = datetime.timedelta(hours=1)
#: A liaison officer who has not relayed a notice this long after it was published is
#: reminded once by the sweep.
RELAY_REMINDER_AFTER = datetime.timedelta(hours=24)


def lock(notice: Notice) -> Notice:
    return (
        Notice.objects.select_for_update(of=("self",))
        .select_related("author_department")
        .get(pk=notice.pk)
    )


def event(
    notice: Notice, type_: str, actor: Person | None, department: Department | None = None, **data
) -> NoticeEvent:
    return NoticeEvent.objects.create(
        notice=notice, type=type_, actor=actor, department=department, data=data
    )


def notice_url(notice: Notice) -> str:
    return reverse("notices:detail", args=[notice.pk])


def read_ask(notice: Notice) -> str:
    return Ask.READ if notice.require_read else Ask.INFO


def tell(notice_id: int, person_ids: list[int], ask: str, title, detail="") -> int:
    """Inbox items (and e-mails, per preferences) about a notice for these people. Title
    and detail are text, a Text, or a Text's stored form (from the task queue)."""
    notice = Notice.objects.get(pk=notice_id)
    people = list(Person.objects.filter(pk__in=person_ids, is_active=True))
    notify(
        people,
        ask=ask,
        title=_readable(title),
        detail=_readable(detail),
        url=notice_url(notice),
        subject=notice,
        urgent=False,
    )
    return len(people)


def tell_later(notice: Notice, person_ids: Iterable[int], ask: str, title: str, detail=""):
    """Tell people about the notice: in this transaction for a few, through the worker
    after commit for many (publishing to 10,000 people must not wait for 10,000 items)."""
    person_ids = sorted(set(person_ids))
    if not person_ids:
        return
    # What a task's arguments can carry: text, or a Text's stored form.
    title, detail = _portable(title), _portable(detail)
    if len(person_ids) <= TELL_AT_ONCE:
        tell(notice.pk, person_ids, ask, title, detail)
        return
    from .. import tasks

    for start in range(0, len(person_ids), TELL_CHUNK):
        chunk = person_ids[start : start + TELL_CHUNK]
        transaction.on_commit(
            partial(tasks.tell_about_notice.enqueue, notice.pk, chunk, ask, title, detail),
            robust=True,
        )


def _portable(value) -> str | dict:
    return value.stored() if isinstance(value, Text) else str(value)


def _readable(value) -> str | Text:
    return Text.from_stored(value) if isinstance(value, dict) else value

"""Who holds an open matter and until when: owner, responsible person, deadline, reminders."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from liaison.deadlines.services import step_clock
from liaison.org.models import Department, Person

from ..models import Matter


def hours_from_now(hours: int) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(hours=hours)


def accept_clock(
    matter: Matter, department: Department, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, tuple[datetime.datetime, ...]]:
    """When `department` must accept (or take up again) the matter, and when it is
    reminded: the service level of its kind and urgency, in the department's working
    time. Recorded as the matter's accept_due."""
    clock = step_clock(matter.kind, matter.urgency, "accept", department, now or timezone.now())
    matter.accept_due = clock.due
    matter.reply_due = None
    return clock.due, clock.reminders


def reply_clock(
    matter: Matter, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, tuple[datetime.datetime, ...]]:
    """When the lead must reply: the service level's time to reply from now, in the lead's
    working time, but no later than the due date the originator was promised."""
    clock = step_clock(
        matter.kind, matter.urgency, "reply", matter.lead_department, now or timezone.now()
    )
    due = clock.due
    if matter.due_at is not None and matter.due_at < due:
        due = matter.due_at
    matter.reply_due = due
    return due, tuple(r for r in clock.reminders if r < due)


def set_owner(
    matter: Matter,
    department: Department,
    person: Person,
    deadline: datetime.datetime,
    reminders: Iterable[datetime.datetime] = (),
    now: datetime.datetime | None = None,
) -> None:
    matter.owner_department = department
    matter.responsible_person = person
    arm_clock(matter, deadline, reminders, now)


def arm_clock(
    matter: Matter,
    deadline: datetime.datetime,
    reminders: Iterable[datetime.datetime] = (),
    now: datetime.datetime | None = None,
) -> None:
    """Set the holder's deadline and the reminders still to come; the sweep looks at the
    matter again at the first of them (the clock runs again if it was paused)."""
    now = now or timezone.now()
    upcoming = sorted(r for r in set(reminders) if now < r < deadline)
    matter.next_deadline = deadline
    matter.reminders_due = [r.isoformat() for r in upcoming]
    matter.next_check_at = upcoming[0] if upcoming else deadline
    matter.paused_at = None


def clear_owner(matter: Matter) -> None:
    matter.owner_department = None
    matter.responsible_person = None
    matter.next_deadline = None
    matter.next_check_at = None
    matter.reminders_due = []
    matter.paused_at = None

"""Deadlines from service levels: when a step of a matter is due, and when its holder is
reminded, in the working time of the department that holds it (see liaison.worktime)."""

import datetime
from dataclasses import dataclass

from django.db.models.signals import post_save
from django.dispatch import receiver

from liaison.org.models import Department
from liaison.worktime.domain import (
    Amount,
    CalendarSnapshot,
    Unit,
    add_working_time,
    working_minutes_between,
)
from liaison.worktime.services import snapshot_for

from .models import BreachAction, ServiceLevel, Urgency

#: Seeded for every kind: (accept within, unit, reply within, unit). Emergencies follow
#: the seeds' limits for urgent results (30 minutes) and for longer work (6 hours),
#: around the clock; a normal matter has a working day to be accepted and its kind's
#: usual number of working days to be answered (None: the kind's default days).
DEFAULT_LEVELS = {
    Urgency.NORMAL: (1, Unit.WORKING_DAYS, None, Unit.WORKING_DAYS),
    Urgency.URGENT: (4, Unit.WORKING_HOURS, 1, Unit.WORKING_DAYS),
    Urgency.EMERGENCY: (30, Unit.CLOCK_MINUTES, 360, Unit.CLOCK_MINUTES),
}
DEFAULT_REMINDERS = [50, 90]


def seed_service_levels(kind) -> None:
    """Give a matter kind (matters.MatterKind) the default service levels it lacks."""
    for urgency, (accept, accept_unit, reply, reply_unit) in DEFAULT_LEVELS.items():
        ServiceLevel.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={
                "accept_within": accept,
                "accept_unit": accept_unit,
                "reply_within": reply if reply is not None else max(kind.default_days, 1),
                "reply_unit": reply_unit,
                "reminders": DEFAULT_REMINDERS,
                "on_breach": BreachAction.ESCALATE,
            },
        )


# A lazy sender: deadlines does not import the matters (the matters use the deadlines).
@receiver(post_save, sender="matters.MatterKind")
def _seed_new_kind(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        seed_service_levels(instance)


def service_level(kind, urgency: str) -> ServiceLevel:
    """The kind's service level for the urgency (seeded when missing, e.g. deleted)."""
    level = ServiceLevel.objects.filter(kind=kind, urgency=urgency).first()
    if level is None:
        seed_service_levels(kind)
        level = ServiceLevel.objects.get(kind=kind, urgency=urgency)
    return level


@dataclass(frozen=True)
class Clock:
    """One step's clock: started, due, and when the holder is reminded."""

    start: datetime.datetime
    due: datetime.datetime
    reminders: tuple[datetime.datetime, ...]
    on_breach: str


def clock(
    snapshot: CalendarSnapshot,
    start: datetime.datetime,
    within: int,
    unit: str,
    reminders=(),
    on_breach: str = BreachAction.ESCALATE,
) -> Clock:
    """The deadline `within` `unit` after `start`, and the reminder moments at the given
    percentages of the time allowed (counted in the same kind of time)."""
    unit = Unit(unit)
    due = add_working_time(snapshot, start, Amount(within, unit))
    if unit == Unit.CLOCK_MINUTES:
        allowed = (due - start).total_seconds() / 60
        moments = [start + datetime.timedelta(minutes=allowed * p / 100) for p in reminders]
    else:
        allowed = working_minutes_between(snapshot, start, due)
        moments = [
            add_working_time(
                snapshot, start, Amount(max(round(allowed * p / 100), 1), Unit.WORKING_MINUTES)
            )
            for p in reminders
        ]
    return Clock(start, due, tuple(sorted(set(moments))), on_breach)


def step_clock(
    kind,
    urgency: str,
    step: str,
    department: Department | None,
    start: datetime.datetime,
    snapshot: CalendarSnapshot | None = None,
) -> Clock:
    """The clock of a step ("accept" or "reply") of a matter of this kind and urgency,
    held by `department`, started at `start`."""
    level = service_level(kind, urgency)
    snapshot = snapshot or snapshot_for(kind.organization, department)
    if step == "accept":
        within, unit = level.accept_within, level.accept_unit
    elif step == "reply":
        within, unit = level.reply_within, level.reply_unit
    else:
        raise ValueError(f"unknown step {step!r}")
    return clock(snapshot, start, within, unit, level.reminders, level.on_breach)

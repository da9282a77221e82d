"""The clock ledger's writes (models/clocks.py), made by the services in the same
transaction as the change of the matter they record.

The ledger's running clock is the matter's own: while a matter is dispatched, the lead's
accept clock (due accept_due); while it is accepted, the lead's reply clock (due
reply_due); in any other state none. check_invariant holds the services to it."""

import datetime
from collections import defaultdict

from django.utils import timezone

from liaison.core import bulk

from ..models import Clock, ClockEnd, ClockKind, Matter, State

#: The kind of clock that runs in a state; the other states run none.
RUNNING = {State.DISPATCHED: ClockKind.ACCEPT, State.ACCEPTED: ClockKind.REPLY}


class Writes:
    """Ledger writes collected and made at once: one action's, or a sweep batch's."""

    def __init__(self):
        self.ended: dict[tuple[str, datetime.datetime], list[int]] = defaultdict(list)
        self.started: list[Clock] = []

    def changed(self, matter: Matter, *, was: str, end: str, at: datetime.datetime) -> None:
        if was in RUNNING:
            self.ended[(end, at)].append(matter.pk)
        kind = RUNNING.get(matter.state)
        if kind is not None:
            self.started.append(
                Clock(
                    organization_id=matter.organization_id,
                    matter_id=matter.pk,
                    kind=kind,
                    department_id=matter.lead_department_id,
                    started_at=at,
                    due=matter.accept_due if kind == ClockKind.ACCEPT else matter.reply_due,
                )
            )

    def flush(self) -> None:
        # Ends first: a matter runs one clock at a time.
        for (end, at), pks in self.ended.items():
            Clock.objects.filter(matter_id__in=pks, ended_at__isnull=True).update(
                ended_at=at, end=end
            )
        bulk.insert(self.started)
        self.ended.clear()
        self.started = []


def changed(
    matter: Matter, *, was: str, end: str = "", at: datetime.datetime | None = None
) -> None:
    """The matter went from state `was` to its state now (or, in the same state, to a new
    holder's time): the clock that ran ends `end` (met, returned, transferred, …), and
    the new state's clock starts, due when the matter now says."""
    writes = Writes()
    writes.changed(matter, was=was, end=end, at=at or timezone.now())
    writes.flush()


def move(matter: Matter) -> None:
    """An approved extension or the end of a pause moves the running reply clock's due
    as it moved the matter's reply_due."""
    Clock.objects.filter(matter=matter, ended_at__isnull=True, kind=ClockKind.REPLY).update(
        due=matter.reply_due
    )


def confirm(matter: Matter, rating: str, *, reopened: bool, at: datetime.datetime) -> None:
    """The originator's confirmation of the lead's last reply: its rating, and whether it
    sent the matter back (重办)."""
    last = (
        Clock.objects.filter(matter=matter, kind=ClockKind.REPLY, end=ClockEnd.MET)
        .order_by("-started_at", "-pk")
        .values_list("pk", flat=True)[:1]
    )
    Clock.objects.filter(pk__in=list(last)).update(
        confirmed_at=at, rating=rating, reopened=reopened
    )

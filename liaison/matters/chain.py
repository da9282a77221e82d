"""The chain view: which departments held a matter, in order, for how long, and what
each said. Derived from the timeline alone (every event records who holds the matter
after it), so it is a plain function of the events and easy to test.

The work-clothes case reads at a glance: asked stores, stores returned it (budget
rules), the office sent it to HR, HR transferred it to planning, planning returned it …
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from .models import EventType, Rating

#: Events that say something worth showing in the chain (comments are left out: the
#: timeline has them).
NOTEWORTHY = {
    EventType.DISPATCHED,
    EventType.ACCEPTED,
    EventType.RETURNED,
    EventType.TRANSFERRED,
    EventType.CONTRIBUTED,
    EventType.EXTENSION_REQUESTED,
    EventType.EXTENSION_DECIDED,
    EventType.REPLIED,
    EventType.CONFIRMED,
    EventType.REOPENED,
    EventType.ESCALATED,
    EventType.CLOSED,
    EventType.WITHDRAWN,
}

#: How each outcome reads: a Tabler colour for its badge.
TONES = {
    EventType.SUBMITTED: "secondary",
    EventType.DISPATCHED: "blue",
    EventType.ACCEPTED: "azure",
    EventType.RETURNED: "red",
    EventType.TRANSFERRED: "orange",
    EventType.CONTRIBUTED: "teal",
    EventType.EXTENSION_REQUESTED: "yellow",
    EventType.EXTENSION_DECIDED: "yellow",
    EventType.REPLIED: "green",
    EventType.CONFIRMED: "green",
    EventType.REOPENED: "orange",
    EventType.ESCALATED: "red",
    EventType.CLOSED: "secondary",
    EventType.WITHDRAWN: "secondary",
    EventType.INFO_REQUESTED: "azure",
    EventType.INFO_GIVEN: "azure",
    EventType.REMINDED: "yellow",
    EventType.BREACHED: "red",
    EventType.SUPERVISED: "purple",
    EventType.URGED: "orange",
    EventType.RECTIFICATION_SUBMITTED: "purple",
    EventType.RECTIFICATION_ACCEPTED: "green",
    EventType.RECTIFICATION_REJECTED: "red",
}


@dataclass
class Note:
    """Something said or done while a department held the matter."""

    type: str
    label: str
    at: datetime.datetime
    actor: object = None
    department: object = None  # the department that said it
    target: object = None  # where the matter went because of it (dispatch, transfer, return)
    text: str = ""
    rating: str = ""  # the originator's rating, for a confirmation
    tone: str = "secondary"

    @property
    def rating_label(self) -> str:
        return Rating(self.rating).label if self.rating else ""


@dataclass
class Segment:
    """One department holding the matter, from `start` until `end` (None: still there)."""

    department: object
    start: datetime.datetime
    end: datetime.datetime | None = None
    notes: list[Note] = field(default_factory=list)
    outcome: Note | None = None  # the event that took the matter away from it
    is_origin: bool = False  # the originating department raising it
    duration: datetime.timedelta = datetime.timedelta(0)

    @property
    def is_current(self) -> bool:
        return self.end is None


def _same(a, b) -> bool:
    return a is not None and b is not None and a.pk == b.pk


def _note(event) -> Note:
    type_ = event.type
    label = event.get_type_display() if hasattr(event, "get_type_display") else str(type_)
    text = (event.reason or "").strip() or (event.text or "").strip()
    rating = (event.data or {}).get("rating", "") if type_ == EventType.CONFIRMED else ""
    return Note(
        type=type_,
        label=label,
        at=event.at,
        actor=event.actor,
        department=event.actor_department,
        text=text,
        rating=rating if rating in Rating.values else "",
        tone=TONES.get(type_, "secondary"),
    )


def build_chain(events: Iterable, *, now: datetime.datetime | None = None) -> list[Segment]:
    """The departments that held the matter, in order; consecutive stays merged.

    `events` are MatterEvent rows (or anything with the same attributes) in timeline
    order; internal notes should already be left out for people who may not see them.
    """
    now = now or timezone.now()
    segments: list[Segment] = []
    current: Segment | None = None
    for event in sorted(events, key=lambda e: (e.at, e.pk or 0)):
        holder = event.owner_department
        if event.type == EventType.SUBMITTED and event.actor_department is not None:
            # The originating department raises it; it may keep it for an instant (direct
            # coordination) or hand it to the coordinating office at once.
            origin = Segment(department=event.actor_department, start=event.at, is_origin=True)
            segments.append(origin)
            current = origin
        noteworthy = event.type in NOTEWORTHY
        if current is not None and not _same(holder, current.department):
            # The matter leaves the current holder: this event is how that stay ended.
            current.end = event.at
            if noteworthy or event.type == EventType.SUBMITTED:
                note = _note(event)
                note.target = holder
                current.outcome = note
            current = None
        elif current is not None and noteworthy:
            current.notes.append(_note(event))
            noteworthy = False
        if holder is not None and current is None:
            current = Segment(department=holder, start=event.at)
            segments.append(current)
            if noteworthy and event.type == EventType.REOPENED:
                # Reopened after closing: the reason opens the new stay.
                current.notes.append(_note(event))
    for segment in segments:
        segment.duration = max((segment.end or now) - segment.start, datetime.timedelta(0))
    return segments

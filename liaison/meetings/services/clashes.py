"""Clashes (会议撞车): a person, a department head or a room expected at two meetings at
once. They are warnings, not refusals: scheduling, changing and moving return them.
"""

import bisect
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from liaison.core.plain import when_text
from liaison.org.models import Department, Organization, Person

from ..models import Meeting, MeetingSeries, MeetingState, Room
from .common import MAX_CLASHES, _named
from .occurrences import extend_horizon
from .seats import HEAD, Seat, _key, invitations_of, seats_for


@dataclass(frozen=True)
class Clash:
    """A person, a department head or a room expected at two meetings at once. `start`
    and `end` are the new (or moved) meeting's; `other` is the meeting it clashes with;
    `headline` its title as whoever is warned sees it (selectors.clashes_seen_by)."""

    kind: str  # "room", "head" or "person"
    start: datetime.datetime
    end: datetime.datetime
    other: Meeting
    person: Person | None = None
    department: Department | None = None
    room: Room | None = None
    headline: str | None = None

    @property
    def message(self) -> str:
        values = {
            # Until the selectors say who is warned, as anyone may see it.
            "meeting": self.headline if self.headline is not None else _named(self.other, None),
            "time": when_text(self.other.start),
            "person": self.person.name if self.person else "",
            "department": self.department.name if self.department else "",
            "room": self.room.name if self.room else "",
        }
        if self.kind == "room":
            return _("%(room)s is already booked for %(meeting)s at %(time)s.") % values
        if self.kind == "head":
            return (
                _(
                    "%(person)s, head of %(department)s, is also expected at %(meeting)s "
                    "at %(time)s."
                )
                % values
            )
        return _("%(person)s is also expected at %(meeting)s at %(time)s.") % values


def find_clashes(
    organization: Organization,
    spans: list[tuple[datetime.datetime, datetime.datetime]],
    seats: dict[int, Seat],
    room: Room | None,
    *,
    exclude_series: MeetingSeries | None = None,
    exclude_meeting: Meeting | None = None,
) -> list[Clash]:
    """The scheduled meetings that overlap one of `spans` (sorted, not overlapping each
    other) and share a room or a person with them, the earliest first."""
    if not spans:
        return []
    starts = [start for start, _end in spans]
    ends = [end for _start, end in spans]
    extend_horizon(organization, ends[-1])
    candidates = Meeting.objects.filter(
        organization=organization,
        state=MeetingState.SCHEDULED,
        start__lt=ends[-1],
        end__gt=starts[0],
    ).select_related("series", "room", "matter")
    if exclude_series is not None:
        candidates = candidates.exclude(series=exclude_series)
    if exclude_meeting is not None:
        candidates = candidates.exclude(pk=exclude_meeting.pk)
    overlapping = []
    for other in candidates.order_by("start", "pk"):
        # Spans that start before the other ends and end after it starts.
        for index in range(
            bisect.bisect_right(ends, other.start), bisect.bisect_left(starts, other.end)
        ):
            overlapping.append((spans[index], other))
    if not overlapping:
        return []
    others = {other.pk: other for _span, other in overlapping}
    other_seats = seats_for(invitations_of(others.values()))
    people = {p.pk: p for p in Person.objects.filter(pk__in=set(seats))}
    department_ids = {s.department_id for s in seats.values() if s.department_id}
    clashes: list[Clash] = []
    found_people: list[tuple] = []
    for (start, end), other in overlapping:
        if room is not None and other.room_id == room.pk:
            clashes.append(Clash("room", start, end, other, room=room))
        theirs = other_seats[_key(other)]
        for person_id in seats.keys() & theirs.keys():
            mine = seats[person_id]
            head = mine if mine.role == HEAD else theirs[person_id]
            found_people.append((start, end, other, person_id, head))
            if head.department_id:
                department_ids.add(head.department_id)
    departments = Department.objects.in_bulk(department_ids)
    for start, end, other, person_id, head in found_people:
        if head.role == HEAD:
            clashes.append(
                Clash(
                    "head",
                    start,
                    end,
                    other,
                    person=people[person_id],
                    department=departments[head.department_id],
                )
            )
        else:
            clashes.append(Clash("person", start, end, other, person=people[person_id]))
    clashes.sort(key=lambda c: (c.start, c.other.start, c.kind))
    return clashes[:MAX_CLASHES]

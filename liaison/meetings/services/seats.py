"""Who is expected at a meeting: its chair, the heads and liaison officers of the
participating departments, and the people invited by name.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from liaison.org.models import Position, PositionRole

from ..models import Attendance, Meeting, MeetingSeries, Participant

# Who is expected at a meeting.

CHAIR = "chair"
HEAD = "head"
LIAISON_OFFICER = "liaison_officer"
INVITED = "invited"
#: When a person has several reasons to attend, the first of these is kept.
SEAT_ORDER = (CHAIR, HEAD, LIAISON_OFFICER, INVITED)


@dataclass(frozen=True)
class Seat:
    """Why a person is expected at a meeting: as its chair, as head or liaison officer
    of a participating department, or invited by name."""

    role: str
    department_id: int | None = None


@dataclass
class Invitation:
    """A series' or one-off meeting's chair and participant rows, as plain ids."""

    chair_id: int | None = None
    departments: list[tuple[int, str]] = field(default_factory=list)  # (id, attendance)
    people: list[int] = field(default_factory=list)


def _department_people(department_ids: Iterable[int]) -> dict[int, dict[str, list[int]]]:
    """The current head (deputy heads where there is none) and liaison officer of each
    department, active people only."""
    found: dict[int, dict[str, list[int]]] = {}
    deputies: dict[int, list[int]] = {}
    for department_id, role, person_id in (
        Position.objects.current()
        .filter(
            department_id__in=set(department_ids),
            role__in=[PositionRole.HEAD, PositionRole.DEPUTY_HEAD, PositionRole.LIAISON_OFFICER],
            person__is_active=True,
        )
        .values_list("department_id", "role", "person_id")
    ):
        if role == PositionRole.DEPUTY_HEAD:
            deputies.setdefault(department_id, []).append(person_id)
        else:
            key = HEAD if role == PositionRole.HEAD else LIAISON_OFFICER
            found.setdefault(department_id, {}).setdefault(key, []).append(person_id)
    for department_id, people in deputies.items():
        found.setdefault(department_id, {}).setdefault(HEAD, people)
    return found


def seats_for(invitations: dict) -> dict:
    """For each invitation (any keys), who is expected: person id → Seat."""
    staff = _department_people(
        department_id
        for invitation in invitations.values()
        for department_id, _attendance in invitation.departments
    )
    result = {}
    for key, invitation in invitations.items():
        seats: dict[int, Seat] = {}

        def add(person_id: int, seat: Seat, seats=seats) -> None:
            current = seats.get(person_id)
            if current is None or SEAT_ORDER.index(seat.role) < SEAT_ORDER.index(current.role):
                seats[person_id] = seat

        for person_id in invitation.people:
            add(person_id, Seat(INVITED))
        for department_id, attendance in invitation.departments:
            people = staff.get(department_id, {})
            if attendance in (Attendance.HEAD, Attendance.BOTH):
                for person_id in people.get(HEAD, ()):
                    add(person_id, Seat(HEAD, department_id))
            if attendance in (Attendance.LIAISON_OFFICER, Attendance.BOTH):
                for person_id in people.get(LIAISON_OFFICER, ()):
                    add(person_id, Seat(LIAISON_OFFICER, department_id))
        if invitation.chair_id is not None:
            add(invitation.chair_id, Seat(CHAIR))
        result[key] = seats
    return result


def _key(meeting: Meeting) -> tuple[str, int]:
    """Whose participants a meeting has: its series', or its own."""
    return ("series", meeting.series_id) if meeting.series_id else ("meeting", meeting.pk)


def invitations_of(meetings: Iterable[Meeting]) -> dict[tuple[str, int], Invitation]:
    """The invitations behind these meetings, in two queries."""
    meetings = list(meetings)
    series_ids = {m.series_id for m in meetings if m.series_id}
    one_off_ids = {m.pk for m in meetings if not m.series_id}
    invitations: dict[tuple[str, int], Invitation] = {}
    for pk, chair_id in MeetingSeries.objects.filter(pk__in=series_ids).values_list(
        "pk", "chair_id"
    ):
        invitations[("series", pk)] = Invitation(chair_id)
    for meeting in meetings:
        if not meeting.series_id:
            invitations[("meeting", meeting.pk)] = Invitation(meeting.chair_id)
    rows = Participant.objects.filter(series_id__in=series_ids) | Participant.objects.filter(
        meeting_id__in=one_off_ids
    )
    for series_id, meeting_id, department_id, attendance, person_id in rows.values_list(
        "series_id", "meeting_id", "department_id", "attendance", "person_id"
    ):
        invitation = invitations[("series", series_id) if series_id else ("meeting", meeting_id)]
        if department_id is not None:
            invitation.departments.append((department_id, attendance))
        else:
            invitation.people.append(person_id)
    return invitations


def invitation_of(owner: MeetingSeries | Meeting) -> Invitation:
    """A series' invitation, or a one-off meeting's (not an occurrence's: use its series)."""
    invitation = Invitation(owner.chair_id)
    for department_id, attendance, person_id in owner.participants.values_list(
        "department_id", "attendance", "person_id"
    ):
        if department_id is not None:
            invitation.departments.append((department_id, attendance))
        else:
            invitation.people.append(person_id)
    return invitation


def seats_of(owner: MeetingSeries | Meeting) -> dict[int, Seat]:
    """Who is expected at a series' meetings, or at one meeting."""
    if isinstance(owner, Meeting) and owner.series_id is not None:
        owner = owner.series
    return seats_for({0: invitation_of(owner)})[0]

"""Meeting series, their occurrences and emergency meetings: the only place their state
changes. Pages, the API and the demo all call these functions.

Each action follows the matters' pattern (liaison.matters.services): lock the row, check
the state and then the person's right, change, append a MeetingEvent, notify. Refusals
raise the matters' errors (InvalidInput 400, NotAllowed 403, WrongState 409), so pages
and the API show them as they show the matters'.

Who may do what:
- schedule a series or call an emergency meeting for a department: its head, deputy
  heads and liaison officer, its leader in charge, and the coordinating office (院办);
- change a series, move or cancel one of its meetings: the same people for the series'
  organizing department, and its chair; for a one-off meeting also whoever called it;
- confirm attendance of an emergency meeting: each person it called.

Clashes (会议撞车) are warnings, not refusals: scheduling, changing and moving return the
clashes they found, and the pages and the API show them.
"""

import bisect
import datetime
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.matters.models import Matter
from liaison.matters.services import (
    InvalidInput,
    NotAllowed,
    WrongState,
    _when,
    can_view,
    handles,
    in_coordinating_office,
)
from liaison.org.models import (
    Department,
    DepartmentKind,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)

from . import recurrence
from .models import (
    MAX_DURATION_MINUTES,
    Attendance,
    CalendarFeed,
    EmergencyCall,
    EventType,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingSeries,
    MeetingState,
    Participant,
    Room,
)

#: Occurrences of a series exist this far ahead once it is scheduled.
HORIZON = datetime.timedelta(days=366)
#: Extending the horizon goes this much further than asked, so that the reads of the
#: next weeks find everything there and write nothing.
SLACK = datetime.timedelta(days=31)
#: Reads further ahead than this create no occurrences: a calendar opened at a far year
#: must not write thousands of rows.
FURTHEST = datetime.timedelta(days=5 * 366)
#: A series may start this far back (recording one that already runs), no further.
EARLIEST_START = datetime.timedelta(days=366)
#: An emergency meeting is held within this time of the call.
EMERGENCY_WITHIN = datetime.timedelta(hours=24)
#: A start this little in the past is the time it took to fill in the form.
LATE_START = datetime.timedelta(minutes=5)
#: Clashes reported at most, the earliest first.
MAX_CLASHES = 20


# Who is who.


def may_organize(person: Person | None, department: Department | None) -> bool:
    """Whether the person may schedule meetings for the department."""
    if (
        person is None
        or not person.is_active
        or department is None
        or department.organization_id != person.organization_id
    ):
        return False
    return (
        handles(person, department)
        or in_coordinating_office(person)
        or LeaderInCharge.objects.current().filter(leader=person, department=department).exists()
    )


def may_manage_series(person: Person | None, series: MeetingSeries) -> bool:
    if person is None or person.organization_id != series.organization_id:
        return False
    return series.chair_id == person.pk or may_organize(person, series.organizer)


def may_manage_meeting(person: Person | None, meeting: Meeting) -> bool:
    if meeting.series_id is not None:
        return may_manage_series(person, meeting.series)
    if person is None or person.organization_id != meeting.organization_id:
        return False
    return person.pk in (meeting.created_by_id, meeting.chair_id) or may_organize(
        person, meeting.organizer
    )


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


def _people(ids: Iterable[int]) -> list[Person]:
    return list(Person.objects.filter(pk__in=set(ids), is_active=True))


# Clashes (会议撞车).


@dataclass(frozen=True)
class Clash:
    """A person, a department head or a room expected at two meetings at once. `start`
    and `end` are the new (or moved) meeting's; `other` is the meeting it clashes with."""

    kind: str  # "room", "head" or "person"
    start: datetime.datetime
    end: datetime.datetime
    other: Meeting
    person: Person | None = None
    department: Department | None = None
    room: Room | None = None

    @property
    def message(self) -> str:
        values = {
            "meeting": self.other.headline,
            "time": _when(self.other.start),
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
    ).select_related("series", "room")
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


# Occurrences.


def rule_of(series: MeetingSeries):
    return recurrence.rule_of(series.rule, series.start_date, series.start_time, series.time_zone)


def occurrence_times(
    series: MeetingSeries, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The starts the series' rule gives from `start` (included) to `end` (excluded)."""
    return recurrence.between(rule_of(series), start, end)


def _occurrences(series: MeetingSeries, times: Iterable[datetime.datetime]) -> list[Meeting]:
    length = datetime.timedelta(minutes=series.duration)
    return [
        Meeting(
            organization_id=series.organization_id,
            series=series,
            recurrence_id=moment,
            start=moment,
            end=moment + length,
            room_id=series.room_id,
            online_link=series.online_link,
        )
        for moment in times
    ]


def _materialize(series: MeetingSeries, until: datetime.datetime) -> int:
    """Create the series' occurrences from its horizon up to `until`; returns how many.
    Safe when two requests do it at once: the database keeps one occurrence per time."""
    if until <= series.materialized_until:
        return 0
    times = occurrence_times(series, series.materialized_until, until)
    Meeting.objects.bulk_create(_occurrences(series, times), ignore_conflicts=True)
    MeetingSeries.objects.filter(pk=series.pk, materialized_until__lt=until).update(
        materialized_until=until
    )
    series.materialized_until = until
    return len(times)


def extend_horizon(organization: Organization, until: datetime.datetime) -> int:
    """Make sure every series of the organization has its occurrences up to `until` (at
    most FURTHEST ahead), so that reads of that time see them; returns how many were
    created. Reads call it before they look."""
    now = timezone.now()
    until = min(until, now + FURTHEST)
    target = max(until, now + HORIZON) + SLACK
    created = 0
    for series in MeetingSeries.objects.filter(
        organization=organization, materialized_until__lt=until
    ):
        with transaction.atomic():
            created += _materialize(series, target)
    return created


def _resync(series: MeetingSeries, now: datetime.datetime) -> None:
    """After the series changed: its future occurrences that were not changed on their
    own follow the new rule, time, duration and place; the others stay as they are."""
    wanted = set(occurrence_times(series, now, series.materialized_until))
    length = datetime.timedelta(minutes=series.duration)
    stale = []
    for meeting in series.meetings.filter(
        overridden=False, state=MeetingState.SCHEDULED, start__gte=now
    ):
        if meeting.recurrence_id not in wanted:
            stale.append(meeting.pk)
            continue
        wanted.discard(meeting.recurrence_id)
        changes = {
            "start": meeting.recurrence_id,
            "end": meeting.recurrence_id + length,
            "room_id": series.room_id,
            "online_link": series.online_link,
        }
        if any(getattr(meeting, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(meeting, name, value)
            meeting.save(update_fields=["start", "end", "room", "online_link"])
    Meeting.objects.filter(pk__in=stale).delete()
    # The times an occurrence changed on its own already holds keep it.
    taken = set(
        series.meetings.filter(recurrence_id__in=wanted).values_list("recurrence_id", flat=True)
    )
    Meeting.objects.bulk_create(_occurrences(series, sorted(wanted - taken)))


def _future_spans(meetings) -> list[tuple[datetime.datetime, datetime.datetime]]:
    now = timezone.now()
    return sorted(
        (m.start, m.end) for m in meetings if m.state == MeetingState.SCHEDULED and m.end > now
    )


# Checking input.


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _check_organizer(person: Person, department: Department | None) -> Department:
    if department is None:
        raise InvalidInput(_("Choose the organizing department."))
    if department.organization_id != person.organization_id or not department.is_active:
        raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
    if department.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot organize meetings here."))
    if not may_organize(person, department):
        raise NotAllowed(
            _(
                "Only the heads and liaison officer of %(department)s, its leader in charge "
                "and the coordinating office can schedule its meetings."
            )
            % {"department": department.name}
        )
    return department


def _check_duration(minutes) -> int:
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput(_("Give the duration in minutes."))
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(_("A meeting lasts from 1 minute to 24 hours."))
    return minutes


def _check_place(organization: Organization, room: Room | None, link: str) -> str:
    link = (link or "").strip()
    if room is not None and (room.organization_id != organization.pk or not room.is_active):
        raise InvalidInput(_("Unknown room: %(code)s") % {"code": room.code})
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError as exc:
            raise InvalidInput(_("The online meeting link must be a web address.")) from exc
    if room is None and not link:
        raise InvalidInput(_("Choose a room or give an online meeting link."))
    return link


def _check_people(organization: Organization, chair: Person | None, departments, people):
    if chair is not None and (chair.organization_id != organization.pk or not chair.is_active):
        raise InvalidInput(_("Unknown person: %(name)s") % {"name": chair.name})
    seen = set()
    for department, attendance in departments:
        if department.organization_id != organization.pk or not department.is_active:
            raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
        if attendance not in Attendance.values:
            raise InvalidInput(_("Say who of %(department)s attends.") % {"department": department})
        if department.pk in seen:
            raise InvalidInput(_("%(department)s is named twice.") % {"department": department})
        seen.add(department.pk)
    for person in people:
        if person.organization_id != organization.pk or not person.is_active:
            raise InvalidInput(_("Unknown person: %(name)s") % {"name": person.name})
    if not departments and not people:
        raise InvalidInput(_("Invite at least one department or person."))


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(_("Unknown time zone: %(zone)s") % {"zone": name}) from exc
    return name


def _plain(value):
    if isinstance(value, Department | Room):
        return value.code
    if isinstance(value, Person):
        return value.employee_number
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _event(
    organization_id: int,
    type_: str,
    actor: Person | None,
    *,
    series: MeetingSeries | None = None,
    meeting: Meeting | None = None,
    reason: str = "",
    **data,
) -> MeetingEvent:
    return MeetingEvent.objects.create(
        organization_id=organization_id,
        type=type_,
        actor=actor,
        series=series,
        meeting=meeting,
        reason=reason,
        data={key: _plain(value) for key, value in data.items()},
    )


# Telling people.


def place_of(room: Room | None, link: str) -> str:
    parts = []
    if room is not None:
        parts.append(f"{room.name}（{room.location}）" if room.location else room.name)
    if link:
        parts.append(_("online: %(link)s") % {"link": link})
    return "; ".join(parts)


def series_url(series: MeetingSeries) -> str:
    return reverse("meetings:series", args=[series.pk])


def meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _tell(people_ids, actor: Person, subject, title: str, detail: str, *, urgent=False) -> None:
    url = meeting_url(subject) if isinstance(subject, Meeting) else series_url(subject)
    notify(
        _people(people_ids),
        ask=Ask.INFO,
        title=title,
        detail=detail,
        url=url,
        subject=subject,
        exclude=actor,
        urgent=urgent,
    )


# Series.


@dataclass
class SeriesInput:
    title: str
    kind: str
    organizer: Department | None
    rule: str
    start_date: datetime.date | None
    start_time: datetime.time | None
    duration: int | None
    room: Room | None = None
    online_link: str = ""
    chair: Person | None = None
    departments: tuple = ()  # (Department, attendance) pairs
    people: tuple = ()
    description: str = ""
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)


def _checked_series(
    person: Person, data: SeriesInput, *, first_day_unchanged: bool
) -> tuple[str, str]:
    """Check everything about a series but the right to organize it; returns the
    canonical rule and the online link."""
    organization = person.organization
    _require_text(data.title, _("Give the meeting a title."))
    if data.kind not in MeetingKind.values or data.kind == MeetingKind.EMERGENCY:
        raise InvalidInput(_("Choose the kind of meeting."))
    if not isinstance(data.start_date, datetime.date):
        raise InvalidInput(_("Choose the first day."))
    if not isinstance(data.start_time, datetime.time):
        raise InvalidInput(_("Choose the start time."))
    data.start_time = data.start_time.replace(second=0, microsecond=0)
    if not first_day_unchanged and data.start_date < timezone.localdate() - EARLIEST_START:
        raise InvalidInput(_("The first day can be at most a year ago."))
    _check_duration(data.duration)
    zone = _zone(data.time_zone)
    link = _check_place(organization, data.room, data.online_link)
    _check_people(organization, data.chair, data.departments, data.people)
    try:
        rule, _expanded = recurrence.build(data.rule, data.start_date, data.start_time, zone)
    except recurrence.RuleError as error:
        raise InvalidInput(error.message) from error
    return rule, link


def _start_of(series: MeetingSeries) -> datetime.datetime:
    return datetime.datetime.combine(
        series.start_date, datetime.time.min, tzinfo=ZoneInfo(series.time_zone)
    )


def _set_participants(owner: MeetingSeries | Meeting, departments, people) -> None:
    owner.participants.all().delete()
    of = {"series": owner} if isinstance(owner, MeetingSeries) else {"meeting": owner}
    Participant.objects.bulk_create(
        [
            *(Participant(**of, department=d, attendance=a) for d, a in departments),
            *(Participant(**of, person=p) for p in people),
        ]
    )


def _summary(series: MeetingSeries) -> str:
    return _("%(rule)s at %(time)s, %(minutes)s minutes; %(place)s") % {
        "rule": recurrence.describe(series.rule, series.time_zone),
        "time": series.start_time.strftime("%H:%M"),
        "minutes": series.duration,
        "place": place_of(series.room, series.online_link),
    }


@transaction.atomic
def create_series(person: Person, data: SeriesInput) -> tuple[MeetingSeries, list[Clash]]:
    """Schedule a series (例会): its occurrences are created a year ahead, everyone it
    invites is told, and the clashes of its coming meetings are returned."""
    organizer = _check_organizer(person, data.organizer)
    rule, link = _checked_series(person, data, first_day_unchanged=False)
    now = timezone.now()
    series = MeetingSeries(
        organization=person.organization,
        title=data.title.strip(),
        kind=data.kind,
        organizer=organizer,
        chair=data.chair,
        rule=rule,
        start_date=data.start_date,
        start_time=data.start_time,
        duration=data.duration,
        time_zone=data.time_zone,
        room=data.room,
        online_link=link,
        description=(data.description or "").strip(),
        created_by=person,
        created_at=now,
        updated_at=now,
    )
    series.materialized_until = _start_of(series)
    series.save()
    _set_participants(series, data.departments, data.people)
    _materialize(series, now + HORIZON + SLACK)
    _event(
        series.organization_id,
        EventType.SERIES_CREATED,
        person,
        series=series,
        **_facts(series),
    )
    seats = seats_of(series)
    _tell(
        seats,
        person,
        series,
        series.title,
        _("You are invited: %(summary)s") % {"summary": _summary(series)},
    )
    clashes = find_clashes(
        series.organization,
        _future_spans(series.meetings.filter(start__lt=now + HORIZON)),
        seats,
        series.room,
        exclude_series=series,
    )
    return series, clashes


def _facts(series: MeetingSeries) -> dict:
    """What the timeline keeps of a series' settings, as plain values."""
    facts = {
        "title": series.title,
        "kind": series.kind,
        "organizer": series.organizer,
        "chair": series.chair,
        "rule": series.rule,
        "start_date": series.start_date,
        "start_time": series.start_time,
        "duration": series.duration,
        "time_zone": series.time_zone,
        "room": series.room,
        "online_link": series.online_link,
        "description": series.description,
        "departments": sorted(
            f"{p.department.code}:{p.attendance}"
            for p in series.participants.filter(department__isnull=False).select_related(
                "department"
            )
        ),
        "people": sorted(
            p.person.employee_number
            for p in series.participants.filter(person__isnull=False).select_related("person")
        ),
    }
    return {key: _plain(value) for key, value in facts.items()}


def _lock_series(series: MeetingSeries) -> MeetingSeries:
    return (
        MeetingSeries.objects.select_for_update(of=("self",))
        .select_related("organization", "organizer", "chair", "room")
        .get(pk=series.pk)
    )


@transaction.atomic
def edit_series(
    series: MeetingSeries, person: Person, data: SeriesInput
) -> tuple[MeetingSeries, list[Clash]]:
    """Change a series. Its future occurrences that were not moved or cancelled on their
    own follow the change; past ones, and those changed on their own, stay. Everyone
    invited before or after is told."""
    series = _lock_series(series)
    if not may_manage_series(person, series):
        raise NotAllowed(
            _("Only the chair and the organizers of %(title)s can change it.")
            % {"title": series.title}
        )
    if data.organizer != series.organizer:
        _check_organizer(person, data.organizer)
    rule, link = _checked_series(
        person, data, first_day_unchanged=data.start_date == series.start_date
    )
    before = _facts(series)
    invited_before = set(seats_of(series))
    series.title = data.title.strip()
    series.kind = data.kind
    series.organizer = data.organizer
    series.chair = data.chair
    series.rule = rule
    series.start_date = data.start_date
    series.start_time = data.start_time
    series.duration = data.duration
    series.time_zone = data.time_zone
    series.room = data.room
    series.online_link = link
    series.description = (data.description or "").strip()
    _set_participants(series, data.departments, data.people)
    after = _facts(series)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return series, []
    now = timezone.now()
    series.sequence += 1
    series.updated_at = now
    series.save()
    _resync(series, now)
    _event(series.organization_id, EventType.SERIES_CHANGED, person, series=series, changes=changes)
    seats = seats_of(series)
    _tell(
        invited_before | set(seats),
        person,
        series,
        series.title,
        _("Changed: %(summary)s") % {"summary": _summary(series)},
    )
    clashes = find_clashes(
        series.organization,
        _future_spans(series.meetings.filter(start__lt=now + HORIZON)),
        seats,
        series.room,
        exclude_series=series,
    )
    return series, clashes


# One meeting.


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "series__organizer", "organizer", "room", "cancelled_by")
        .get(pk=meeting.pk)
    )


def _require_scheduled(meeting: Meeting, now: datetime.datetime) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled by %(person)s at %(time)s.")
            % {
                "meeting": meeting.headline,
                "person": meeting.cancelled_by.name if meeting.cancelled_by else "—",
                "time": _when(meeting.cancelled_at),
            }
        )
    if meeting.state != MeetingState.SCHEDULED or meeting.start <= now:
        raise WrongState(
            _("%(meeting)s began at %(time)s; it can no longer be moved or cancelled.")
            % {"meeting": meeting.headline, "time": _when(meeting.start)}
        )


def _require_manage(person: Person, meeting: Meeting) -> None:
    if not may_manage_meeting(person, meeting):
        raise NotAllowed(
            _("Only the chair and the organizers of %(meeting)s can change it.")
            % {"meeting": meeting.headline}
        )


@transaction.atomic
def move_meeting(
    meeting: Meeting,
    person: Person,
    *,
    start: datetime.datetime | None,
    end: datetime.datetime | None = None,
    room: Room | None,
    online_link: str,
    reason: str = "",
) -> tuple[Meeting, list[Clash]]:
    """Move one meeting to another time and/or place (without `end`, it keeps its
    length). An occurrence keeps its original time, so the series stays whole and
    calendars show the change as an exception."""
    meeting = _lock_meeting(meeting)
    now = timezone.now()
    _require_scheduled(meeting, now)
    _require_manage(person, meeting)
    if not isinstance(start, datetime.datetime):
        raise InvalidInput(_("Choose the new start."))
    start = start.replace(second=0, microsecond=0)
    if end is None:
        end = start + (meeting.end - meeting.start)
    if start < now - LATE_START:
        raise InvalidInput(_("A meeting cannot be moved into the past."))
    end = end.replace(second=0, microsecond=0)
    if end <= start:
        raise InvalidInput(_("The meeting must end after it starts."))
    _check_duration(int((end - start).total_seconds() // 60))
    online_link = _check_place(meeting.organization, room, online_link)
    before = {
        "start": meeting.start,
        "end": meeting.end,
        "room": meeting.room,
        "online_link": meeting.online_link,
    }
    after = {"start": start, "end": end, "room": room, "online_link": online_link}
    if before == after:
        raise InvalidInput(_("Nothing to change: give another time or place."))
    meeting.start, meeting.end, meeting.room, meeting.online_link = start, end, room, online_link
    meeting.overridden = meeting.series_id is not None
    meeting.save(update_fields=["start", "end", "room", "online_link", "overridden"])
    if meeting.series_id:
        MeetingSeries.objects.filter(pk=meeting.series_id).update(updated_at=now)
    _event(
        meeting.organization_id,
        EventType.MOVED,
        person,
        meeting=meeting,
        series=meeting.series,
        reason=(reason or "").strip(),
        **{f"from_{k}": v for k, v in before.items()},
        **{f"to_{k}": v for k, v in after.items()},
    )
    seats = seats_of(meeting)
    _tell(
        seats,
        person,
        meeting,
        meeting.headline,
        _("Moved to %(time)s (was %(before)s); %(place)s")
        % {
            "time": _when(start),
            "before": _when(before["start"]),
            "place": place_of(room, online_link),
        },
        urgent=meeting.is_emergency,
    )
    clashes = find_clashes(
        meeting.organization, [(start, end)], seats, room, exclude_meeting=meeting
    )
    return meeting, clashes


@transaction.atomic
def cancel_meeting(meeting: Meeting, person: Person, *, reason: str) -> Meeting:
    """Cancel one meeting, with a reason; an occurrence's series goes on."""
    meeting = _lock_meeting(meeting)
    now = timezone.now()
    _require_scheduled(meeting, now)
    _require_manage(person, meeting)
    reason = _require_text(reason, _("Say why the meeting is cancelled."))
    meeting.state = MeetingState.CANCELLED
    meeting.cancelled_at = now
    meeting.cancelled_by = person
    meeting.cancel_reason = reason
    meeting.overridden = meeting.series_id is not None
    meeting.save(
        update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason", "overridden"]
    )
    if meeting.series_id:
        MeetingSeries.objects.filter(pk=meeting.series_id).update(updated_at=now)
    _event(
        meeting.organization_id,
        EventType.CANCELLED,
        person,
        meeting=meeting,
        series=meeting.series,
        reason=reason,
        start=meeting.start,
    )
    _tell(
        seats_of(meeting),
        person,
        meeting,
        meeting.headline,
        _("Cancelled (%(time)s): %(reason)s") % {"time": _when(meeting.start), "reason": reason},
        urgent=meeting.is_emergency,
    )
    return meeting


# Emergency meetings (紧急会议).


@dataclass
class EmergencyInput:
    title: str
    organizer: Department | None
    start: datetime.datetime | None = None  # None: now
    duration: int | None = 60
    room: Room | None = None
    online_link: str = ""
    chair: Person | None = None
    departments: tuple = ()  # (Department, attendance) pairs
    people: tuple = ()
    description: str = ""
    matter: Matter | None = None


@transaction.atomic
def call_emergency_meeting(person: Person, data: EmergencyInput) -> tuple[Meeting, list[Clash]]:
    """Call an emergency meeting at once: everyone it invites is told on every channel,
    urgently, and asked to confirm; the page then shows who confirmed, and how soon."""
    organizer = _check_organizer(person, data.organizer)
    organization = person.organization
    matter = data.matter
    if matter is not None:
        if not can_view(person, matter):
            raise NotAllowed(_("You cannot see this matter."))
        if not matter.is_open:
            raise WrongState(
                _("%(number)s is %(state)s: an emergency meeting is for an open matter.")
                % {"number": matter.number, "state": matter.get_state_display()}
            )
    title = _require_text(data.title, _("Give the meeting a title."))
    now = timezone.now()
    start = data.start or now
    if not isinstance(start, datetime.datetime):
        raise InvalidInput(_("Choose the start."))
    if start < now - LATE_START:
        raise InvalidInput(_("The meeting cannot start in the past."))
    if start > now + EMERGENCY_WITHIN:
        raise InvalidInput(
            _("An emergency meeting is held within 24 hours; schedule a regular meeting for later.")
        )
    # Meetings are set to the minute (calendars keep seconds, nobody meets at 9:00:42).
    start = max(start, now).replace(second=0, microsecond=0)
    duration = _check_duration(data.duration)
    link = _check_place(organization, data.room, data.online_link)
    _check_people(organization, data.chair, data.departments, data.people)
    meeting = Meeting.objects.create(
        organization=organization,
        title=title,
        organizer=organizer,
        chair=data.chair,
        description=(data.description or "").strip(),
        start=start,
        end=start + datetime.timedelta(minutes=duration),
        room=data.room,
        online_link=link,
        is_emergency=True,
        matter=matter,
        created_by=person,
        created_at=now,
    )
    _set_participants(meeting, data.departments, data.people)
    seats = seats_of(meeting)
    called = [pk for pk in seats if pk != person.pk]
    EmergencyCall.objects.bulk_create(
        EmergencyCall(meeting=meeting, person_id=pk, called_at=now) for pk in called
    )
    _event(
        organization.pk,
        EventType.EMERGENCY_CALLED,
        person,
        meeting=meeting,
        organizer=organizer,
        start=start,
        matter=matter.number if matter else "",
        called=len(called),
    )
    detail = _("Emergency meeting at %(time)s; %(place)s. Please confirm that you come.") % {
        "time": _when(start),
        "place": place_of(data.room, link),
    }
    if matter is not None:
        detail = f"{detail} {matter.number} {matter.title}"
    _tell(called, person, meeting, title, detail, urgent=True)
    clashes = find_clashes(
        organization, [(meeting.start, meeting.end)], seats, data.room, exclude_meeting=meeting
    )
    return meeting, clashes


@transaction.atomic
def confirm_attendance(meeting: Meeting, person: Person) -> EmergencyCall:
    """A called person confirms they come to an emergency meeting."""
    meeting = _lock_meeting(meeting)
    if not meeting.is_emergency:
        raise WrongState(_("Only emergency meetings ask for confirmation."))
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled at %(time)s.")
            % {"meeting": meeting.headline, "time": _when(meeting.cancelled_at)}
        )
    now = timezone.now()
    if meeting.end <= now:
        raise WrongState(
            _("%(meeting)s ended at %(time)s.")
            % {"meeting": meeting.headline, "time": _when(meeting.end)}
        )
    call = EmergencyCall.objects.filter(meeting=meeting, person=person).first()
    if call is None:
        raise NotAllowed(_("You were not called to this meeting."))
    if call.confirmed_at is not None:
        raise WrongState(_("You confirmed at %(time)s.") % {"time": _when(call.confirmed_at)})
    if not EmergencyCall.objects.filter(pk=call.pk, confirmed_at=None).update(confirmed_at=now):
        raise WrongState(_("You confirmed just now."))
    call.confirmed_at = now
    _event(
        meeting.organization_id,
        EventType.CONFIRMED,
        person,
        meeting=meeting,
        minutes=call.minutes_to_confirm,
    )
    return call


# The personal calendar address.


def feed_of(person: Person) -> CalendarFeed:
    """The person's secret calendar address, made the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(
        person=person, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def reset_feed(person: Person) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    feed = feed_of(person)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed

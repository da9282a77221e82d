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
from liaison.inbox.services import Attachment, notify
from liaison.matters.models import Matter, MatterKind
from liaison.matters.services import (
    HANDLER_ROLES,
    InvalidInput,
    MatterInput,
    NotAllowed,
    WrongState,
    _department_of,
    _when,
    can_view,
    create_matter,
    handlers_of,
    handles,
    in_coordinating_office,
    works_in,
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
    AgendaItem,
    Attendance,
    AttendanceRecord,
    CalendarFeed,
    Decision,
    EmergencyCall,
    EventType,
    ItemSource,
    ItemState,
    Meeting,
    MeetingEvent,
    MeetingKind,
    MeetingSeries,
    MeetingState,
    Minutes,
    MinutesReceipt,
    MinutesState,
    Participant,
    Presence,
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


def _tell(
    people_ids, actor: Person, subject, title: str, detail: str, *, urgent=False, invite=False
) -> None:
    """Tell people about a series or meeting; `invite` attaches its calendar file to the
    e-mails, so that one click puts it (or its change) into their calendar."""
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
        attachment=_invitation(subject) if invite else None,
    )


def _invitation(subject: MeetingSeries | Meeting) -> Attachment:
    # Both modules build on this one: imported when an invitation is made.
    from . import calendar_feed, selectors

    calendar = selectors.calendar_for(subject)
    series = subject if isinstance(subject, MeetingSeries) else subject.series
    name = f"series-{series.pk}.ics" if series else f"meeting-{subject.pk}.ics"
    return Attachment(name, calendar_feed.render(calendar).decode(), "text/calendar")


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
    for_leading_group: bool = False


def _checked_series(
    person: Person, data: SeriesInput, *, first_day_unchanged: bool, series_pk: int | None = None
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
    if data.for_leading_group:
        other = (
            MeetingSeries.objects.filter(organization=organization, for_leading_group=True)
            .exclude(pk=series_pk)
            .first()
        )
        if other is not None:
            raise InvalidInput(
                _("%(title)s is already the leading group's meeting.") % {"title": other.title}
            )
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
        for_leading_group=data.for_leading_group,
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
        invite=True,
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
        "for_leading_group": series.for_leading_group,
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
        person,
        data,
        first_day_unchanged=data.start_date == series.start_date,
        series_pk=series.pk,
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
    series.for_leading_group = data.for_leading_group
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
        invite=True,
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
        invite=True,
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
        # A series' calendar leaves the cancelled meeting out; a one-off has none left.
        invite=meeting.series_id is not None,
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
    _tell(called, person, meeting, title, detail, urgent=True, invite=True)
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


# The agenda (议题).


def _lock_agenda_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "series__organizer", "series__chair", "organizer", "chair")
        .get(pk=meeting.pk)
    )


def _require_open_agenda(meeting: Meeting) -> None:
    """The agenda changes until the meeting is held or cancelled."""
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled at %(time)s.")
            % {"meeting": meeting.headline, "time": _when(meeting.cancelled_at)}
        )
    if meeting.state == MeetingState.HELD:
        raise WrongState(
            _("%(meeting)s was held; its agenda is closed.") % {"meeting": meeting.headline}
        )


def _meeting_person(meeting: Meeting, person: Person | None) -> Person | None:
    if person is not None and (
        person.organization_id != meeting.organization_id or not person.is_active
    ):
        raise InvalidInput(_("Unknown person: %(name)s") % {"name": person.name})
    return person


def _proposing_department(meeting: Meeting, person: Person) -> Department | None:
    """The participating (or organizing) department the person acts for, if any."""
    owner = meeting.series or meeting
    ids = [
        *owner.participants.filter(department__isnull=False).values_list(
            "department_id", flat=True
        ),
        meeting.organizing_department.pk,
    ]
    position = (
        Position.objects.current()
        .filter(person=person, department_id__in=ids, role__in=HANDLER_ROLES)
        .select_related("department")
        .first()
    )
    return position.department if position is not None else None


@dataclass
class ItemInput:
    title: str
    description: str = ""
    matter: Matter | None = None
    presenter: Person | None = None
    minutes: int | None = None
    prebriefing: str = ""
    prebriefed: tuple = ()  # people who may read the pre-briefing


def _check_item(meeting: Meeting, person: Person, data: ItemInput) -> str:
    title = _require_text(data.title, _("Give the agenda item a title."))
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."))
    if data.matter is not None and (
        data.matter.organization_id != meeting.organization_id or not can_view(person, data.matter)
    ):
        raise NotAllowed(_("You cannot see this matter."))
    for someone in (data.presenter, *data.prebriefed):
        _meeting_person(meeting, someone)
    if data.minutes is not None:
        _check_duration(data.minutes)
    if data.prebriefed and not (data.prebriefing or "").strip():
        raise InvalidInput(_("Write the pre-briefing for the people you name."))
    if (data.prebriefing or "").strip() and not data.prebriefed:
        raise InvalidInput(_("Name the people the pre-briefing is for."))
    return title


def _next_position(meeting: Meeting) -> int:
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def set_agenda_cutoff(meeting: Meeting, person: Person, cutoff: datetime.datetime) -> Meeting:
    """The organizers set when proposals close for one meeting (by default AGENDA_CUTOFF
    before its start)."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting)
    _require_manage(person, meeting)
    if not isinstance(cutoff, datetime.datetime):
        raise InvalidInput(_("Choose when the agenda closes."))
    if cutoff > meeting.start:
        raise InvalidInput(_("The agenda must close before the meeting starts."))
    before = meeting.cutoff
    meeting.agenda_cutoff = cutoff.replace(second=0, microsecond=0)
    meeting.save(update_fields=["agenda_cutoff"])
    _event(
        meeting.organization_id,
        EventType.CUTOFF_SET,
        person,
        meeting=meeting,
        before=before,
        after=meeting.agenda_cutoff,
    )
    return meeting


@transaction.atomic
def propose_item(meeting: Meeting, person: Person, data: ItemInput) -> AgendaItem:
    """A department proposes an agenda item (议题) until the agenda closes; its head,
    deputies and liaison officer, and anyone expected at the meeting, may. The
    organizers may add items later too: they decide what the meeting discusses."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting)
    manages = may_manage_meeting(person, meeting)
    department = _proposing_department(meeting, person)
    if not manages and department is None and person.pk not in seats_of(meeting):
        raise NotAllowed(
            _("Only the departments and people invited to %(meeting)s propose its agenda.")
            % {"meeting": meeting.headline}
        )
    now = timezone.now()
    if now >= meeting.cutoff and not manages:
        raise WrongState(
            _("The agenda of %(meeting)s closed at %(time)s; ask the organizers.")
            % {"meeting": meeting.headline, "time": _when(meeting.cutoff)}
        )
    title = _check_item(meeting, person, data)
    if data.matter is not None and meeting.agenda.filter(matter=data.matter).exists():
        raise WrongState(_("%(number)s is already on the agenda.") % {"number": data.matter.number})
    prebriefing = (data.prebriefing or "").strip()
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        description=(data.description or "").strip(),
        department=department or _department_of(person, []),
        matter=data.matter,
        presenter=data.presenter,
        minutes=data.minutes,
        # What the organizers add is on the agenda at once.
        state=ItemState.ACCEPTED if manages else ItemState.PROPOSED,
        prebriefing=prebriefing,
        prebriefing_by=person if prebriefing else None,
        proposed_by=person,
        proposed_at=now,
    )
    item.prebriefed.set(data.prebriefed)
    _event(
        meeting.organization_id,
        EventType.ITEM_PROPOSED,
        person,
        meeting=meeting,
        item=item.pk,
        title=title,
        department=item.department,
        matter=data.matter.number if data.matter else "",
    )
    if not manages:
        _tell(
            _organizers(meeting),
            person,
            meeting,
            meeting.headline,
            _("Agenda item proposed: %(title)s") % {"title": title},
        )
    if prebriefing:
        _tell_prebriefed(item, person)
    return item


def _organizers(meeting: Meeting) -> list[int]:
    people = [p.pk for p in handlers_of(meeting.organizing_department)]
    if meeting.chair_person is not None:
        people.append(meeting.chair_person.pk)
    return people


def _tell_prebriefed(item: AgendaItem, actor: Person) -> None:
    _tell(
        list(item.prebriefed.values_list("pk", flat=True)),
        actor,
        item.meeting,
        item.meeting.headline,
        _("Pre-briefing (通气) on: %(title)s") % {"title": item.title},
    )


def _lock_item(item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    item.meeting = _lock_agenda_meeting(item.meeting)
    return item


@transaction.atomic
def decide_item(item: AgendaItem, person: Person, *, accept: bool, reason: str = "") -> AgendaItem:
    """The organizers accept a proposed item onto the agenda, or decline it with a reason."""
    item = _lock_item(item)
    meeting = item.meeting
    _require_open_agenda(meeting)
    _require_manage(person, meeting)
    wanted = ItemState.ACCEPTED if accept else ItemState.DECLINED
    if item.state == wanted:
        raise WrongState(
            _("%(title)s is already %(state)s.")
            % {"title": item.title, "state": item.get_state_display()}
        )
    item.state = wanted
    item.decline_reason = "" if accept else _require_text(reason, _("Say why it is declined."))
    item.save(update_fields=["state", "decline_reason"])
    _event(
        meeting.organization_id,
        EventType.ITEM_ACCEPTED if accept else EventType.ITEM_DECLINED,
        person,
        meeting=meeting,
        reason=item.decline_reason,
        item=item.pk,
        title=item.title,
    )
    if item.proposed_by_id:
        _tell(
            [item.proposed_by_id],
            person,
            meeting,
            meeting.headline,
            (
                _("On the agenda: %(title)s")
                if accept
                else _("Not on the agenda: %(title)s (%(reason)s)")
            )
            % {"title": item.title, "reason": item.decline_reason},
        )
    return item


@transaction.atomic
def arrange_item(item: AgendaItem, person: Person, data: ItemInput) -> AgendaItem:
    """The organizers (or whoever proposed it, while it is only proposed) change an
    item: title, presenter, time slot, pre-briefing and whom it is for."""
    item = _lock_item(item)
    meeting = item.meeting
    _require_open_agenda(meeting)
    if not may_manage_meeting(person, meeting) and not (
        item.proposed_by_id == person.pk and item.state == ItemState.PROPOSED
    ):
        raise NotAllowed(
            _("Only the organizers of %(meeting)s arrange its agenda.")
            % {"meeting": meeting.headline}
        )
    if item.prebriefing and not may_read_prebriefing(person, item):
        # Who cannot read a pre-briefing cannot change it either; it stays as it is.
        data = ItemInput(
            **{
                **data.__dict__,
                "prebriefing": item.prebriefing,
                "prebriefed": tuple(item.prebriefed.all()),
            }
        )
    title = _check_item(meeting, person, ItemInput(**{**data.__dict__, "matter": None}))
    before = {
        "title": item.title,
        "presenter": item.presenter,
        "minutes": item.minutes,
        "prebriefing": item.prebriefing,
        "prebriefed": sorted(p.employee_number for p in item.prebriefed.all()),
    }
    prebriefing = (data.prebriefing or "").strip()
    item.title = title
    item.description = (data.description or "").strip()
    item.presenter = data.presenter
    item.minutes = data.minutes
    if prebriefing != item.prebriefing:
        item.prebriefing_by = person if prebriefing else None
    item.prebriefing = prebriefing
    item.save()
    item.prebriefed.set(data.prebriefed)
    after = {
        "title": item.title,
        "presenter": item.presenter,
        "minutes": item.minutes,
        "prebriefing": item.prebriefing,
        "prebriefed": sorted(p.employee_number for p in data.prebriefed),
    }
    # The timeline is visible to every participant: it says the pre-briefing changed,
    # never what it says.
    changes = {
        key: ([before[key], after[key]] if key != "prebriefing" else True)
        for key in after
        if _plain(before[key]) != _plain(after[key])
    }
    if changes:
        _event(
            meeting.organization_id,
            EventType.ITEM_ARRANGED,
            person,
            meeting=meeting,
            item=item.pk,
            changes=changes,
        )
        if "prebriefing" in changes or ("prebriefed" in changes and prebriefing):
            _tell_prebriefed(item, person)
    return item


@transaction.atomic
def order_agenda(meeting: Meeting, person: Person, item_ids: list[int]) -> list[AgendaItem]:
    """The organizers put the items in the order given (every item of the meeting, once)."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting)
    _require_manage(person, meeting)
    items = {item.pk: item for item in meeting.agenda.all()}
    if sorted(item_ids) != sorted(items):
        raise InvalidInput(_("Give every agenda item of the meeting once."))
    before = sorted(items, key=lambda pk: (items[pk].position, pk))
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    if before != list(item_ids):
        _event(
            meeting.organization_id,
            EventType.AGENDA_ORDERED,
            person,
            meeting=meeting,
            before=before,
            after=list(item_ids),
        )
    return [items[pk] for pk in item_ids]


def next_leading_group_meeting(organization_id: int) -> Meeting | None:
    series = MeetingSeries.objects.filter(
        organization_id=organization_id, for_leading_group=True
    ).first()
    if series is None:
        return None
    now = timezone.now()
    if series.materialized_until < now + HORIZON:
        _materialize(series, now + HORIZON + SLACK)
    return (
        series.meetings.filter(state=MeetingState.SCHEDULED, start__gt=now)
        .order_by("start")
        .first()
    )


def put_on_leading_group_agenda(matter: Matter, actor: Person | None) -> AgendaItem | None:
    """A matter escalated to the leading group goes on the agenda of the leading group's
    next meeting (the series marked `for_leading_group`) by itself, accepted: the ladder
    ends there. Nothing happens without such a series, or when it is already on it."""
    meeting = next_leading_group_meeting(matter.organization_id)
    return put_escalated_on_agenda(meeting, matter, actor) if meeting is not None else None


def put_escalated_on_agenda(
    meeting: Meeting, matter: Matter, actor: Person | None
) -> AgendaItem | None:
    """put_on_leading_group_agenda, for a caller that has found the next meeting already
    (liaison.matters.services._climb, through its Effects)."""
    if meeting.agenda.filter(matter=matter).exists():
        return None
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=matter.title,
        description=matter.number,
        department=matter.lead_department or matter.originator_department,
        matter=matter,
        state=ItemState.ACCEPTED,
        source=ItemSource.ESCALATED,
        proposed_by=actor,
    )
    _event(
        meeting.organization_id,
        EventType.ITEM_ESCALATED,
        actor,
        meeting=meeting,
        item=item.pk,
        title=item.title,
        matter=matter.number,
    )
    return item


def may_read_prebriefing(person: Person | None, item: AgendaItem) -> bool:
    """Pre-briefings (通气) are for the people named, and whoever wrote them: not for
    the organizers as such, nor for the other participants."""
    if person is None or not item.prebriefing:
        return False
    if item.prebriefing_by_id == person.pk:
        return True
    return any(p.pk == person.pk for p in item.prebriefed.all())


# Attendance.


def may_record(person: Person | None, meeting: Meeting) -> bool:
    """The organizers and the named recorder record attendance and write the minutes."""
    if person is None:
        return False
    minutes = Minutes.objects.filter(meeting=meeting).only("recorder_id").first()
    return may_manage_meeting(person, meeting) or (
        minutes is not None and minutes.recorder_id == person.pk
    )


def _require_record(person: Person, meeting: Meeting) -> None:
    if not may_record(person, meeting):
        raise NotAllowed(
            _("Only the organizers and the recorder of %(meeting)s record it.")
            % {"meeting": meeting.headline}
        )


def _require_started(meeting: Meeting) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled at %(time)s.")
            % {"meeting": meeting.headline, "time": _when(meeting.cancelled_at)}
        )
    if meeting.start > timezone.now():
        raise WrongState(
            _("%(meeting)s begins at %(time)s; it is recorded once it has begun.")
            % {"meeting": meeting.headline, "time": _when(meeting.start)}
        )


def _require_draft_minutes(meeting: Meeting) -> Minutes | None:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.is_approved:
        raise WrongState(
            _("The minutes were approved by %(person)s at %(time)s and are archived.")
            % {"person": minutes.approved_by.name, "time": _when(minutes.approved_at)}
        )
    return minutes


@dataclass
class PresenceInput:
    person: Person
    presence: str
    reason: str = ""
    substitute: Person | None = None


@transaction.atomic
def record_attendance(
    meeting: Meeting, person: Person, rows: Iterable[PresenceInput]
) -> list[AttendanceRecord]:
    """Record who of those expected came, who was absent and why, who sent a
    substitute. A person recorded again is recorded anew."""
    meeting = _lock_agenda_meeting(meeting)
    _require_started(meeting)
    _require_record(person, meeting)
    _require_draft_minutes(meeting)
    expected = seats_of(meeting)
    rows = list(rows)
    if not rows:
        raise InvalidInput(_("Record at least one person."))
    now = timezone.now()
    saved = []
    changes = {}
    for row in rows:
        if row.person is None or row.person.pk not in expected:
            raise InvalidInput(
                _("%(name)s is not expected at this meeting.")
                % {"name": row.person.name if row.person else "—"}
            )
        if row.presence not in Presence.values:
            raise InvalidInput(_("Say whether %(name)s came.") % {"name": row.person.name})
        reason = (row.reason or "").strip()
        substitute = row.substitute
        if row.presence == Presence.ABSENT and not reason:
            raise InvalidInput(_("Say why %(name)s was absent.") % {"name": row.person.name})
        if row.presence == Presence.SUBSTITUTED:
            if substitute is None:
                raise InvalidInput(
                    _("Choose who came instead of %(name)s.") % {"name": row.person.name}
                )
            _meeting_person(meeting, substitute)
            if substitute.pk == row.person.pk:
                raise InvalidInput(_("A person cannot substitute for themselves."))
        else:
            substitute = None
        if row.presence == Presence.PRESENT:
            reason = ""
        record, _created = AttendanceRecord.objects.update_or_create(
            meeting=meeting,
            person=row.person,
            defaults={
                "presence": row.presence,
                "reason": reason,
                "substitute": substitute,
                "recorded_by": person,
                "recorded_at": now,
            },
        )
        saved.append(record)
        changes[row.person.employee_number] = [
            row.presence,
            reason,
            substitute.employee_number if substitute else "",
        ]
    _event(meeting.organization_id, EventType.ATTENDANCE, person, meeting=meeting, people=changes)
    return saved


# Minutes (会议纪要).


@dataclass
class DecisionInput:
    title: str
    owner_department: Department | None
    responsible: Person | None
    due: datetime.date | None
    detail: str = ""


@dataclass
class MinutesInput:
    summary: str
    recorder: Person | None = None  # None: unchanged, or the writer for new minutes
    decisions: tuple = ()  # DecisionInput


def _check_decision(meeting: Meeting, number: int, data: DecisionInput) -> str:
    values = {"number": number}
    title = _require_text(data.title, _("Decision %(number)s: say what was decided.") % values)
    if len(title) > 200:
        raise InvalidInput(_("Decision %(number)s: at most 200 characters.") % values)
    owner = data.owner_department
    if owner is None or owner.organization_id != meeting.organization_id or not owner.is_active:
        raise InvalidInput(_("Decision %(number)s: choose the owner department.") % values)
    if owner.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("Decision %(number)s: an external unit cannot own it.") % values)
    if data.responsible is None or not works_in(data.responsible, owner):
        raise InvalidInput(
            _("Decision %(number)s: choose a responsible person of %(department)s.")
            % {**values, "department": owner.name}
        )
    if not isinstance(data.due, datetime.date):
        raise InvalidInput(_("Decision %(number)s: choose the due date.") % values)
    if data.due < timezone.localdate():
        raise InvalidInput(_("Decision %(number)s: the due date cannot be in the past.") % values)
    return title


@transaction.atomic
def save_minutes(meeting: Meeting, person: Person, data: MinutesInput) -> Minutes:
    """The recorder (or an organizer, who may name the recorder) writes the minutes and
    their decisions, each with owner department, responsible person and due date. They
    stay a draft, changeable, until the chair approves them."""
    meeting = _lock_agenda_meeting(meeting)
    _require_started(meeting)
    _require_record(person, meeting)
    minutes = _require_draft_minutes(meeting)
    summary = _require_text(data.summary, _("Write the summary of the meeting."))
    recorder = _meeting_person(meeting, data.recorder)
    renames = recorder is not None and minutes is not None and recorder.pk != minutes.recorder_id
    if renames and not may_manage_meeting(person, meeting):
        raise NotAllowed(_("Only the organizers name the recorder."))
    decisions = list(data.decisions)
    titles = [_check_decision(meeting, n, d) for n, d in enumerate(decisions, start=1)]
    now = timezone.now()
    created = minutes is None
    if created:
        minutes = Minutes(meeting=meeting, recorder=recorder or person)
    elif recorder is not None:
        minutes.recorder = recorder
    minutes.summary = summary
    minutes.updated_by = person
    minutes.updated_at = now
    minutes.save()
    minutes.decisions.all().delete()
    Decision.objects.bulk_create(
        Decision(
            minutes=minutes,
            position=n,
            title=title,
            detail=(d.detail or "").strip(),
            owner_department=d.owner_department,
            responsible=d.responsible,
            due=d.due,
        )
        for n, (title, d) in enumerate(zip(titles, decisions, strict=True), start=1)
    )
    _event(
        meeting.organization_id,
        EventType.MINUTES_SAVED,
        person,
        meeting=meeting,
        recorder=minutes.recorder,
        decisions=len(decisions),
        created=created,
    )
    return minutes


def may_approve(person: Person | None, meeting: Meeting) -> bool:
    """The chair approves the minutes; a meeting without a chair, its organizers."""
    if person is None:
        return False
    chair = meeting.chair_person
    if chair is not None:
        return chair.pk == person.pk
    return may_manage_meeting(person, meeting)


def _decision_kind(organization_id: int) -> MatterKind:
    kind = MatterKind.objects.filter(
        organization_id=organization_id, code=DECISION_KIND, is_active=True
    ).first()
    if kind is None:
        raise InvalidInput(
            _("The organization has no active kind of matter “%(code)s” for decisions.")
            % {"code": DECISION_KIND}
        )
    return kind


#: The kind of matter a decision becomes.
DECISION_KIND = "coordination"


@transaction.atomic
def approve_minutes(meeting: Meeting, person: Person) -> Minutes:
    """The chair approves the minutes: every decision becomes a tracked matter,
    dispatched to its owner department with its responsible person and due date (raised
    by the chair, through the matters' services); the meeting is held; the minutes are
    archived (read-only) and sent to everyone expected or recorded, with read receipts."""
    meeting = _lock_agenda_meeting(meeting)
    _require_started(meeting)
    if not may_approve(person, meeting):
        raise NotAllowed(
            _("Only the chair of %(meeting)s approves its minutes.") % {"meeting": meeting.headline}
        )
    minutes = _require_draft_minutes(meeting)
    if minutes is None:
        raise WrongState(_("There are no minutes to approve yet."))
    decisions = list(minutes.decisions.select_related("owner_department", "responsible"))
    kind = _decision_kind(meeting.organization_id)
    origin = _department_of(person, [meeting.organizing_department])
    when = _when(meeting.start)
    for number, decision in enumerate(decisions, start=1):
        _check_decision(
            meeting,
            number,
            DecisionInput(
                decision.title, decision.owner_department, decision.responsible, decision.due
            ),
        )
        detail = _("Decided at %(meeting)s on %(time)s (minutes: %(url)s).") % {
            "meeting": meeting.headline,
            "time": when,
            "url": meeting_url(meeting),
        }
        matter = create_matter(
            person,
            MatterInput(
                title=decision.title,
                kind=kind,
                description=f"{decision.detail}\n\n{detail}".strip(),
                originator_department=origin,
                lead_department=decision.owner_department,
                due=decision.due,
            ),
            submit=True,
            responsible=decision.responsible,
        )
        decision.matter = matter
        decision.save(update_fields=["matter"])
    now = timezone.now()
    minutes.state = MinutesState.APPROVED
    minutes.approved_by = person
    minutes.approved_at = now
    minutes.save(update_fields=["state", "approved_by", "approved_at"])
    meeting.state = MeetingState.HELD
    meeting.save(update_fields=["state"])
    readers = set(seats_of(meeting)) | set(
        meeting.attendance.exclude(substitute=None).values_list("substitute_id", flat=True)
    )
    readers.add(minutes.recorder_id)
    MinutesReceipt.objects.bulk_create(
        MinutesReceipt(minutes=minutes, person_id=pk, sent_at=now)
        for pk in sorted(readers)
        if pk != person.pk
    )
    _event(
        meeting.organization_id,
        EventType.MINUTES_APPROVED,
        person,
        meeting=meeting,
        matters=[d.matter.number for d in decisions],
        sent_to=len(readers - {person.pk}),
    )
    _tell(
        readers,
        person,
        meeting,
        meeting.headline,
        _("The minutes are approved; please read them (%(count)s decisions).")
        % {"count": len(decisions)},
    )
    return minutes


def read_minutes(meeting: Meeting, person: Person | None) -> bool:
    """A participant opened the approved minutes: their receipt (回执) records when,
    once. The receipt row is the record; no timeline event repeats it."""
    if person is None:
        return False
    return bool(
        MinutesReceipt.objects.filter(minutes__meeting=meeting, person=person, read_at=None).update(
            read_at=timezone.now()
        )
    )

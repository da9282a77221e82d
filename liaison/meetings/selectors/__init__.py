"""Reads of meetings: the one place that decides who sees which meetings, and whose
meetings a calendar holds.

Meeting times and places are not secret inside an organization (people must see when a
room, a head or a department is taken), so everyone in an organization sees its series
and meetings, and nobody outside it does. A calendar is of a scope: a person (the
meetings they are expected at: as chair, as head or liaison officer of a participating
department, invited by name, or as the caller of an emergency meeting), a department (it
organizes or takes part) or a room.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.matters.models import Matter
from liaison.org.models import Department, Organization, Person, Position, PositionRole

from .. import policy, services
from ..models import (
    MAX_DURATION_MINUTES,
    Attendance,
    Meeting,
    MeetingSeries,
    MeetingState,
    Participant,
    Room,
)
from .followup import Outstanding, outstanding, waiting_for
from .record import (
    HIDDEN,
    AgendaRow,
    Shown,
    agenda_of,
    attendance_of,
    carried_actions,
    clashes_seen_by,
    minutes_of,
    previous_meeting,
    readable_minutes,
    receipts_of,
    shown,
    shown_all,
    without_matter,
)

__all__ = [
    "HIDDEN",
    "AgendaRow",
    "Outstanding",
    "Shown",
    "agenda_of",
    "attendance_of",
    "carried_actions",
    "clashes_seen_by",
    "minutes_of",
    "outstanding",
    "previous_meeting",
    "readable_minutes",
    "receipts_of",
    "shown",
    "shown_all",
    "waiting_for",
    "without_matter",
]

LONGEST = datetime.timedelta(minutes=MAX_DURATION_MINUTES)


def series_for(person: Person | None, pk) -> MeetingSeries:
    """A series of the person's organization, or 404."""
    if not person:
        raise Http404
    try:
        return MeetingSeries.objects.select_related(
            "organization", "organizer", "chair", "room", "created_by"
        ).get(organization_id=person.organization_id, pk=pk)
    except (MeetingSeries.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def meeting_for(person: Person | None, pk) -> Meeting:
    """A meeting of the person's organization, or 404."""
    if not person:
        raise Http404
    try:
        return Meeting.objects.select_related(*MEETING_RELATED, "organization").get(
            organization_id=person.organization_id, pk=pk
        )
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


MEETING_RELATED = (
    "series",
    "series__organizer",
    "series__chair",
    "series__room",
    "organizer",
    "chair",
    "room",
    "matter",
    "created_by",
    "cancelled_by",
)


@dataclass(frozen=True)
class Scope:
    """Whose meetings: one of a person, a department, a room (or, with none, the whole
    organization)."""

    organization: Organization
    person: Person | None = None
    department: Department | None = None
    room: Room | None = None

    @property
    def label(self) -> str:
        return str(self.person or self.department or self.room or self.organization)


def _attended_departments(person: Person) -> Q:
    """Participant rows that bring the person along as head or liaison officer (a deputy
    head goes for a department that has no head)."""
    positions = list(
        Position.objects.current()
        .filter(
            person=person,
            role__in=[PositionRole.HEAD, PositionRole.DEPUTY_HEAD, PositionRole.LIAISON_OFFICER],
        )
        .values_list("department_id", "role")
    )
    heads = {d for d, role in positions if role == PositionRole.HEAD}
    deputies = {d for d, role in positions if role == PositionRole.DEPUTY_HEAD} - heads
    if deputies:
        headed = set(
            Position.objects.current()
            .filter(department_id__in=deputies, role=PositionRole.HEAD, person__is_active=True)
            .values_list("department_id", flat=True)
        )
        heads |= deputies - headed
    liaisons = {d for d, role in positions if role == PositionRole.LIAISON_OFFICER}
    return Q(department_id__in=heads, attendance__in=[Attendance.HEAD, Attendance.BOTH]) | Q(
        department_id__in=liaisons, attendance__in=[Attendance.LIAISON_OFFICER, Attendance.BOTH]
    )


def _scope_owners(scope: Scope) -> tuple[QuerySet, QuerySet]:
    """The series in scope, and the one-off meetings in scope, as id querysets."""
    series = MeetingSeries.objects.filter(organization=scope.organization)
    # One-offs are found through the series index (series IS NULL), not by walking every
    # meeting of the organization: the people, departments and rooms below are of one
    # organization already.
    one_offs = Meeting.objects.filter(series__isnull=True)
    if scope.person is not None:
        rows = Participant.objects.filter(
            Q(person=scope.person) | _attended_departments(scope.person)
        )
        series = series.filter(
            Q(chair=scope.person) | Q(pk__in=rows.filter(series__isnull=False).values("series_id"))
        )
        one_offs = one_offs.filter(
            Q(chair=scope.person)
            | Q(created_by=scope.person)
            | Q(pk__in=rows.filter(meeting__isnull=False).values("meeting_id"))
        )
    elif scope.department is not None:
        rows = Participant.objects.filter(department=scope.department)
        series = series.filter(
            Q(organizer=scope.department)
            | Q(pk__in=rows.filter(series__isnull=False).values("series_id"))
        )
        one_offs = one_offs.filter(
            Q(organizer=scope.department)
            | Q(pk__in=rows.filter(meeting__isnull=False).values("meeting_id"))
        )
    elif scope.room is not None:
        series = series.filter(room=scope.room)
        one_offs = one_offs.filter(room=scope.room)
    else:
        one_offs = one_offs.filter(organization=scope.organization)
    return series.values("pk"), one_offs.values("pk")


def meetings_in(scope: Scope) -> QuerySet[Meeting]:
    """The meetings of the scope: an occurrence is in a room's calendar when it is held
    there (it may have been moved to another room than its series')."""
    meetings = Meeting.objects.filter(organization=scope.organization)
    if scope.room is not None:
        return meetings.filter(room=scope.room)
    if scope.person is None and scope.department is None:
        return meetings
    series, one_offs = _scope_owners(scope)
    return meetings.filter(Q(series_id__in=series) | Q(pk__in=one_offs))


def meetings_between(
    scope: Scope, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Meeting]:
    """The scope's meetings that overlap [start, end), cancelled ones included, first
    occurrences up to `end` made sure of."""
    services.extend_horizon(scope.organization, end)
    return (
        meetings_in(scope)
        # No meeting lasts longer than MAX_DURATION_MINUTES (the services refuse it):
        # bounding the start on both sides keeps the index range to the period, not
        # every meeting since the first.
        .filter(start__lt=end, start__gt=start - LONGEST, end__gt=start)
        .select_related(*MEETING_RELATED)
        .order_by("start", "pk")
    )


# The month calendar.


#: Meetings a day of the month grid shows; the rest behind "+N more" (a whole
#: hospital's month holds a thousand meetings, which no grid cell can show).
DAY_SHOWS = 6


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list = field(default_factory=list)
    expanded: bool = False

    @property
    def shown(self) -> list:
        return self.meetings if self.expanded else self.meetings[:DAY_SHOWS]

    @property
    def more(self) -> int:
        return len(self.meetings) - len(self.shown)


@dataclass(frozen=True)
class Chip:
    """What the month grid shows of a meeting, read as plain values: a month of a whole
    hospital is a thousand meetings, too many to build models for."""

    pk: int
    start: datetime.datetime
    end: datetime.datetime
    state: str
    is_emergency: bool
    recurrence_id: datetime.datetime | None
    headline: str

    @property
    def is_moved(self) -> bool:
        return self.recurrence_id is not None and self.recurrence_id != self.start

    def get_state_display(self) -> str:
        return MeetingState(self.state).label


def _chips(meetings: QuerySet[Meeting], viewer: Person | None) -> list[Chip]:
    """The meetings as chips; an emergency meeting's title leaves out the number and title
    of its matter when the viewer may not see the matter."""
    rows = list(
        meetings.values_list(
            "pk",
            "start",
            "end",
            "state",
            "is_emergency",
            "recurrence_id",
            "title",
            "series__title",
            "matter_id",
            "matter__number",
            "matter__title",
        )
    )
    visible = policy.visible_matter_ids(viewer, [row[8] for row in rows])
    chips = []
    for *fields, title, series_title, matter_id, number, matter_title in rows:
        headline = title or series_title or ""
        if matter_id is not None and matter_id not in visible:
            hidden = Matter(number=number, title=matter_title)
            headline = without_matter(headline, hidden) or _("Emergency meeting")
        chips.append(Chip(*fields, headline=headline))
    return chips


def day_meetings(scope: Scope, date: datetime.date, viewer: Person | None) -> list[Chip]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date, datetime.time.min, tzinfo=zone)
    meetings = meetings_between(scope, start, start + datetime.timedelta(days=1))
    return [m for m in _chips(meetings, viewer) if timezone.localtime(m.start).date() == date]


def month_grid(
    scope: Scope,
    year: int,
    month: int,
    viewer: Person | None,
    expanded: datetime.date | None = None,
) -> list[list[Day]]:
    """Weeks from Monday to Sunday covering the month, each day with its meetings (all of
    them on the `expanded` day), as `viewer` sees them."""
    first = datetime.date(year, month, 1)
    start = first - datetime.timedelta(days=first.weekday())
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    end = following + datetime.timedelta(days=(7 - following.weekday()) % 7)
    today = timezone.localdate()
    days = {
        start + datetime.timedelta(days=n): Day(
            start + datetime.timedelta(days=n),
            (start + datetime.timedelta(days=n)).month == month,
            start + datetime.timedelta(days=n) == today,
            expanded=start + datetime.timedelta(days=n) == expanded,
        )
        for n in range((end - start).days)
    }
    zone = timezone.get_current_timezone()
    moments = [datetime.datetime.combine(d, datetime.time.min, tzinfo=zone) for d in (start, end)]
    for meeting in _chips(meetings_between(scope, *moments), viewer):
        day = days.get(timezone.localtime(meeting.start).date())
        if day is not None:
            day.meetings.append(meeting)
    ordered = sorted(days.values(), key=lambda d: d.date)
    return [ordered[i : i + 7] for i in range(0, len(ordered), 7)]


def meetings_about(matter, person: Person | None) -> list[tuple[Meeting, Shown]]:
    """The meetings a matter was called for, was on the agenda of, or was decided at, each
    as the person sees it (one may be called about another matter they may not see)."""
    meetings = (
        Meeting.objects.filter(
            Q(matter=matter) | Q(agenda__matter=matter) | Q(minutes__decisions__matter=matter)
        )
        .select_related("series", "matter")
        .distinct()
        .order_by("start", "pk")[:20]
    )
    return shown_all(meetings, person)


def upcoming_for(person: Person, days: int = 60) -> list[tuple[Meeting, Shown]]:
    """The person's coming meetings, each with what they see of it."""
    now = timezone.now()
    meetings = meetings_between(
        Scope(person.organization, person=person), now, now + datetime.timedelta(days=days)
    ).filter(state=MeetingState.SCHEDULED)
    return shown_all(meetings, person)


# Calendars.


@dataclass
class Calendar:
    """What a calendar holds: series (each with the occurrences cancelled or moved on
    their own), and meetings that stand alone."""

    name: str
    series: list[MeetingSeries]
    exceptions: dict[int, list[Meeting]]  # series id → its overridden occurrences
    hidden: dict[int, set[datetime.datetime]]  # series id → original starts left out
    singles: list[Meeting]


def calendar_for(subject: MeetingSeries | Meeting) -> Calendar:
    """A series with its meetings changed on their own, or a one-off meeting, as a
    calendar of its own (the series' download and its invitations by e-mail, which go to
    many: a one-off meeting's matter is left out of its name)."""
    series = subject if isinstance(subject, MeetingSeries) else subject.series
    if series is None:
        return Calendar(shown(subject, None).headline, [], {}, {}, [subject])
    changed = list(series.meetings.filter(overridden=True).select_related("room"))
    return Calendar(series.title, [series], {series.pk: changed}, {}, [])


def calendar_of(scope: Scope) -> Calendar:
    """The scope's calendar. A room's calendar leaves out its series' occurrences held
    elsewhere and shows on their own the occurrences of other series moved into it."""
    series_ids, one_off_ids = _scope_owners(scope)
    series = list(
        MeetingSeries.objects.filter(pk__in=series_ids)
        .select_related("organizer", "chair", "room")
        .order_by("pk")
    )
    exceptions: dict[int, list[Meeting]] = {s.pk: [] for s in series}
    hidden: dict[int, set[datetime.datetime]] = {s.pk: set() for s in series}
    singles = list(
        Meeting.objects.filter(pk__in=one_off_ids, state=MeetingState.SCHEDULED)
        .select_related(*MEETING_RELATED)
        .order_by("start", "pk")
    )
    for meeting in (
        Meeting.objects.filter(series_id__in=list(exceptions), overridden=True)
        .select_related("room")
        .order_by("start", "pk")
    ):
        if scope.room is not None and meeting.room_id != scope.room.pk:
            hidden[meeting.series_id].add(meeting.recurrence_id)
        else:
            exceptions[meeting.series_id].append(meeting)
    if scope.room is not None:
        singles += list(
            Meeting.objects.filter(room=scope.room, overridden=True, state=MeetingState.SCHEDULED)
            .exclude(series_id__in=list(exceptions))
            .exclude(series=None)
            .select_related(*MEETING_RELATED)
            .order_by("start", "pk")
        )
    return Calendar(scope.label, series, exceptions, hidden, singles)

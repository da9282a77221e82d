"""Who may do what with meetings: the one place that decides. The services check these
before they change anything; the pages, the API and the calendar files ask them what to
show and offer; templates only read their answers.

- schedule a series or call an emergency meeting for a department: its head, deputy
  heads and liaison officer, its leader in charge, and the coordinating office (院办);
- change a series, move or cancel one of its meetings, arrange the agenda: the same
  people for the series' organizing department, and its chair; for a one-off meeting
  also whoever called it;
- propose an agenda item: the organizers at any time; the departments and people invited
  until the agenda closes;
- record attendance and write the minutes: the organizers and the named recorder; the
  chair approves them (a meeting without a chair: its organizers);
- read draft minutes: the organizers, the recorder and the chair. Read approved minutes:
  also those invited (by name, or working in an invited department, and whoever they
  were sent to), the coordinating and supervision offices and the leaders, and everyone
  in the organization when the series is open to the organization;
- read a pre-briefing (通气): the people it names and whoever wrote it;
- see a linked matter's number and title: whoever may see the matter (the matters' rule);
- confirm attendance of an emergency meeting: each person it called, until it ends.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from liaison.matters import selectors as matter_selectors
from liaison.matters.models import Matter
from liaison.matters.policy import can_view
from liaison.org.models import Department, DepartmentKind, LeaderInCharge, Person, Position
from liaison.org.roles import (
    HANDLER_ROLES,
    handles,
    in_coordinating_office,
    in_supervision_office,
    is_leader,
)

from .models import (
    AgendaItem,
    EmergencyCall,
    ItemState,
    Meeting,
    MeetingSeries,
    MeetingState,
    Minutes,
)

# Organizing.


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


def organizable_departments(person: Person) -> QuerySet[Department]:
    """The departments the person may schedule meetings for (may_organize, as a query)."""
    departments = Department.objects.filter(
        organization=person.organization, is_active=True
    ).exclude(kind=DepartmentKind.EXTERNAL)
    if in_coordinating_office(person):
        return departments.order_by("sort_order", "code")
    handled = (
        Position.objects.current()
        .filter(person=person, role__in=HANDLER_ROLES)
        .values("department_id")
    )
    overseen = LeaderInCharge.objects.current().filter(leader=person).values("department_id")
    return departments.filter(Q(pk__in=handled) | Q(pk__in=overseen)).order_by("sort_order", "code")


def may_change_meeting(person: Person | None, meeting: Meeting, now: datetime.datetime) -> bool:
    """Move or cancel: the organizers, while it is scheduled and has not begun."""
    return (
        meeting.state == MeetingState.SCHEDULED
        and meeting.start > now
        and may_manage_meeting(person, meeting)
    )


def may_confirm(person: Person | None, meeting: Meeting, now: datetime.datetime) -> bool:
    """A person called to an emergency meeting confirms once, until it ends."""
    if person is None or meeting.state != MeetingState.SCHEDULED or meeting.end <= now:
        return False
    return EmergencyCall.objects.filter(meeting=meeting, person=person, confirmed_at=None).exists()


def may_call_about(person: Person | None, matter: Matter) -> bool:
    """Call an emergency meeting about an open matter: whoever organizes meetings."""
    return bool(person) and matter.is_open and organizable_departments(person).exists()


# The agenda.


def agenda_open(meeting: Meeting) -> bool:
    return meeting.state == MeetingState.SCHEDULED


def invited_department(meeting: Meeting, person: Person) -> Department | None:
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


def may_propose(person: Person | None, meeting: Meeting, now: datetime.datetime) -> bool:
    """The organizers at any time; the invited departments and people until it closes."""
    if person is None or not agenda_open(meeting):
        return False
    if may_manage_meeting(person, meeting):
        return True
    return now < meeting.cutoff and is_invited_to_propose(person, meeting)


def is_invited_to_propose(person: Person, meeting: Meeting) -> bool:
    # Who is expected is read by the services' seats; imported here, which import us.
    from .services.seats import seats_of

    return invited_department(meeting, person) is not None or person.pk in seats_of(meeting)


def may_arrange_agenda(person: Person | None, meeting: Meeting) -> bool:
    return agenda_open(meeting) and may_manage_meeting(person, meeting)


def may_arrange_item(person: Person | None, item: AgendaItem) -> bool:
    """The organizers; whoever proposed it, while it is only proposed."""
    return may_manage_meeting(person, item.meeting) or (
        person is not None and item.proposed_by_id == person.pk and item.state == ItemState.PROPOSED
    )


def may_read_prebriefing(person: Person | None, item: AgendaItem) -> bool:
    """Pre-briefings (通气) are for the people named, and whoever wrote them: not for
    the organizers as such, nor for the other participants."""
    if person is None or not item.prebriefing:
        return False
    if item.prebriefing_by_id == person.pk:
        return True
    return any(p.pk == person.pk for p in item.prebriefed.all())


# Minutes.


def may_record(person: Person | None, meeting: Meeting) -> bool:
    """The organizers and the named recorder record attendance and write the minutes."""
    if person is None:
        return False
    minutes = Minutes.objects.filter(meeting=meeting).only("recorder_id").first()
    return may_manage_meeting(person, meeting) or (
        minutes is not None and minutes.recorder_id == person.pk
    )


def may_approve(person: Person | None, meeting: Meeting) -> bool:
    """The chair approves the minutes; a meeting without a chair, its organizers."""
    if person is None:
        return False
    chair = meeting.chair_person
    if chair is not None:
        return chair.pk == person.pk
    return may_manage_meeting(person, meeting)


def has_begun(meeting: Meeting, now: datetime.datetime) -> bool:
    return meeting.state != MeetingState.CANCELLED and meeting.start <= now


def may_write_minutes(
    person: Person | None, meeting: Meeting, minutes: Minutes | None, now: datetime.datetime
) -> bool:
    """Attendance and minutes are recorded once the meeting has begun, until approved."""
    draft = minutes is None or not minutes.is_approved
    return draft and has_begun(meeting, now) and may_record(person, meeting)


def may_approve_minutes(
    person: Person | None, meeting: Meeting, minutes: Minutes | None, now: datetime.datetime
) -> bool:
    return (
        minutes is not None
        and not minutes.is_approved
        and has_begun(meeting, now)
        and may_approve(person, meeting)
    )


def may_read_minutes(person: Person | None, meeting: Meeting, minutes: Minutes | None) -> bool:
    """Drafts: the organizers, the recorder and the chair. Approved minutes: also those
    invited and those they were sent to, the coordinating and supervision offices, the
    leaders, and everyone when the series is open to the organization."""
    if (
        minutes is None
        or person is None
        or not person.is_active
        or person.organization_id != meeting.organization_id
    ):
        return False
    chair = meeting.chair_person
    if may_record(person, meeting) or (chair is not None and chair.pk == person.pk):
        return True
    if not minutes.is_approved:
        return False
    if meeting.series_id is not None and meeting.series.minutes_open_to_organization:
        return True
    if in_coordinating_office(person) or in_supervision_office(person) or is_leader(person):
        return True
    return minutes.receipts.filter(person=person).exists() or is_invited(person, meeting)


def is_invited(person: Person, meeting: Meeting) -> bool:
    """Expected at the meeting, invited by name, or working in an invited department."""
    # Who is expected is read by the services' seats; imported here, which import us.
    from .services.seats import seats_of

    if person.pk in seats_of(meeting):
        return True
    owner = meeting.series or meeting
    departments = owner.participants.filter(department__isnull=False).values("department_id")
    return Position.objects.current().filter(person=person, department_id__in=departments).exists()


# Linked matters.


def may_see_matter(person: Person | None, matter: Matter) -> bool:
    """A matter's number and title are shown to whoever may see the matter."""
    return can_view(person, matter)


def visible_matter_ids(person: Person | None, matter_ids: Iterable[int | None]) -> set[int]:
    """Of these matters, those the person may see, in one query."""
    ids = {pk for pk in matter_ids if pk is not None}
    if person is None or not ids:
        return set()
    return set(
        matter_selectors.visible_matters(person).filter(pk__in=ids).values_list("pk", flat=True)
    )

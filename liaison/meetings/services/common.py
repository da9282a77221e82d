"""What the meetings' services share: limits, input checks, the timeline, telling people,
and locking a meeting.

Each action follows the matters' pattern: lock the row, check the state and then the
person's right (liaison.meetings.policy), change, append a MeetingEvent, notify. Refusals
raise liaison.core.errors (InvalidInput 400, NotAllowed 403, WrongState 409).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed
from liaison.inbox.models import Ask
from liaison.inbox.services import Attachment, notify
from liaison.org.models import Department, DepartmentKind, Organization, Person

from .. import policy
from ..models import MAX_DURATION_MINUTES, Attendance, Meeting, MeetingEvent, MeetingSeries, Room

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


def _people(ids: Iterable[int]) -> list[Person]:
    return list(Person.objects.filter(pk__in=set(ids), is_active=True))


# Checking input.


def _require_text(value: str, message: str, field: str = "") -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field)
    return value


def _check_organizer(person: Person, department: Department | None) -> Department:
    if department is None:
        raise InvalidInput(_("Choose the organizing department."))
    if department.organization_id != person.organization_id or not department.is_active:
        raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
    if department.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot organize meetings here."))
    if not policy.may_organize(person, department):
        raise NotAllowed(
            _(
                "Only the heads and liaison officer of %(department)s, its leader in charge "
                "and the coordinating office can schedule its meetings."
            )
            % {"department": department.name}
        )
    return department


def _check_duration(minutes, field: str = "") -> int:
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        raise InvalidInput(_("Give the duration in minutes."), field)
    if not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise InvalidInput(_("A meeting lasts from 1 minute to 24 hours."), field)
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
        data=data,  # stored as plain values by the Event base
    )


# Telling people.


def place_of(room: Room | None, link: str) -> str:
    where = ""
    if room is not None:
        where = room.name
        if room.location:
            where = _("%(room)s (%(location)s)") % {"room": room.name, "location": room.location}
    if not link:
        return where
    online = _("online: %(link)s") % {"link": link}
    return _("%(room)s; %(online)s") % {"room": where, "online": online} if where else online


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
    from .. import calendar_feed, selectors

    calendar = selectors.calendar_for(subject)
    series = subject if isinstance(subject, MeetingSeries) else subject.series
    name = f"series-{series.pk}.ics" if series else f"meeting-{subject.pk}.ics"
    # One file for everyone told: written for no one in particular, so without the
    # number and title of a matter some of them may not see.
    return Attachment(name, calendar_feed.render(calendar, None).decode(), "text/calendar")


# Locking and checking a meeting.


def _lock_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "series__organizer", "organizer", "room", "cancelled_by")
        .get(pk=meeting.pk)
    )


def _lock_agenda_meeting(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("series", "series__organizer", "series__chair", "organizer", "chair")
        .get(pk=meeting.pk)
    )


def _named(meeting: Meeting, person: Person | None) -> str:
    """The meeting's title in a refusal or a warning, as the person sees it: without its
    matter's number and title when they may not see the matter (anyone in the
    organization may try, and be refused)."""
    # The selectors import the services: imported when needed.
    from ..selectors import shown

    return shown(meeting, person).headline


def _require_manage(person: Person, meeting: Meeting) -> None:
    if not policy.may_manage_meeting(person, meeting):
        raise NotAllowed(
            _("Only the chair and the organizers of %(meeting)s can change it.")
            % {"meeting": _named(meeting, person)}
        )


def _meeting_person(meeting: Meeting, person: Person | None, field: str = "") -> Person | None:
    if person is not None and (
        person.organization_id != meeting.organization_id or not person.is_active
    ):
        raise InvalidInput(_("Unknown person: %(name)s") % {"name": person.name}, field)
    return person

"""One meeting: moving and cancelling it, emergency meetings (紧急会议) and their
confirmations, and the personal calendar address.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.inbox.texts import Text
from liaison.matters.models import Matter
from liaison.org.models import Department, Person

from .. import policy
from ..models import (
    CalendarFeed,
    EmergencyCall,
    EventType,
    Meeting,
    MeetingSeries,
    MeetingState,
    Room,
)
from .clashes import Clash, find_clashes
from .common import (
    EMERGENCY_WITHIN,
    LATE_START,
    _check_duration,
    _check_organizer,
    _check_people,
    _check_place,
    _event,
    _lock_meeting,
    _named,
    _require_manage,
    _require_text,
    _tell,
)
from .seats import seats_of
from .series import _set_participants
from .told import place_text


def _require_scheduled(meeting: Meeting, person: Person, now: datetime.datetime) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled by %(person)s at %(time)s.")
            % {
                "meeting": _named(meeting, person),
                "person": meeting.cancelled_by.name if meeting.cancelled_by else "—",
                "time": when_text(meeting.cancelled_at),
            }
        )
    if meeting.state != MeetingState.SCHEDULED or meeting.start <= now:
        raise WrongState(
            _("%(meeting)s began at %(time)s; it can no longer be moved or cancelled.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.start)}
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
    _require_scheduled(meeting, person, now)
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
        Text(
            gettext_noop("Moved to %(time)s (was %(before)s); %(place)s"),
            time=start,
            before=before["start"],
            place=place_text(room, online_link),
        ),
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
    _require_scheduled(meeting, person, now)
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
        Text(
            gettext_noop("Cancelled (was at %(time)s): %(reason)s"),
            time=meeting.start,
            reason=reason,
        ),
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
        if not policy.may_see_matter(person, matter):
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
        # Someone leads it: the chosen chair, else whoever called it.
        chair=data.chair or person,
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
    detail = Text(
        gettext_noop("Emergency meeting at %(time)s; %(place)s. Please confirm that you come."),
        time=start,
        place=place_text(data.room, link),
    )
    if matter is not None:
        detail = Text("%(call)s %(matter)s", call=detail, matter=f"{matter.number} {matter.title}")
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
            % {"meeting": _named(meeting, person), "time": when_text(meeting.cancelled_at)}
        )
    now = timezone.now()
    if meeting.end <= now:
        raise WrongState(
            _("%(meeting)s ended at %(time)s.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.end)}
        )
    call = EmergencyCall.objects.filter(meeting=meeting, person=person).first()
    if call is None:
        raise NotAllowed(_("You were not called to this meeting."))
    if call.confirmed_at is not None:
        raise WrongState(_("You confirmed at %(time)s.") % {"time": when_text(call.confirmed_at)})
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

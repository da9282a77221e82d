"""Recording a meeting: who came, who was absent and why, who sent a substitute."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.org.models import Person

from .. import policy
from ..models import AttendanceRecord, EventType, Meeting, MeetingState, Minutes, Presence
from .common import _event, _lock_agenda_meeting, _meeting_person, _named
from .seats import seats_of


def _require_record(person: Person, meeting: Meeting) -> None:
    if not policy.may_record(person, meeting):
        raise NotAllowed(
            _("Only the organizers and the recorder of %(meeting)s record it.")
            % {"meeting": _named(meeting, person)}
        )


def _require_started(meeting: Meeting, person: Person) -> None:
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled at %(time)s.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.cancelled_at)}
        )
    if meeting.start > timezone.now():
        raise WrongState(
            _("%(meeting)s begins at %(time)s; it is recorded once it has begun.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.start)}
        )


def _require_draft_minutes(meeting: Meeting) -> Minutes | None:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is not None and minutes.is_approved:
        raise WrongState(
            _("The minutes were approved by %(person)s at %(time)s and are archived.")
            % {"person": minutes.approved_by.name, "time": when_text(minutes.approved_at)}
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
    _require_started(meeting, person)
    _require_record(person, meeting)
    _require_draft_minutes(meeting)
    expected = seats_of(meeting)
    rows = list(rows)
    if not rows:
        raise InvalidInput(_("Record at least one person."))
    now = timezone.now()
    saved = []
    changes = {}
    for index, row in enumerate(rows):
        field = f"records.{index}"
        if row.person is None or row.person.pk not in expected:
            raise InvalidInput(
                _("%(name)s is not expected at this meeting.")
                % {"name": row.person.name if row.person else "—"},
                f"{field}.person",
            )
        if row.presence not in Presence.values:
            raise InvalidInput(
                _("Say whether %(name)s came.") % {"name": row.person.name}, f"{field}.presence"
            )
        reason = (row.reason or "").strip()
        substitute = row.substitute
        if row.presence == Presence.ABSENT and not reason:
            raise InvalidInput(
                _("Say why %(name)s was absent.") % {"name": row.person.name}, f"{field}.reason"
            )
        if row.presence == Presence.SUBSTITUTED:
            if substitute is None:
                raise InvalidInput(
                    _("Choose who came instead of %(name)s.") % {"name": row.person.name},
                    f"{field}.substitute",
                )
            _meeting_person(meeting, substitute, f"{field}.substitute")
            if substitute.pk == row.person.pk:
                raise InvalidInput(
                    _("A person cannot substitute for themselves."), f"{field}.substitute"
                )
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

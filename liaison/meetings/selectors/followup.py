"""After a meeting: what its record still lacks and who should see to it. A meeting stays
scheduled until its minutes are approved, so an ended one says what is missing (the
attendance, the minutes, their approval) and names who does it, on its page and in the
"my meetings" of those people."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.org.models import Person
from liaison.org.roles import handled_department_ids

from .. import policy
from ..models import AttendanceRecord, Meeting, MeetingState, Minutes
from .record import Shown, shown_all

#: How many meetings "my meetings" lists as waiting for the person, the latest first.
WAITING_SHOWN = 30


@dataclass(frozen=True)
class Outstanding:
    """What an ended meeting's record lacks, in words, and whether it is approval."""

    text: str
    approval: bool


def _organizers(meeting: Meeting) -> str:
    return _("the organizing department %(department)s") % {
        "department": meeting.organizing_department.name
    }


def outstanding(meeting: Meeting, now: datetime.datetime | None = None) -> Outstanding | None:
    """None while the meeting has not ended, once its minutes are approved (it is held)
    and when it was cancelled."""
    now = now or timezone.now()
    if meeting.state != MeetingState.SCHEDULED or meeting.end > now:
        return None
    minutes = Minutes.objects.filter(meeting=meeting).select_related("recorder").first()
    attended = AttendanceRecord.objects.filter(meeting=meeting).exists()
    if minutes is None or not attended:
        who = (
            _("the recorder %(name)s") % {"name": minutes.recorder.name}
            if minutes is not None
            else _organizers(meeting)
        )
        if minutes is None and not attended:
            text = _(
                "The meeting has ended; %(who)s is to record attendance and write the minutes."
            )
        elif minutes is None:
            text = _("The meeting has ended; %(who)s is to write the minutes.")
        else:
            text = _("The meeting has ended; %(who)s is to record attendance.")
        return Outstanding(text % {"who": who}, approval=False)
    chair = meeting.chair_person
    who = _("the chair %(name)s") % {"name": chair.name} if chair else _organizers(meeting)
    return Outstanding(
        _("The meeting has ended; %(who)s is to approve the minutes.") % {"who": who},
        approval=True,
    )


def waiting_for(person: Person) -> list[tuple[Meeting, Shown, Outstanding]]:
    """Ended meetings whose record waits for the person: to record (the recorder, else
    the organizers) or to approve (the chair, else the organizers); policy decides. Each
    with what the person sees of it. Organizers here are the organizing department's own
    heads and liaison officer: the coordinating office, which may organize any meeting,
    would otherwise find every meeting of the hospital waiting for it."""
    now = timezone.now()
    organized = handled_department_ids(person)
    candidates = (
        Meeting.objects.filter(
            organization=person.organization, state=MeetingState.SCHEDULED, end__lte=now
        )
        .filter(
            Q(series__organizer__in=organized)
            | Q(series__chair=person)
            | Q(series=None, organizer__in=organized)
            | Q(series=None, chair=person)
            | Q(series=None, created_by=person)
            | Q(minutes__recorder=person)
        )
        .select_related("series__organizer", "series__chair", "organizer", "chair", "matter")
        .order_by("-start", "-pk")
        .distinct()
    )
    waiting = []
    for meeting in candidates[: WAITING_SHOWN * 2]:
        missing = outstanding(meeting, now)
        if missing is None:
            continue
        may = policy.may_approve if missing.approval else policy.may_record
        if may(person, meeting):
            waiting.append((meeting, missing))
        if len(waiting) == WAITING_SHOWN:
            break
    seen = dict(shown_all([meeting for meeting, _missing in waiting], person))
    return [(meeting, seen[meeting], missing) for meeting, missing in waiting]

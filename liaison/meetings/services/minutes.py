"""Minutes (会议纪要): written by the recorder, approved by the chair (every decision
becomes a tracked matter), then sent with read receipts (回执).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.inbox.texts import Text
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput, create_matter
from liaison.org.models import Department, DepartmentKind, Person
from liaison.org.roles import department_of, works_in

from .. import policy
from ..models import (
    Decision,
    EventType,
    Meeting,
    MeetingState,
    Minutes,
    MinutesReceipt,
    MinutesState,
)
from .attendance import _require_draft_minutes, _require_record, _require_started
from .common import (
    _event,
    _lock_agenda_meeting,
    _meeting_person,
    _named,
    _require_text,
    _tell,
    meeting_url,
)
from .seats import seats_of


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
    row = f"decisions.{number - 1}"
    title = _require_text(
        data.title, _("Decision %(number)s: say what was decided.") % values, f"{row}.title"
    )
    if len(title) > 200:
        raise InvalidInput(
            _("Decision %(number)s: at most 200 characters.") % values, f"{row}.title"
        )
    owner = data.owner_department
    if owner is None or owner.organization_id != meeting.organization_id or not owner.is_active:
        raise InvalidInput(
            _("Decision %(number)s: choose the owner department.") % values,
            f"{row}.owner_department",
        )
    if owner.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(
            _("Decision %(number)s: an external unit cannot own it.") % values,
            f"{row}.owner_department",
        )
    if data.responsible is None or not works_in(data.responsible, owner):
        raise InvalidInput(
            _("Decision %(number)s: choose a responsible person of %(department)s.")
            % {**values, "department": owner.name},
            f"{row}.responsible",
        )
    if not isinstance(data.due, datetime.date):
        raise InvalidInput(_("Decision %(number)s: choose the due date.") % values, f"{row}.due")
    if data.due < timezone.localdate():
        raise InvalidInput(
            _("Decision %(number)s: the due date cannot be in the past.") % values, f"{row}.due"
        )
    return title


@transaction.atomic
def save_minutes(meeting: Meeting, person: Person, data: MinutesInput) -> Minutes:
    """The recorder (or an organizer, who may name the recorder) writes the minutes and
    their decisions, each with owner department, responsible person and due date. They
    stay a draft, changeable, until the chair approves them."""
    meeting = _lock_agenda_meeting(meeting)
    _require_started(meeting, person)
    _require_record(person, meeting)
    minutes = _require_draft_minutes(meeting)
    summary = _require_text(data.summary, _("Write the summary of the meeting."), "summary")
    recorder = _meeting_person(meeting, data.recorder, "recorder")
    renames = recorder is not None and minutes is not None and recorder.pk != minutes.recorder_id
    if renames and not policy.may_manage_meeting(person, meeting):
        raise NotAllowed(_("Only the organizers name the recorder."), "recorder")
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
    _require_started(meeting, person)
    if not policy.may_approve(person, meeting):
        raise NotAllowed(
            _("Only the chair of %(meeting)s approves its minutes.")
            % {"meeting": _named(meeting, person)}
        )
    minutes = _require_draft_minutes(meeting)
    if minutes is None:
        raise WrongState(_("There are no minutes to approve yet."))
    decisions = list(minutes.decisions.select_related("owner_department", "responsible"))
    kind = _decision_kind(meeting.organization_id)
    origin = department_of(person, [meeting.organizing_department])
    when = when_text(meeting.start)
    for number, decision in enumerate(decisions, start=1):
        _check_decision(
            meeting,
            number,
            DecisionInput(
                decision.title, decision.owner_department, decision.responsible, decision.due
            ),
        )
        # A Markdown link: the description is Markdown, shown with the minutes linked.
        detail = _("Decided at %(meeting)s on %(time)s; see [the minutes](%(url)s).") % {
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
        Text(
            gettext_noop("The minutes are approved; please read them (%(count)s decisions)."),
            count=len(decisions),
        ),
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

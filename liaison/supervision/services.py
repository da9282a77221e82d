"""Supervision, urging and rectification: the only place their state changes.

Each action follows the matters' pattern (liaison.matters.services): lock the matter's
row, check the state and then the person's right, change, append an event to the
matter's timeline, notify. Refusals raise the matters' errors (InvalidInput 400,
NotAllowed 403, WrongState 409), so pages and the API show them as they do the matters'.

Who may do what:
- supervise (督办): people of the coordinating office (院办), of the supervision office
  (the organization's `supervision_department`, set in the admin; nothing is guessed from
  department names) and leaders (a current leader in charge, or chair or vice chair of a
  coordination group), on an open matter they can see, at most one active supervision at
  a time;
- urge (催办): the supervisor and whoever may supervise, while the supervision is active;
- submit a rectification reply (整改回复单): the lead department's people;
- review it: the supervisor, or the office that supervises (the supervising department
  when it is the coordinating or supervision office, and the supervision office always).

Accepting a reply ends the supervision even while the matter itself is still open: the
reply is what the supervision asked for, and the matter's own deadlines, reminders and
confirmation keep following the rest. A supervision that asks for no reply ends when its
matter is no longer open (done by the sweep).
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.matters.models import OPEN_STATES, EventType, Matter, State
from liaison.matters.services import (
    InvalidInput,
    NotAllowed,
    WrongState,
    _attach_all,
    _check_uploads,
    _event,
    _lock,
    _require_text,
    _tell,
    _url,
    _when,
    can_view,
    handlers_of,
    in_coordinating_office,
    leader_in_charge,
    works_in,
)
from liaison.org.models import (
    Department,
    Person,
    Position,
)
from liaison.org.roles import (
    department_of,
    in_supervision_office,
    is_leader,
    leader_ids,
    office_ids,
)

from .models import Rectification, RectificationState, Supervision, Urge

#: A second urge this soon after the last one is a double click, not a new urge.
URGE_INTERVAL = datetime.timedelta(minutes=1)


# Who is who.


def may_supervise(person: Person | None) -> bool:
    """Whether the person may put matters under supervision (and urge them)."""
    return (
        person is not None
        and person.is_active
        and (in_coordinating_office(person) or in_supervision_office(person) or is_leader(person))
    )


def supervisors_of(organization) -> list[Person]:
    """Everyone who may supervise in the organization, for a picker."""
    ids = set(
        Position.objects.current()
        .filter(department_id__in=office_ids(organization), person__is_active=True)
        .values_list("person_id", flat=True)
    )
    ids |= leader_ids(organization)
    return list(Person.objects.filter(pk__in=ids).order_by("name_pinyin", "pk"))


def may_review(person: Person, supervision: Supervision) -> bool:
    if supervision.supervisor_id == person.pk or in_supervision_office(person):
        return True
    return supervision.supervising_department_id in office_ids(person.organization) and works_in(
        person, supervision.supervising_department
    )


def may_urge(person: Person, supervision: Supervision) -> bool:
    return supervision.supervisor_id == person.pk or may_supervise(person)


def may_rectify(person: Person, matter: Matter) -> bool:
    """The lead department's people answer for it."""
    return matter.lead_department is not None and works_in(person, matter.lead_department)


def holders_of(matter: Matter) -> list[Person]:
    """Who has the matter now: the responsible person and the owning department's
    handlers; once the matter is no longer open, the lead department's handlers (the
    rectification is still theirs)."""
    if matter.is_open:
        people = [matter.responsible_person]
        if matter.owner_department is not None:
            people += handlers_of(matter.owner_department)
        return people
    return handlers_of(matter.lead_department) if matter.lead_department is not None else []


def _lead_people(matter: Matter) -> list[Person]:
    """The lead department's handlers, and its responsible person while it holds the
    matter."""
    if matter.lead_department is None:
        return []
    people = handlers_of(matter.lead_department)
    if matter.is_open and matter.owner_department_id == matter.lead_department_id:
        people.append(matter.responsible_person)
    return people


def _reviewers(supervision: Supervision) -> list[Person]:
    people = [supervision.supervisor]
    department = supervision.supervising_department
    if department.pk in office_ids(department.organization):
        people += handlers_of(department)
    return people


def _acting_department(person: Person) -> Department | None:
    organization = person.organization
    return department_of(
        person, [organization.supervision_department, organization.coordinating_department]
    )


# Reading.


def active_supervision(matter: Matter) -> Supervision | None:
    return (
        Supervision.objects.filter(matter=matter, is_active=True)
        .select_related("supervisor", "supervising_department")
        .first()
    )


def _require_view(person: Person, matter: Matter) -> None:
    if not can_view(person, matter):
        raise NotAllowed(_("You cannot see this matter."))


def _require_active(matter: Matter) -> Supervision:
    supervision = active_supervision(matter)
    if supervision is not None:
        return supervision
    last = Supervision.objects.filter(matter=matter).order_by("-created_at", "-pk").first()
    if last is not None and last.ended_at is not None:
        raise WrongState(
            _("The supervision of %(number)s ended at %(time)s.")
            % {"number": matter.number, "time": _when(last.ended_at)}
        )
    raise WrongState(_("%(number)s is not under supervision.") % {"number": matter.number})


def _pending(supervision: Supervision) -> Rectification | None:
    return (
        supervision.rectifications.filter(state=RectificationState.SUBMITTED)
        .select_related("submitted_by")
        .first()
    )


# Writing.


@transaction.atomic
def supervise(
    matter: Matter,
    person: Person,
    *,
    supervisor: Person | None = None,
    deadline: datetime.date | None,
    reason: str,
    rectification_required: bool = True,
) -> Supervision:
    """督办: put an open matter under supervision until `deadline` (the supervisor is the
    person acting unless another is named)."""
    matter = _lock(matter)
    _require_view(person, matter)
    if not matter.is_open:
        raise WrongState(
            _("%(number)s is %(state)s: only open matters can be put under supervision.")
            % {"number": matter.number, "state": matter.get_state_display()}
        )
    current = active_supervision(matter)
    if current is not None:
        raise WrongState(
            _("%(number)s is already under supervision by %(person)s since %(time)s.")
            % {
                "number": matter.number,
                "person": current.supervisor.name,
                "time": _when(current.created_at),
            }
        )
    if not may_supervise(person):
        raise NotAllowed(
            _(
                "Only the coordinating office, the supervision office and leaders can put "
                "matters under supervision."
            )
        )
    supervisor = supervisor or person
    if supervisor.organization_id != matter.organization_id or not may_supervise(supervisor):
        raise InvalidInput(_("%(person)s cannot supervise matters.") % {"person": supervisor.name})
    reason = _require_text(reason, _("Say why the matter is put under supervision."))
    if not isinstance(deadline, datetime.date):
        raise InvalidInput(_("Choose the deadline."))
    if deadline < timezone.localdate():
        raise InvalidInput(_("The deadline cannot be in the past."))
    department = _acting_department(supervisor)
    if department is None:
        raise InvalidInput(
            _("%(person)s holds no position in any department.") % {"person": supervisor.name}
        )
    supervision = Supervision.objects.create(
        matter=matter,
        supervisor=supervisor,
        supervising_department=department,
        deadline=deadline,
        reason=reason,
        rectification_required=bool(rectification_required),
        created_by=person,
    )
    _event(
        matter,
        EventType.SUPERVISED,
        person,
        department=_acting_department(person),
        reason=reason,
        supervision=supervision.pk,
        supervisor=supervisor,
        deadline=deadline,
        rectification_required=supervision.rectification_required,
    )
    matter.save(update_fields=["updated_at"])
    if supervision.rectification_required:
        detail = _("Under supervision: a rectification reply is due by %(date)s. %(reason)s")
    else:
        detail = _("Under supervision until %(date)s. %(reason)s")
    _tell(
        matter,
        [*holders_of(matter), *_lead_people(matter)],
        Ask.RECTIFY if supervision.rectification_required else Ask.INFO,
        person,
        detail % {"date": date_format(deadline), "reason": reason[:200]},
    )
    return supervision


@transaction.atomic
def urge(matter: Matter, person: Person, note: str = "") -> Urge:
    """催办: one click; the holder is asked to act now, and from the second urge on the
    lead department's leader in charge gets a copy."""
    matter = _lock(matter)
    _require_view(person, matter)
    supervision = _require_active(matter)
    if not may_urge(person, supervision):
        raise NotAllowed(_("Only the supervisor and the supervising offices can urge."))
    now = timezone.now()
    last = supervision.urges.select_related("by").order_by("-sequence").first()
    if last is not None and now - last.at < URGE_INTERVAL:
        raise WrongState(
            _("%(person)s urged it just now (%(time)s).")
            % {"person": last.by.name, "time": _when(last.at)}
        )
    sequence = (last.sequence if last is not None else 0) + 1
    note = (note or "").strip()
    item = Urge.objects.create(
        supervision=supervision, sequence=sequence, by=person, at=now, note=note
    )
    _event(
        matter,
        EventType.URGED,
        person,
        department=_acting_department(person),
        text=note,
        supervision=supervision.pk,
        sequence=sequence,
    )
    matter.save(update_fields=["updated_at"])
    holders = [p for p in holders_of(matter) if p is not None]
    detail = _("Urged (%(count)s) by %(person)s; deadline %(date)s.") % {
        "count": sequence,
        "person": person.name,
        "date": date_format(supervision.deadline),
    }
    if note:
        detail = f"{detail} {note}"
    _tell(matter, holders, Ask.URGED, person, detail)
    if sequence >= 2 and matter.lead_department is not None:
        leader = leader_in_charge(matter.lead_department)
        if leader is not None and leader.pk not in {p.pk for p in holders}:
            _tell(
                matter,
                [leader],
                Ask.INFO,
                person,
                _("Copy: %(department)s was urged %(count)s times on this supervised matter.")
                % {"department": matter.lead_department, "count": sequence},
            )
    return item


@transaction.atomic
def submit_rectification(
    matter: Matter,
    person: Person,
    *,
    measures: str,
    evidence: str,
    completion_date: datetime.date | None,
    attachments=(),
) -> Rectification:
    """整改回复: the lead department says what it did, with evidence (text, and files as
    attachments of the timeline event); the supervisor is asked to review it."""
    matter = _lock(matter)
    _require_view(person, matter)
    supervision = _require_active(matter)
    if not supervision.rectification_required:
        raise WrongState(_("This supervision asks for no rectification reply."))
    pending = _pending(supervision)
    if pending is not None:
        raise WrongState(
            _("A rectification reply by %(person)s (%(time)s) is waiting for review.")
            % {"person": pending.submitted_by.name, "time": _when(pending.submitted_at)}
        )
    if not may_rectify(person, matter):
        raise NotAllowed(_("Only the lead department can submit the rectification reply."))
    measures = _require_text(measures, _("Describe the rectification measures."))
    evidence = _require_text(evidence, _("Give the evidence of the rectification."))
    if not isinstance(completion_date, datetime.date):
        raise InvalidInput(_("Give the completion date."))
    attachments = _check_uploads(attachments)
    event = _event(
        matter,
        EventType.RECTIFICATION_SUBMITTED,
        person,
        department=matter.lead_department,
        text=measures,
        supervision=supervision.pk,
        evidence=evidence,
        completion_date=completion_date,
    )
    _attach_all(matter, person, event, attachments)
    rectification = Rectification.objects.create(
        supervision=supervision,
        measures=measures,
        evidence=evidence,
        completion_date=completion_date,
        event=event,
        submitted_by=person,
    )
    matter.save(update_fields=["updated_at"])
    _tell(matter, _reviewers(supervision), Ask.REVIEW_RECTIFICATION, person, measures[:200])
    return rectification


@transaction.atomic
def review_rectification(
    matter: Matter, person: Person, *, accept: bool, reason: str = ""
) -> Rectification:
    """Accept the reply (the supervision ends) or reject it with a reason (the lead
    department is asked for a new one)."""
    matter = _lock(matter)
    _require_view(person, matter)
    supervision = _require_active(matter)
    pending = _pending(supervision)
    if pending is None:
        last = (
            supervision.rectifications.exclude(state=RectificationState.SUBMITTED)
            .select_related("reviewed_by")
            .order_by("-reviewed_at", "-pk")
            .first()
        )
        if last is not None and last.reviewed_by is not None:
            raise WrongState(
                _(
                    "The last rectification reply was already reviewed (%(state)s) by %(person)s "
                    "at %(time)s."
                )
                % {
                    "state": last.get_state_display(),
                    "person": last.reviewed_by.name,
                    "time": _when(last.reviewed_at),
                }
            )
        raise WrongState(_("No rectification reply is waiting for review."))
    if not may_review(person, supervision):
        raise NotAllowed(_("Only the supervisor or the supervising office can review the reply."))
    if pending.submitted_by_id == person.pk:
        raise NotAllowed(_("You cannot review your own rectification reply."))
    reason = (reason or "").strip()
    if not accept and not reason:
        raise InvalidInput(_("Say why the rectification reply is rejected."))
    now = timezone.now()
    pending.state = RectificationState.ACCEPTED if accept else RectificationState.REJECTED
    pending.reviewed_by = person
    pending.reviewed_at = now
    pending.review_reason = reason
    pending.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_reason"])
    if accept:
        supervision.is_active = False
        supervision.ended_at = now
        supervision.save(update_fields=["is_active", "ended_at"])
    _event(
        matter,
        EventType.RECTIFICATION_ACCEPTED if accept else EventType.RECTIFICATION_REJECTED,
        person,
        department=_acting_department(person),
        reason=reason,
        supervision=supervision.pk,
        rectification=pending.pk,
    )
    matter.save(update_fields=["updated_at"])
    people = [pending.submitted_by, *_lead_people(matter)]
    if accept:
        _tell(
            matter, people, Ask.INFO, person, _("Rectification reply accepted; supervision ended.")
        )
    else:
        _tell(
            matter,
            people,
            Ask.RECTIFY,
            person,
            _("Rectification reply rejected: %(reason)s") % {"reason": reason[:200]},
        )
    return pending


# The sweep.


def sweep(now: datetime.datetime | None = None) -> dict:
    """Periodic work, safe to run twice at once: tell the supervisor and the holder once
    when a supervision's deadline has passed without an accepted reply (each supervision
    is claimed with a conditional UPDATE first), and end the supervisions that ask for no
    reply once their matter is no longer open, or whose matter was withdrawn."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = 0
    due = Supervision.objects.filter(
        is_active=True, overdue_notified_at__isnull=True, deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Supervision.objects.filter(
                pk=pk, is_active=True, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue  # another sweep got there first
            _tell_overdue(Supervision.objects.select_related("supervisor").get(pk=pk))
            overdue += 1
    ended = 0
    finished = Supervision.objects.filter(is_active=True).filter(
        Q(rectification_required=False) & ~Q(matter__state__in=[s.value for s in OPEN_STATES])
        | Q(matter__state=State.WITHDRAWN)
    )
    for pk in list(finished.values_list("pk", flat=True)):
        ended += Supervision.objects.filter(pk=pk, is_active=True).update(
            is_active=False, ended_at=now
        )
    return {"supervision_overdue": overdue, "supervision_ended": ended}


def _tell_overdue(supervision: Supervision) -> None:
    matter = Matter.objects.select_related(
        "organization", "lead_department", "owner_department", "responsible_person"
    ).get(pk=supervision.matter_id)
    _event(
        matter,
        EventType.BREACHED,
        None,
        step="supervision",
        supervision=supervision.pk,
        # The end of the deadline day, a moment like the matters' own clocks record.
        due=timezone.make_aware(
            datetime.datetime.combine(supervision.deadline, datetime.time(23, 59, 59))
        ),
        holder=matter.lead_department,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [supervision.supervisor, *holders_of(matter)],
            ask=Ask.OVERDUE,
            title=f"{matter.number} {matter.title}",
            detail=_(
                "The supervision deadline (%(date)s) passed without an accepted "
                "rectification reply."
            )
            % {"date": date_format(supervision.deadline)},
            url=_url(matter),
            subject=matter,
        )

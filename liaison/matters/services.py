"""Every change to a matter goes through these functions: pages, the API, commands and
tasks all call them.

Each action has the same shape:
1. lock the matter's row (select_for_update; SQLite serializes writers itself);
2. check the state, then the person's right to act, refusing with a clear message;
3. move the state (django-fsm) and set who owns the matter, who is responsible and the
   next deadline, so an open matter always has exactly one of each;
4. append an event to the matter's timeline;
5. notify whoever is now asked to act (in-app now, e-mail after commit).
"""

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core import bulk
from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.deadlines.models import BreachAction, ServiceLevel
from liaison.deadlines.services import clock as level_clock
from liaison.deadlines.services import service_level, step_clock
from liaison.inbox.models import Ask
from liaison.inbox.services import notify, notify_many
from liaison.org.models import (
    Department,
    DepartmentKind,
    GroupRole,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)
from liaison.org.roles import (
    coordinating_department,
    default_responsible,
    department_ids_of,
    department_of,
    handlers_of,
    handles,
    heads_of,
    in_coordinating_office,
    in_leading_group,
    leader_in_charge,
    leading_group,
    works_in,
)
from liaison.org.services import relation_between
from liaison.worktime.domain import Amount, Unit, add_working_time, working_minutes_between
from liaison.worktime.services import Snapshots, snapshot_for

from . import search, signals
from .models import (
    OPEN_STATES,
    Attachment,
    Category,
    CoOrganizer,
    EscalationLevel,
    EventType,
    ExtensionRequest,
    ExtensionState,
    LinkKind,
    Matter,
    MatterEvent,
    MatterKind,
    MatterLink,
    MatterSettings,
    NumberCounter,
    Rating,
    Resolution,
    State,
    Urgency,
)


class Action:
    """The actions a person can take on a matter (the API's action names)."""

    SUBMIT = "submit"
    DISPATCH = "dispatch"
    ACCEPT = "accept"
    RETURN = "return"
    TRANSFER = "transfer"
    CONTRIBUTE = "contribute"
    REQUEST_EXTENSION = "request-extension"
    DECIDE_EXTENSION = "decide-extension"
    REPLY = "reply"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    ESCALATE = "escalate"
    WITHDRAW = "withdraw"
    CLOSE = "close"
    COMMENT = "comment"
    EDIT = "edit"
    LINK = "link"
    ASK_ORIGINATOR = "ask-originator"
    GIVE_INFORMATION = "give-information"

    LABELS = {
        SUBMIT: gettext_lazy("Submit"),
        DISPATCH: gettext_lazy("Dispatch"),
        ACCEPT: gettext_lazy("Accept"),
        RETURN: gettext_lazy("Return"),
        TRANSFER: gettext_lazy("Transfer"),
        CONTRIBUTE: gettext_lazy("Give our part"),
        REQUEST_EXTENSION: gettext_lazy("Request extension"),
        DECIDE_EXTENSION: gettext_lazy("Decide extension"),
        REPLY: gettext_lazy("Reply"),
        CONFIRM: gettext_lazy("Confirm"),
        REOPEN: gettext_lazy("Reopen"),
        ESCALATE: gettext_lazy("Coordination difficult: escalate"),
        WITHDRAW: gettext_lazy("Withdraw"),
        CLOSE: gettext_lazy("Close as not a matter"),
        COMMENT: gettext_lazy("Comment"),
        EDIT: gettext_lazy("Edit draft"),
        LINK: gettext_lazy("Link"),
        ASK_ORIGINATOR: gettext_lazy("Ask the originator"),
        GIVE_INFORMATION: gettext_lazy("Give the information"),
    }


#: Which states each state-changing action starts from (the rest of the rule is who).
ACTION_STATES = {
    Action.SUBMIT: {State.DRAFT},
    Action.DISPATCH: {State.SUBMITTED, State.DISPATCHED, State.ACCEPTED, State.ESCALATED},
    Action.ACCEPT: {State.DISPATCHED},
    Action.RETURN: {State.DISPATCHED},
    Action.TRANSFER: {State.DISPATCHED, State.ACCEPTED},
    Action.CONTRIBUTE: {State.DISPATCHED, State.ACCEPTED},
    Action.REQUEST_EXTENSION: {State.ACCEPTED},
    Action.DECIDE_EXTENSION: {State.ACCEPTED, State.REPLIED, State.DISPATCHED},
    Action.REPLY: {State.ACCEPTED},
    Action.CONFIRM: {State.REPLIED},
    Action.REOPEN: {State.CLOSED},
    Action.ESCALATE: {State.SUBMITTED, State.DISPATCHED, State.ACCEPTED, State.ESCALATED},
    Action.WITHDRAW: {State.DRAFT, State.SUBMITTED, State.DISPATCHED},
    Action.CLOSE: {State.SUBMITTED, State.ESCALATED},
    Action.COMMENT: set(State.values) - {State.ARCHIVED},
    Action.EDIT: {State.DRAFT},
    Action.LINK: set(State.values) - {State.ARCHIVED},
    Action.ASK_ORIGINATOR: {State.ACCEPTED},
    Action.GIVE_INFORMATION: {State.ACCEPTED},
}


DEFAULT_KINDS = [
    # code, Chinese, English, number prefix, default days
    ("coordination", "协调事项", "Coordination request", "XT", 5),
    ("contact_form", "工作联系单", "Work contact form", "LX", 5),
    ("supervision", "督办件", "Supervision item", "DB", 7),
    ("rectification", "整改事项", "Rectification item", "ZG", 15),
    ("suggestion", "意见建议", "Suggestion", "JY", 10),
    ("liaison_report", "联络员反映问题", "Problem reported by a liaison officer", "FY", 5),
    ("task_deployment", "任务部署", "Task deployment", "RW", 5),
]


def seed_matter_kinds(organization: Organization) -> None:
    for order, (code, zh, en, prefix, days) in enumerate(DEFAULT_KINDS):
        MatterKind.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "number_prefix": prefix,
                "default_days": days,
                "sort_order": order,
            },
        )


@receiver(post_save, sender=Organization)
def _seed_new_organization(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        seed_matter_kinds(instance)


def settings_for(organization: Organization) -> MatterSettings:
    limits, _created = MatterSettings.objects.get_or_create(organization=organization)
    return limits


# Reading who may do what.


def can_view(person: Person | None, matter: Matter) -> bool:
    from .selectors import visible_matters

    if person is None or person.organization_id != matter.organization_id:
        return False
    if matter.originator_id == person.pk or (
        matter.responsible_person_id == person.pk and matter.responsible_person_id is not None
    ):
        return True  # as visible_matters has it, without reading positions
    return visible_matters(person).filter(pk=matter.pk).exists()


def _is_lead_handler(person: Person, matter: Matter) -> bool:
    return matter.lead_department is not None and (
        handles(person, matter.lead_department)
        or (
            matter.responsible_person_id == person.pk
            and matter.owner_department_id == matter.lead_department_id
        )
    )


def _may_dispatch(person: Person, matter: Matter) -> bool:
    if in_coordinating_office(person):
        return True  # the coordinating office can always (re-)dispatch
    if matter.state == State.SUBMITTED:
        if matter.responsible_person_id == person.pk:
            return True
        # Direct coordination: the originator sends it to the department they need.
        return matter.originator_id == person.pk or handles(person, matter.owner_department)
    if matter.state == State.ESCALATED:
        return _holds_escalation(person, matter)
    return False


def _holds_escalation(person: Person, matter: Matter) -> bool:
    if matter.responsible_person_id == person.pk:
        return True
    if matter.escalation_level == EscalationLevel.LEADING_GROUP:
        return in_leading_group(person)
    if matter.escalation_level == EscalationLevel.COORDINATING_OFFICE:
        # Anyone in the office may dispatch or close it; passing it on is theirs too.
        return in_coordinating_office(person)
    if matter.escalation_level == EscalationLevel.LEADER_IN_CHARGE:
        return False  # the leader in charge, not whoever heads the leaders' department
    return handles(person, matter.owner_department)


def _pending_extension(matter: Matter) -> ExtensionRequest | None:
    return matter.extensions.filter(state=ExtensionState.PENDING).first()


def _lapse_extension(matter: Matter) -> dict:
    """A pending extension request lapses when the matter leaves the lead that asked for
    it (re-dispatched, transferred, escalated): the new holder asks for itself. Returns
    what the transition's event records of it."""
    pending = _pending_extension(matter)
    if pending is None:
        return {}
    pending.state = ExtensionState.LAPSED
    pending.decided_at = _now()
    pending.save(update_fields=["state", "decided_at"])
    return {"extension_lapsed": pending.proposed_due}


def _may_decide_extension(person: Person, matter: Matter) -> bool:
    """The dispatcher, the coordinating office or the lead's leader in charge; never the
    person who asked (an extension is asked for, not taken)."""
    return (
        matter.dispatcher_id == person.pk
        or in_coordinating_office(person)
        or (
            matter.lead_department is not None
            and leader_in_charge(matter.lead_department) == person
        )
    )


def _co_organizer_for(person: Person, matter: Matter) -> CoOrganizer | None:
    for co in matter.co_organizers.select_related("department"):
        if co.contributed_at is None and handles(person, co.department):
            return co
    return None


def _part_given(person: Person, matter: Matter) -> CoOrganizer | None:
    """A co-organizer part this person's department has already given."""
    for co in matter.co_organizers.select_related("department", "contributed_by"):
        if co.contributed_at is not None and handles(person, co.department):
            return co
    return None


def _may(person: Person, matter: Matter, action: str) -> bool:
    """The person's right to take an action, the state aside."""
    is_originator = matter.originator_id == person.pk
    if action == Action.SUBMIT:
        return is_originator
    if action == Action.DISPATCH:
        return _may_dispatch(person, matter)
    if action in (Action.ACCEPT, Action.RETURN, Action.REPLY, Action.REQUEST_EXTENSION):
        return _is_lead_handler(person, matter)
    if action == Action.TRANSFER:
        return _is_lead_handler(person, matter) or in_coordinating_office(person)
    if action == Action.CONTRIBUTE:
        return _co_organizer_for(person, matter) is not None
    if action == Action.DECIDE_EXTENSION:
        pending = _pending_extension(matter)
        return (
            pending is not None
            and pending.requested_by_id != person.pk
            and _may_decide_extension(person, matter)
        )
    if action == Action.CONFIRM:
        return is_originator or handles(person, matter.originator_department)
    if action == Action.ASK_ORIGINATOR:
        return matter.paused_at is None and _is_lead_handler(person, matter)
    if action == Action.GIVE_INFORMATION:
        return matter.paused_at is not None and (
            is_originator or handles(person, matter.originator_department)
        )
    if action == Action.REOPEN:
        return is_originator or in_coordinating_office(person)
    if action == Action.ESCALATE:
        if matter.escalation_level >= EscalationLevel.LEADING_GROUP:
            return False
        if matter.state == State.ESCALATED:
            return _holds_escalation(person, matter)
        return (
            is_originator
            or _is_lead_handler(person, matter)
            or (matter.state == State.SUBMITTED and _may_dispatch(person, matter))
        )
    if action == Action.WITHDRAW:
        return is_originator
    if action == Action.CLOSE:
        return _may_dispatch(person, matter)
    if action == Action.COMMENT:
        return can_view(person, matter)
    if action == Action.EDIT:
        return is_originator
    if action == Action.LINK:
        return (
            is_originator
            or (matter.state != State.DRAFT and is_handling(person, matter))
            or in_coordinating_office(person)
        )
    return False


def allowed_actions(person: Person | None, matter: Matter) -> list[str]:
    """The actions this person may take on the matter now (for buttons and the API)."""
    if person is None or not can_view(person, matter):
        return []
    actions = [
        action
        for action, states in ACTION_STATES.items()
        if matter.state in states and (action == Action.COMMENT or _may(person, matter, action))
    ]
    if Action.REQUEST_EXTENSION in actions and _pending_extension(matter) is not None:
        actions.remove(Action.REQUEST_EXTENSION)  # one waits for a decision already
    return actions


def _last_change(matter: Matter) -> MatterEvent | None:
    return matter.events.exclude(to_state="").select_related("actor").order_by("-at", "-pk").first()


def _when(at: datetime.datetime) -> str:
    # The same unambiguous form in both languages, ending without a dot inside sentences.
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


def _require(person: Person, matter: Matter, action: str) -> None:
    """Refuse, with a message that says what happened, an action the state or the person
    does not allow. The state is checked first: a late click learns who was faster."""
    if not can_view(person, matter):
        raise NotAllowed(_("You cannot see this matter."))
    if matter.state not in ACTION_STATES[action]:
        last = _last_change(matter)
        if last is not None and last.actor is not None:
            raise WrongState(
                _("%(number)s is already %(state)s: %(event)s by %(person)s at %(time)s.")
                % {
                    "number": matter.number,
                    "state": matter.get_state_display(),
                    "event": last.get_type_display(),
                    "person": last.actor.name,
                    "time": _when(last.at),
                }
            )
        raise WrongState(
            _("%(number)s is %(state)s; this action is not possible now.")
            % {"number": matter.number, "state": matter.get_state_display()}
        )
    if not _may(person, matter, action):
        raise NotAllowed(_("You may not do this on %(number)s.") % {"number": matter.number})


# Writing.


def _now() -> datetime.datetime:
    return timezone.now()


def _hours(hours: int) -> datetime.datetime:
    return _now() + datetime.timedelta(hours=hours)


def _accept_clock(
    matter: Matter, department: Department, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, tuple[datetime.datetime, ...]]:
    """When `department` must accept (or take up again) the matter, and when it is
    reminded: the service level of its kind and urgency, in the department's working
    time. Recorded as the matter's accept_due."""
    clock = step_clock(matter.kind, matter.urgency, "accept", department, now or _now())
    matter.accept_due = clock.due
    matter.reply_due = None
    return clock.due, clock.reminders


def _reply_clock(
    matter: Matter, now: datetime.datetime | None = None
) -> tuple[datetime.datetime, tuple[datetime.datetime, ...]]:
    """When the lead must reply: the service level's time to reply from now, in the lead's
    working time, but no later than the due date the originator was promised."""
    clock = step_clock(matter.kind, matter.urgency, "reply", matter.lead_department, now or _now())
    due = clock.due
    if matter.due_at is not None and matter.due_at < due:
        due = matter.due_at
    matter.reply_due = due
    return due, tuple(r for r in clock.reminders if r < due)


def _lock(matter: Matter) -> Matter:
    """The matter's row, locked until the transaction ends. Only the matter's own row:
    PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (lead, owner,
    responsible person), and locking the joined rows would serialize every action in the
    organization on its row."""
    return (
        Matter.objects.select_for_update(of=("self",))
        .select_related(
            "organization",
            "organization__coordinating_department",
            "kind",
            "originator",
            "originator_department",
            "lead_department",
            "owner_department",
            "responsible_person",
        )
        .get(pk=matter.pk)
    )


def _event(matter: Matter, type_: str, actor: Person | None, **kwargs) -> MatterEvent:
    """Append an event to the matter's timeline now (see _event_row for the arguments)."""
    event = _event_row(matter, type_, actor, **kwargs)
    event.save()
    return event


def _event_row(
    matter: Matter,
    type_: str,
    actor: Person | None,
    *,
    department: Department | None = None,
    from_state: str = "",
    reason: str = "",
    text: str = "",
    internal: bool = False,
    at: datetime.datetime | None = None,
    **data,
) -> MatterEvent:
    return MatterEvent(
        matter=matter,
        type=type_,
        at=at or _now(),
        actor=actor,
        actor_department=department,
        from_state=from_state,
        to_state=matter.state
        if (from_state and from_state != matter.state) or type_ in _STATE_EVENTS
        else "",
        owner_department=matter.owner_department if matter.is_open else None,
        reason=reason,
        text=text,
        is_internal=internal,
        data={k: _plain(v) for k, v in data.items()},
    )


_STATE_EVENTS = {
    EventType.SUBMITTED,
    EventType.DISPATCHED,
    EventType.ACCEPTED,
    EventType.RETURNED,
    EventType.TRANSFERRED,
    EventType.REPLIED,
    EventType.CONFIRMED,
    EventType.REOPENED,
    EventType.ESCALATED,
    EventType.CLOSED,
    EventType.WITHDRAWN,
    EventType.ARCHIVED,
}


def _plain(value):
    if isinstance(value, Department):
        return value.code
    if isinstance(value, Person):
        return value.employee_number
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _url(matter: Matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def _notice(
    matter: Matter,
    people,
    ask: str,
    actor: Person | None,
    detail: str = "",
    *,
    urgent: bool = False,
    url: str | None = None,
) -> dict:
    """What notify() is given about a matter."""
    return {
        "recipients": people,
        "ask": ask,
        "title": f"{matter.number} {matter.title}",
        "detail": str(detail),  # a lazy label (the rating) must not reach the e-mail lazily
        "url": url or _url(matter),
        "subject": matter,
        "exclude": actor,
        "urgent": urgent or matter.urgency == Urgency.EMERGENCY,
    }


def _tell(
    matter: Matter,
    people,
    ask: str,
    actor: Person | None,
    detail: str = "",
    *,
    urgent: bool = False,
) -> None:
    notify(**_notice(matter, people, ask, actor, detail, urgent=urgent))


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _set_owner(
    matter: Matter,
    department: Department,
    person: Person,
    deadline: datetime.datetime,
    reminders: Iterable[datetime.datetime] = (),
    now: datetime.datetime | None = None,
) -> None:
    matter.owner_department = department
    matter.responsible_person = person
    arm_clock(matter, deadline, reminders, now)


def arm_clock(
    matter: Matter,
    deadline: datetime.datetime,
    reminders: Iterable[datetime.datetime] = (),
    now: datetime.datetime | None = None,
) -> None:
    """Set the holder's deadline and the reminders still to come; the sweep looks at the
    matter again at the first of them (the clock runs again if it was paused)."""
    now = now or _now()
    upcoming = sorted(r for r in set(reminders) if now < r < deadline)
    matter.next_deadline = deadline
    matter.reminders_due = [r.isoformat() for r in upcoming]
    matter.next_check_at = upcoming[0] if upcoming else deadline
    matter.paused_at = None


def _clear_owner(matter: Matter) -> None:
    matter.owner_department = None
    matter.responsible_person = None
    matter.next_deadline = None
    matter.next_check_at = None
    matter.reminders_due = []
    matter.paused_at = None


def _check_department(matter: Matter, department: Department, label: str) -> None:
    if department.organization_id != matter.organization_id or not department.is_active:
        raise InvalidInput(
            _("%(label)s: %(department)s cannot take matters.")
            % {"label": label, "department": department}
        )


def _next_number(organization: Organization, prefix: str, year: int) -> str:
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(
        organization=organization, prefix=prefix, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{prefix}-{year}-{counter.last:06d}"


@dataclass
class MatterInput:
    title: str
    kind: MatterKind
    description: str = ""
    urgency: str = Urgency.NORMAL
    originator_department: Department | None = None
    lead_department: Department | None = None
    co_departments: tuple = ()
    due: datetime.date | None = None
    categories: tuple = ()


def _checked_input(person: Person, data: MatterInput) -> tuple[str, Department]:
    """The title and originating department of a new or edited matter, or a refusal."""
    title = _require_text(data.title, _("A matter needs a title."))
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."))
    if data.kind.organization_id != person.organization_id or not data.kind.is_active:
        raise InvalidInput(_("Unknown kind of matter."))
    if data.urgency not in Urgency.values:
        raise InvalidInput(_("Unknown urgency: %(value)s") % {"value": data.urgency})
    if data.due is not None and data.due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    originator_department = data.originator_department or department_of(person)
    if originator_department is None or not works_in(person, originator_department):
        raise InvalidInput(_("You can raise matters only for a department you work in."))
    return title, originator_department


def _set_lead(matter: Matter, lead: Department | None) -> None:
    """The lead department the originator sends a draft to directly (none: the
    coordinating office dispatches it)."""
    if lead is not None:
        _check_department(matter, lead, _("Lead department"))
        if lead.kind == DepartmentKind.EXTERNAL:
            raise InvalidInput(_("An external unit cannot lead a matter."))
    matter.lead_department = lead
    matter.relation = (
        relation_between(matter.originator_department, lead) if lead is not None else ""
    )


def _set_categories(matter: Matter, categories: Iterable) -> None:
    matter.categories.set(
        [
            c
            for c in categories
            if isinstance(c, Category) and c.organization_id == matter.organization_id
        ]
    )


@transaction.atomic
def create_matter(
    person: Person, data: MatterInput, *, submit: bool = False, responsible: Person | None = None
) -> Matter:
    """A new matter, as a draft of `person` (or submitted at once with `submit`). A lead
    department given here is where the originator sends it directly on submission, to
    `responsible` there if given (a meeting's decision names who carries it out)."""
    title, originator_department = _checked_input(person, data)
    organization = person.organization
    today = timezone.localdate()
    matter = Matter(
        organization=organization,
        number=_next_number(organization, data.kind.number_prefix, today.year),
        title=title,
        description=(data.description or "").strip(),
        kind=data.kind,
        urgency=data.urgency,
        originator=person,
        originator_department=originator_department,
        due=data.due,
    )
    _set_lead(matter, data.lead_department)
    matter.save()
    search.reindex(matter)
    _set_co_organizers(matter, data.co_departments)
    if data.categories:
        _set_categories(matter, data.categories)
    _event(matter, EventType.CREATED, person, department=originator_department)
    if submit:
        matter = submit_matter(matter, person, responsible=responsible)
    return matter


#: What an edit of a draft may change, for the timeline's list of changed fields.
DRAFT_FIELDS = (
    "title",
    "description",
    "kind",
    "urgency",
    "originator_department",
    "lead_department",
    "due",
)


@transaction.atomic
def edit_draft(matter: Matter, person: Person, data: MatterInput) -> Matter:
    """The originator changes a draft before submitting it. A change of kind gives the
    matter a number with the new kind's prefix (drafts are nobody else's yet)."""
    matter = _lock(matter)
    _require(person, matter, Action.EDIT)
    title, originator_department = _checked_input(person, data)
    before = {name: getattr(matter, name) for name in DRAFT_FIELDS}
    before_co = set(matter.co_organizers.values_list("department_id", flat=True))
    before_categories = set(matter.categories.values_list("pk", flat=True))
    previous_number = matter.number
    if data.kind.number_prefix != matter.kind.number_prefix:
        matter.number = _next_number(
            matter.organization, data.kind.number_prefix, timezone.localdate().year
        )
    matter.title = title
    matter.description = (data.description or "").strip()
    matter.kind = data.kind
    matter.urgency = data.urgency
    matter.originator_department = originator_department
    matter.due = data.due
    _set_lead(matter, data.lead_department)
    matter.save()
    if (matter.title, matter.description) != (before["title"], before["description"]):
        search.reindex(matter, previous=(before["title"], before["description"]))
    _set_co_organizers(matter, data.co_departments)
    _set_categories(matter, data.categories)
    changed = [name for name in DRAFT_FIELDS if getattr(matter, name) != before[name]]
    if set(matter.co_organizers.values_list("department_id", flat=True)) != before_co:
        changed.append("co_departments")
    if set(matter.categories.values_list("pk", flat=True)) != before_categories:
        changed.append("categories")
    if not changed:
        return matter
    extra = {"previous_number": previous_number} if matter.number != previous_number else {}
    _event(
        matter,
        EventType.EDITED,
        person,
        department=originator_department,
        fields=changed,
        **extra,
    )
    return matter


def _set_co_organizers(matter: Matter, departments: Iterable[Department]) -> list[Department]:
    wanted = []
    for department in departments:
        _check_department(matter, department, _("Co-organizer"))
        if department.pk != (matter.lead_department_id or 0) and department not in wanted:
            wanted.append(department)
    existing = {co.department_id: co for co in matter.co_organizers.all()}
    for department_id, co in existing.items():
        if department_id not in {d.pk for d in wanted} and co.contributed_at is None:
            co.delete()
    for department in wanted:
        if department.pk not in existing:
            CoOrganizer.objects.create(matter=matter, department=department)
    return wanted


@transaction.atomic
def submit_matter(matter: Matter, person: Person, *, responsible: Person | None = None) -> Matter:
    """Draft → submitted: to the coordinating office, or, when the originator named a
    lead department, straight on to it (direct coordination), to `responsible` there if
    given, else to its default holder."""
    matter = _lock(matter)
    _require(person, matter, Action.SUBMIT)
    limits = settings_for(matter.organization)
    office = (
        coordinating_department(matter.organization) if matter.lead_department is None else None
    )
    matter._submit()
    matter.submitted_at = _now()
    if office is not None:
        _set_owner(matter, office, default_responsible(office), _hours(limits.dispatch_hours))
    else:
        # The originator holds it for the instant until it is dispatched below.
        _set_owner(matter, matter.originator_department, person, _hours(limits.dispatch_hours))
    matter.save()
    _event(
        matter,
        EventType.SUBMITTED,
        person,
        department=matter.originator_department,
        from_state=State.DRAFT,
    )
    if office is not None:
        _tell(matter, [matter.responsible_person, *_people_in(office)], Ask.DISPATCH, person)
        return matter
    lead = matter.lead_department
    co = [c.department for c in matter.co_organizers.select_related("department")]
    return dispatch(
        matter, person, lead=lead, co_departments=co, due=matter.due, responsible=responsible
    )


def _people_in(department: Department) -> list[Person]:
    return [
        p.person
        for p in Position.objects.current()
        .filter(department=department, person__is_active=True)
        .select_related("person")
    ]


@transaction.atomic
def dispatch(
    matter: Matter,
    person: Person,
    *,
    lead: Department,
    co_departments: Iterable[Department] = (),
    due: datetime.date | None = None,
    responsible: Person | None = None,
    reason: str = "",
) -> Matter:
    """Send the matter to a lead department (with co-organizers), which must accept it."""
    matter = _lock(matter)
    _require(person, matter, Action.DISPATCH)
    if lead is None:
        raise InvalidInput(_("Choose the lead department."))
    _check_department(matter, lead, _("Lead department"))
    if lead.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot lead a matter."))
    if due is None:
        due = matter.due or (
            timezone.localdate() + datetime.timedelta(days=matter.kind.default_days)
        )
    if due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    if responsible is not None and not works_in(responsible, lead):
        raise InvalidInput(
            _("%(person)s does not work in %(department)s.")
            % {"person": responsible, "department": lead}
        )
    responsible = responsible or default_responsible(lead)
    from_state = matter.state
    matter._dispatch()
    matter.lead_department = lead
    matter.relation = relation_between(matter.originator_department, lead)
    matter.due = due
    matter.dispatcher = person
    matter.dispatcher_department = department_of(
        person,
        [
            matter.organization.coordinating_department,
            matter.owner_department,
            matter.originator_department,
        ],
    )
    _set_owner(matter, lead, responsible, *_accept_clock(matter, lead))
    matter.save()
    co = _set_co_organizers(matter, co_departments)
    _event(
        matter,
        EventType.DISPATCHED,
        person,
        department=matter.dispatcher_department,
        from_state=from_state,
        reason=(reason or "").strip(),
        lead=lead,
        co_departments=co,
        due=due,
        responsible=responsible,
        **_lapse_extension(matter),
    )
    _tell(matter, [responsible, *handlers_of(lead)], Ask.ACCEPT, person)
    for department in co:
        _tell(matter, handlers_of(department), Ask.CONTRIBUTE, person)
    return matter


@transaction.atomic
def accept(matter: Matter, person: Person, *, responsible: Person | None = None) -> Matter:
    """签收: the lead department takes the matter on; the clock now runs to the due date."""
    matter = _lock(matter)
    _require(person, matter, Action.ACCEPT)
    if responsible is not None and not works_in(responsible, matter.lead_department):
        raise InvalidInput(
            _("%(person)s does not work in %(department)s.")
            % {"person": responsible, "department": matter.lead_department}
        )
    matter._accept()
    _set_owner(
        matter,
        matter.lead_department,
        responsible or matter.responsible_person,
        *_reply_clock(matter),
    )
    matter.save()
    _event(
        matter,
        EventType.ACCEPTED,
        person,
        department=matter.lead_department,
        from_state=State.DISPATCHED,
    )
    _tell(
        matter,
        [matter.originator],
        Ask.INFO,
        person,
        _("Accepted by %(department)s.") % {"department": matter.lead_department},
    )
    if matter.responsible_person != person:
        _tell(matter, [matter.responsible_person], Ask.REPLY, person)
    return matter


@transaction.atomic
def return_matter(matter: Matter, person: Person, *, reason: str) -> Matter:
    """退回: not ours, with a reason; back to whoever dispatched it."""
    matter = _lock(matter)
    _require(person, matter, Action.RETURN)
    reason = _require_text(reason, _("Say why the matter is returned."))
    lead = matter.lead_department
    limits = settings_for(matter.organization)
    matter._return()
    matter.return_count += 1
    back_to = matter.dispatcher_department or coordinating_department(matter.organization)
    back_person = matter.dispatcher
    if back_person is None or not back_person.is_active or not works_in(back_person, back_to):
        back_person = default_responsible(back_to)
    _set_owner(matter, back_to, back_person, _hours(limits.dispatch_hours))
    matter.save()
    _event(
        matter,
        EventType.RETURNED,
        person,
        department=lead,
        from_state=State.DISPATCHED,
        reason=reason,
    )
    _tell(matter, [back_person], Ask.DISPATCH, person, reason)
    return matter


@transaction.atomic
def transfer(
    matter: Matter,
    person: Person,
    *,
    lead: Department,
    co_departments: Iterable[Department] | None = None,
    reason: str,
) -> Matter:
    """转办: pass the matter to the department it belongs to, with a reason."""
    matter = _lock(matter)
    _require(person, matter, Action.TRANSFER)
    reason = _require_text(reason, _("Say why the matter is transferred."))
    if lead is None:
        raise InvalidInput(_("Choose the department to transfer to."))
    _check_department(matter, lead, _("Lead department"))
    if lead.pk == matter.lead_department_id:
        raise InvalidInput(_("The matter is already with %(department)s.") % {"department": lead})
    if lead.kind == DepartmentKind.EXTERNAL:
        raise InvalidInput(_("An external unit cannot lead a matter."))
    previous = matter.lead_department
    from_state = matter.state
    responsible = default_responsible(lead)
    matter._transfer()
    matter.transfer_count += 1
    matter.lead_department = lead
    matter.relation = relation_between(matter.originator_department, lead)
    _set_owner(matter, lead, responsible, *_accept_clock(matter, lead))
    matter.save()
    co = _set_co_organizers(
        matter,
        co_departments
        if co_departments is not None
        else [c.department for c in matter.co_organizers.select_related("department")],
    )
    _event(
        matter,
        EventType.TRANSFERRED,
        person,
        department=previous,
        from_state=from_state,
        reason=reason,
        lead=lead,
        previous_lead=previous,
        co_departments=co,
        **_lapse_extension(matter),
    )
    _tell(matter, [responsible, *handlers_of(lead)], Ask.ACCEPT, person, reason)
    _tell(
        matter,
        [matter.originator],
        Ask.INFO,
        person,
        _("Transferred to %(department)s.") % {"department": lead},
    )
    return matter


@transaction.atomic
def contribute(matter: Matter, person: Person, *, text: str, attachments: Iterable = ()) -> Matter:
    """协办意见: a co-organizer department gives its part."""
    matter = _lock(matter)
    if (
        matter.state in ACTION_STATES[Action.CONTRIBUTE]
        and _co_organizer_for(person, matter) is None
    ):
        given = _part_given(person, matter)
        if given is not None and can_view(person, matter):
            raise WrongState(
                _("%(department)s already gave its part: %(person)s at %(time)s.")
                % {
                    "department": given.department,
                    "person": given.contributed_by.name if given.contributed_by else "",
                    "time": _when(given.contributed_at),
                }
            )
    _require(person, matter, Action.CONTRIBUTE)
    text = _require_text(text, _("Write your department's part."))
    attachments = _check_uploads(attachments)
    co = _co_organizer_for(person, matter)
    co.text = text
    co.contributed_by = person
    co.contributed_at = _now()
    co.save(update_fields=["text", "contributed_by", "contributed_at"])
    event = _event(matter, EventType.CONTRIBUTED, person, department=co.department, text=text)
    _attach_all(matter, person, event, attachments)
    matter.save(update_fields=["updated_at"])
    _tell(
        matter,
        [matter.responsible_person],
        Ask.INFO,
        person,
        _("%(department)s gave its part.") % {"department": co.department},
    )
    return matter


@transaction.atomic
def request_extension(
    matter: Matter, person: Person, *, due: datetime.date, reason: str
) -> ExtensionRequest:
    """延期申请: asked for, not taken."""
    matter = _lock(matter)
    _require(person, matter, Action.REQUEST_EXTENSION)
    if _pending_extension(matter) is not None:
        raise WrongState(_("An extension request is already waiting for a decision."))
    reason = _require_text(reason, _("Say why more time is needed."))
    if not isinstance(due, datetime.date) or (matter.due is not None and due <= matter.due):
        raise InvalidInput(_("The proposed date must be later than the current due date."))
    if due < timezone.localdate():
        raise InvalidInput(_("The due date cannot be in the past."))
    request = ExtensionRequest.objects.create(
        matter=matter, requested_by=person, reason=reason, proposed_due=due, previous_due=matter.due
    )
    _event(
        matter,
        EventType.EXTENSION_REQUESTED,
        person,
        department=matter.lead_department,
        reason=reason,
        proposed_due=due,
        previous_due=matter.due,
    )
    matter.save(update_fields=["updated_at"])
    deciders = [matter.dispatcher]
    if matter.lead_department is not None:
        deciders.append(leader_in_charge(matter.lead_department))
    _tell(matter, deciders, Ask.DECIDE_EXTENSION, person, reason)
    return request


@transaction.atomic
def decide_extension(
    matter: Matter, person: Person, *, approve: bool, reason: str = ""
) -> ExtensionRequest:
    matter = _lock(matter)
    if (
        matter.state in ACTION_STATES[Action.DECIDE_EXTENSION]
        and _pending_extension(matter) is None
        and _may_decide_extension(person, matter)
        and can_view(person, matter)
    ):
        decided = (
            matter.extensions.exclude(state=ExtensionState.PENDING)
            .select_related("decided_by")
            .first()
        )
        if decided is not None and decided.decided_by is not None:
            raise WrongState(
                _(
                    "The extension request was already decided (%(decision)s) by %(person)s at "
                    "%(time)s."
                )
                % {
                    "decision": decided.get_state_display(),
                    "person": decided.decided_by.name,
                    "time": _when(decided.decided_at),
                }
            )
    _require(person, matter, Action.DECIDE_EXTENSION)
    request = matter.extensions.select_for_update().get(state=ExtensionState.PENDING)
    reason = (reason or "").strip()
    if not approve and not reason:
        raise InvalidInput(_("Say why the extension is denied."))
    request.state = ExtensionState.APPROVED if approve else ExtensionState.DENIED
    request.decided_by = person
    request.decided_at = _now()
    request.decision_reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    if approve:
        # The approved date replaces the reply clock: the time granted is the lead's.
        matter.due = request.proposed_due
        if matter.state == State.ACCEPTED:
            matter.reply_due = matter.due_at
            arm_clock(matter, matter.due_at)
    matter.save()
    _event(
        matter,
        EventType.EXTENSION_DECIDED,
        person,
        department=department_of(person),
        reason=reason,
        approved=approve,
        due=matter.due,
    )
    _tell(
        matter,
        [request.requested_by, matter.responsible_person],
        Ask.INFO,
        person,
        _("Extension approved until %(due)s.") % {"due": date_format(matter.due)}
        if approve
        else _("Extension denied: %(reason)s") % {"reason": reason},
    )
    return request


@transaction.atomic
def ask_originator(matter: Matter, person: Person, *, question: str) -> Matter:
    """The lead needs something from the originator to go on: the reply clock stands
    until the originator answers."""
    matter = _lock(matter)
    _require(person, matter, Action.ASK_ORIGINATOR)
    question = _require_text(question, _("Write what you need from the originator."))
    matter.paused_at = _now()
    matter.next_check_at = None
    matter.save()
    _event(
        matter,
        EventType.INFO_REQUESTED,
        person,
        department=matter.lead_department,
        text=question,
        due=matter.next_deadline,
    )
    _tell(matter, [matter.originator], Ask.PROVIDE_INFO, person, question[:200])
    return matter


@transaction.atomic
def give_information(
    matter: Matter, person: Person, *, text: str, attachments: Iterable = ()
) -> Matter:
    """The originator answers; the reply clock runs again with the working time it had
    left when it stopped."""
    matter = _lock(matter)
    _require(person, matter, Action.GIVE_INFORMATION)
    text = _require_text(text, _("Write the information asked for."))
    attachments = _check_uploads(attachments)
    now = _now()
    snapshot = snapshot_for(matter.organization, matter.lead_department)
    paused_minutes = working_minutes_between(snapshot, matter.paused_at, now)
    if matter.next_deadline > matter.paused_at:
        left = working_minutes_between(snapshot, matter.paused_at, matter.next_deadline)
        deadline = add_working_time(snapshot, now, Amount(max(left, 1), Unit.WORKING_MINUTES))
    else:
        deadline = matter.next_deadline  # it was already overdue when the lead asked
    matter.reply_due = deadline
    arm_clock(matter, deadline, now=now)
    matter.save()
    event = _event(
        matter,
        EventType.INFO_GIVEN,
        person,
        department=matter.originator_department,
        text=text,
        paused_working_minutes=paused_minutes,
        due=deadline,
    )
    _attach_all(matter, person, event, attachments)
    _tell(matter, [matter.responsible_person], Ask.REPLY, person, text[:200])
    return matter


@transaction.atomic
def reply(matter: Matter, person: Person, *, text: str, attachments: Iterable = ()) -> Matter:
    """办结回复: the lead says what was done; the originator is asked to confirm."""
    matter = _lock(matter)
    _require(person, matter, Action.REPLY)
    text = _require_text(text, _("Write the reply: what was done."))
    attachments = _check_uploads(attachments)
    limits = settings_for(matter.organization)
    matter._reply()
    matter.replied_at = _now()
    _set_owner(
        matter, matter.originator_department, matter.originator, _hours(limits.confirm_hours)
    )
    matter.save()
    event = _event(
        matter,
        EventType.REPLIED,
        person,
        department=matter.lead_department,
        from_state=State.ACCEPTED,
        text=text,
    )
    _attach_all(matter, person, event, attachments)
    _tell(matter, [matter.originator], Ask.CONFIRM, person, text[:200])
    return matter


@transaction.atomic
def confirm(matter: Matter, person: Person, *, rating: str, comment: str = "") -> Matter:
    """The originator rates the reply: satisfied or basically satisfied closes the matter;
    unsatisfied sends it back to the lead (重办), counted."""
    matter = _lock(matter)
    _require(person, matter, Action.CONFIRM)
    if rating not in Rating.values:
        raise InvalidInput(_("Choose a rating."))
    comment = (comment or "").strip()
    if rating == Rating.UNSATISFIED and not comment:
        raise InvalidInput(_("Say what is still wrong."))
    matter.rating = rating
    matter.rating_comment = comment
    if rating == Rating.UNSATISFIED:
        return _reopen(matter, person, comment, EventType.CONFIRMED, rating=rating)
    matter._close()
    matter.resolution = Resolution.DONE
    matter.closed_at = _now()
    _clear_owner(matter)
    matter.save()
    _event(
        matter,
        EventType.CONFIRMED,
        person,
        department=matter.originator_department,
        from_state=State.REPLIED,
        reason=comment,
        rating=rating,
    )
    _tell(matter, handlers_of(matter.lead_department), Ask.INFO, person, Rating(rating).label)
    return matter


def _reopen(matter: Matter, person: Person, reason: str, type_: str, **data) -> Matter:
    from_state = matter.state
    matter._reopen()
    matter.reopen_count += 1
    matter.closed_at = None
    matter.resolution = ""
    lead = matter.lead_department
    responsible = default_responsible(lead)
    previous_reply = matter.events.filter(type=EventType.REPLIED).select_related("actor").last()
    if previous_reply is not None and previous_reply.actor and works_in(previous_reply.actor, lead):
        responsible = previous_reply.actor
    deadline, reminders = _accept_clock(matter, lead)
    if matter.due_at is not None and matter.due_at > deadline:
        deadline, reminders = matter.due_at, ()
    matter.reply_due = deadline
    _set_owner(matter, lead, responsible, deadline, reminders)
    matter.save()
    _event(
        matter,
        type_,
        person,
        department=department_of(person, [matter.originator_department]),
        from_state=from_state,
        reason=reason,
        **data,
    )
    _tell(matter, [responsible], Ask.REPLY, person, reason)
    return matter


@transaction.atomic
def reopen(matter: Matter, person: Person, *, reason: str) -> Matter:
    matter = _lock(matter)
    _require(person, matter, Action.REOPEN)
    reason = _require_text(reason, _("Say why the matter is reopened."))
    if matter.resolution == Resolution.NOT_A_MATTER or matter.lead_department is None:
        return _reopen_for_dispatch(matter, person, reason)
    return _reopen(matter, person, reason, EventType.REOPENED)


def _reopen_for_dispatch(matter: Matter, person: Person, reason: str) -> Matter:
    """A matter closed as "not a matter" was never handled by a lead (or was returned by
    it): reopened, it waits for the coordinating office to dispatch it."""
    office = coordinating_department(matter.organization)
    responsible = default_responsible(office)
    matter._reopen_for_dispatch()
    matter.reopen_count += 1
    matter.closed_at = None
    matter.resolution = ""
    _set_owner(
        matter, office, responsible, _hours(settings_for(matter.organization).dispatch_hours)
    )
    matter.save()
    _event(
        matter,
        EventType.REOPENED,
        person,
        department=department_of(person, [matter.originator_department]),
        from_state=State.CLOSED,
        reason=reason,
    )
    _tell(matter, [responsible, *_people_in(office)], Ask.DISPATCH, person, reason)
    return matter


def _escalation_target(
    matter: Matter,
    person: Person | None,
    level: int,
    leader_of=leader_in_charge,
    department_of=department_of,
) -> tuple[Department, Person]:
    organization = matter.organization
    if level == EscalationLevel.DEPARTMENT_HEADS:
        department = department_of(person, [matter.lead_department, matter.originator_department])
        if department is None:
            raise InvalidInput(_("There is nobody to escalate to."))
        return department, default_responsible(department)
    if level == EscalationLevel.COORDINATING_OFFICE:
        office = coordinating_department(organization)
        return office, default_responsible(office)
    if level == EscalationLevel.LEADER_IN_CHARGE:
        for department in (matter.lead_department, matter.originator_department):
            leader = leader_of(department) if department is not None else None
            if leader is not None and leader.is_active and department_of(leader) is not None:
                return department_of(leader), leader
        raise InvalidInput(_("No leader in charge is set for these departments."))
    group = leading_group(organization)
    if group is None or group.office_department is None:
        raise InvalidInput(_("The organization has no coordination leading group with an office."))
    chair = (
        group.memberships.filter(role=GroupRole.CHAIR, person__is_active=True)
        .select_related("person")
        .first()
    )
    return group.office_department, chair.person if chair else default_responsible(
        group.office_department
    )


@transaction.atomic
def escalate(matter: Matter, person: Person, *, reason: str) -> Matter:
    """Coordination difficult: one step up the ladder, with a reason. The new level
    decides (re-dispatches), closes it as not a matter, or passes it on."""
    matter = _lock(matter)
    if (
        matter.escalation_level >= EscalationLevel.LEADING_GROUP
        and matter.state in ACTION_STATES[Action.ESCALATE]
        and can_view(person, matter)
    ):
        raise WrongState(
            _("%(number)s is already with the leading group, the top of the ladder.")
            % {"number": matter.number}
        )
    _require(person, matter, Action.ESCALATE)
    reason = _require_text(reason, _("Say why coordination is difficult."))
    level = matter.escalation_level + 1
    department, responsible = _escalation_target(matter, person, level)
    _climb(matter, person, level, department, responsible, reason)
    return matter


class Effects:
    """Where an action's writes and look-ups go. A person's action writes at once; the
    sweep's SweepBatch collects a batch's writes into a few bulk statements and remembers
    look-ups across the batch. The rules (_climb, the clock checks) are the same for both."""

    def save(self, matter: Matter) -> None:
        matter.save()

    def event(self, matter: Matter, type_: str, actor: Person | None, **kwargs) -> None:
        _event(matter, type_, actor, **kwargs)

    def tell(self, matter, people, ask, actor, detail="", *, urgent=False) -> None:
        _tell(matter, people, ask, actor, detail, urgent=urgent)

    def level(self, matter: Matter) -> ServiceLevel:
        return service_level(matter.kind, matter.urgency)

    def clock(self, matter: Matter, step: str, department: Department, start):
        return step_clock(matter.kind, matter.urgency, step, department, start)

    def escalation_hours(self, organization: Organization) -> int:
        return settings_for(organization).escalation_hours

    def heads(self, department: Department | None) -> list[Person]:
        return heads_of(department)

    def handlers(self, department: Department) -> list[Person]:
        return handlers_of(department)

    def target(self, matter: Matter, level: int) -> tuple[Department, Person]:
        return _escalation_target(matter, None, level)

    def lapse_extension(self, matter: Matter) -> dict:
        return _lapse_extension(matter)

    def lookups(self) -> dict:
        """Look-ups a receiver of the matters' signals may keep: none for one action."""
        return {}


IMMEDIATE = Effects()


class SweepBatch(Effects):
    """A batch of due matters handled in one transaction by the sweep."""

    MATTER_FIELDS = [
        "state",
        "escalation_level",
        "owner_department",
        "responsible_person",
        "next_deadline",
        "next_check_at",
        "reminders_due",
        "accept_due",
        "reply_due",
        "updated_at",
    ]

    def __init__(self, now: datetime.datetime, matters: list[Matter], cache: dict | None = None):
        self.now = now
        self.saved: dict[int, Matter] = {}
        self.events: list[MatterEvent] = []
        self.notices: list[dict] = []
        self.lapsed: list[int] = []
        # Look-ups that do not depend on the batch (service levels, calendars, rungs, who
        # heads a department) may be shared by all the batches of one sweep.
        self.cache: dict = {} if cache is None else cache
        _attach_related(matters, self.cache)
        self.pending = {
            x.matter_id: x
            for x in ExtensionRequest.objects.filter(
                matter__in=matters, state=ExtensionState.PENDING
            )
        }
        # Who the batch's rungs may go to, read at once for all its departments.
        departments = {m.lead_department_id for m in matters} | {
            m.owner_department_id for m in matters
        }
        unread = {pk for pk in departments if ("heads", pk) not in self.cache}
        self.cache.update({("heads", pk): [] for pk in unread})
        for position in (
            Position.objects.current()
            .filter(department_id__in=unread, role=PositionRole.HEAD, person__is_active=True)
            .select_related("person")
        ):
            self.cache[("heads", position.department_id)].append(position.person)
        departments |= {m.originator_department_id for m in matters}
        unread = {pk for pk in departments if ("leader", pk) not in self.cache}
        self.cache.update({("leader", pk): None for pk in unread})
        for assignment in (
            LeaderInCharge.objects.current()
            .filter(department_id__in=unread)
            .select_related("leader")
        ):
            self.cache[("leader", assignment.department_id)] = assignment.leader

    def _cached(self, key, compute):
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    def save(self, matter):
        matter.updated_at = self.now
        self.saved[matter.pk] = matter

    def event(self, matter, type_, actor, **kwargs):
        self.events.append(_event_row(matter, type_, actor, **kwargs))

    def tell(self, matter, people, ask, actor, detail="", *, urgent=False):
        # reverse() per matter would cost more than the rest of a reminder: the address
        # of matter 0, read once, with each matter's id in place of the 0.
        prefix = self._cached("url", lambda: _url(Matter(pk=0)).removesuffix("0/"))
        self.notices.append(
            _notice(matter, people, ask, actor, detail, urgent=urgent, url=f"{prefix}{matter.pk}/")
        )

    def level(self, matter):
        return self._cached(
            ("level", matter.kind_id, matter.urgency), lambda: super(SweepBatch, self).level(matter)
        )

    def clock(self, matter, step, department, start):
        level = self.level(matter)
        calendars = self._cached(
            ("calendars", matter.organization_id), lambda: Snapshots(matter.organization)
        )
        snapshot = calendars.for_department(department.pk if department else None)
        within, unit = (
            (level.accept_within, level.accept_unit)
            if step == "accept"
            else (level.reply_within, level.reply_unit)
        )
        return level_clock(snapshot, start, within, unit, level.reminders, level.on_breach)

    def escalation_hours(self, organization):
        return self._cached(
            ("hours", organization.pk),
            lambda: super(SweepBatch, self).escalation_hours(organization),
        )

    def heads(self, department):
        key = ("heads", department.pk if department else None)
        return self._cached(key, lambda: super(SweepBatch, self).heads(department))

    def handlers(self, department):
        return self._cached(
            ("handlers", department.pk), lambda: super(SweepBatch, self).handlers(department)
        )

    def target(self, matter, level):
        # Only the leader in charge depends on the matter's departments.
        if level == EscalationLevel.LEADER_IN_CHARGE:
            key = ("target", level, matter.lead_department_id, matter.originator_department_id)
        else:
            key = ("target", level, matter.organization_id)
        return self._cached(
            key,
            lambda: _escalation_target(
                matter, None, level, leader_of=self._leader_of, department_of=self._department_of
            ),
        )

    def _leader_of(self, department: Department) -> Person | None:
        return self._cached(("leader", department.pk), lambda: leader_in_charge(department))

    def _department_of(self, person: Person) -> Department | None:
        return self._cached(("department of", person.pk), lambda: department_of(person))

    def lookups(self) -> dict:
        return self.cache

    def lapse_extension(self, matter):
        pending = self.pending.pop(matter.pk, None)
        if pending is None:
            return {}
        self.lapsed.append(pending.pk)
        return {"extension_lapsed": pending.proposed_due}

    def flush(self) -> None:
        bulk.update(list(self.saved.values()), self.MATTER_FIELDS)
        bulk.insert(self.events)
        if self.lapsed:
            ExtensionRequest.objects.filter(pk__in=self.lapsed).update(
                state=ExtensionState.LAPSED, decided_at=self.now
            )
        notify_many(self.notices)


def _attach_related(matters: list[Matter], cache: dict) -> None:
    """The objects a batch of matters refers to, read once each (a select_related would
    build a copy per matter); organizations, kinds and departments once per sweep."""

    def shared(model, pks, *related):
        known = cache.setdefault(("objects", model), {})
        missing = set(pks) - known.keys() - {None}
        if missing:
            known.update(model.objects.select_related(*related).in_bulk(missing))
        return known

    organizations = shared(
        Organization, {m.organization_id for m in matters}, "coordinating_department"
    )
    kinds = shared(MatterKind, {m.kind_id for m in matters})
    departments = shared(
        Department,
        {
            pk
            for m in matters
            for pk in (m.lead_department_id, m.owner_department_id, m.originator_department_id)
        },
    )
    people = Person.objects.in_bulk({m.responsible_person_id for m in matters} - {None})
    for matter in matters:
        matter.organization = organizations[matter.organization_id]
        matter.kind = kinds[matter.kind_id]
        matter.lead_department = departments.get(matter.lead_department_id)
        matter.owner_department = departments.get(matter.owner_department_id)
        matter.originator_department = departments[matter.originator_department_id]
        matter.responsible_person = people.get(matter.responsible_person_id)


def _rung_deadline(
    matter: Matter, department: Department, now: datetime.datetime, effects: Effects = IMMEDIATE
):
    """How long a rung of the ladder has to decide: the organization's escalation hours,
    or the kind's time to accept when that is shorter (an emergency cannot wait two days)."""
    hours = now + datetime.timedelta(hours=effects.escalation_hours(matter.organization))
    return min(hours, effects.clock(matter, "accept", department, now).due)


def _climb(
    matter: Matter,
    person: Person | None,
    level: int,
    department: Department,
    responsible: Person,
    reason: str,
    now: datetime.datetime | None = None,
    effects: Effects = IMMEDIATE,
    **data,
) -> None:
    """One or more steps up the ladder to `level` (the sweep's steps have no person)."""
    now = now or _now()
    from_state = matter.state
    matter._escalate()
    matter.escalation_level = level
    _set_owner(
        matter, department, responsible, _rung_deadline(matter, department, now, effects), now=now
    )
    effects.save(matter)
    effects.event(
        matter,
        EventType.ESCALATED,
        person,
        department=(
            department_of(person, [matter.lead_department, matter.originator_department])
            if person is not None
            else None
        ),
        from_state=from_state,
        reason=reason,
        at=now,
        level=level,
        **data,
        **effects.lapse_extension(matter),
    )
    deciders = [responsible]
    if level != EscalationLevel.LEADER_IN_CHARGE:
        deciders += effects.handlers(department)
    effects.tell(matter, deciders, Ask.DECIDE, person, reason, urgent=person is None)
    if level == EscalationLevel.LEADING_GROUP:
        # The leading group decides at its meetings (mechanism 3): the meetings put it on
        # the agenda of the next one.
        signals.reached_leading_group.send(
            sender=Matter, matter=matter, actor=person, cache=effects.lookups()
        )


# The clocks: what the sweep does to a matter whose reminder or deadline has come.

STEP_OF_STATE = {
    State.SUBMITTED: "dispatch",
    State.DISPATCHED: "accept",
    State.ACCEPTED: "reply",
    State.REPLIED: "confirm",
    State.ESCALATED: "decide",
}


@transaction.atomic
def check_clocks(
    pks: Iterable[int], now: datetime.datetime | None = None, cache: dict | None = None
) -> Counter:
    """Remind, or record a missed time limit and climb the ladder, for the matters among
    `pks` whose check time has come, in one transaction. Counts what was done
    ("reminded", "escalated", "breached"). Rows another sweep holds are skipped (it does
    them), and each row is re-checked under its lock, so two sweeps at once, or one run
    twice, never remind or escalate twice."""
    now = now or _now()
    matters = list(
        Matter.objects.select_for_update(skip_locked=True)
        .defer("description", "rating_comment")
        .filter(pk__in=list(pks), next_check_at__lte=now)
        .order_by("pk")
    )
    counts = Counter()
    if not matters:
        return counts
    batch = SweepBatch(now, matters, cache)
    with translation.override(settings.LANGUAGE_CODE):
        for matter in matters:
            if not matter.is_open or matter.paused_at is not None:
                matter.next_check_at = None
                batch.save(matter)
                continue
            if now < matter.next_deadline:
                outcome = _remind(matter, now, batch)
            else:
                outcome = _breach(matter, now, batch)
            if outcome:
                counts[outcome] += 1
        batch.flush()
    return counts


def _remind(matter: Matter, now: datetime.datetime, effects: Effects) -> str | None:
    reminders = [datetime.datetime.fromisoformat(r) for r in matter.reminders_due]
    passed = [r for r in reminders if r <= now]
    upcoming = [r for r in reminders if r > now]
    matter.reminders_due = [r.isoformat() for r in upcoming]
    matter.next_check_at = min([*upcoming, matter.next_deadline])
    effects.save(matter)
    if not passed:
        return None
    step = STEP_OF_STATE[matter.state]
    effects.event(matter, EventType.REMINDED, None, at=now, step=step, due=matter.next_deadline)
    effects.tell(
        matter,
        [matter.responsible_person],
        Ask.REMINDER,
        None,
        _("Due %(time)s.") % {"time": _when(matter.next_deadline)},
        urgent=matter.urgency == Urgency.EMERGENCY,
    )
    return "reminded"


BREACH_REASONS = {
    "accept": gettext_lazy("Not accepted in time."),
    "reply": gettext_lazy("No reply in time."),
    "decide": gettext_lazy("No decision in time at this level."),
}


def _breach(matter: Matter, now: datetime.datetime, effects: Effects) -> str:
    step = STEP_OF_STATE[matter.state]
    due = matter.next_deadline
    matter.reminders_due = []
    matter.next_check_at = None
    effects.save(matter)
    effects.event(
        matter, EventType.BREACHED, None, at=now, step=step, due=due, holder=matter.owner_department
    )
    escalates = step in BREACH_REASONS and effects.level(matter).on_breach == BreachAction.ESCALATE
    if escalates and _climb_on_breach(matter, step, now, effects):
        return "escalated"
    holder = matter.owner_department
    effects.tell(
        matter,
        [matter.responsible_person, *effects.heads(holder)],
        Ask.OVERDUE,
        None,
        _("The time limit (%(time)s) was missed.") % {"time": _when(due)},
        urgent=True,
    )
    return "breached"


def _climb_on_breach(matter: Matter, step: str, now: datetime.datetime, effects: Effects) -> bool:
    """The escalation ladder on its own: not accepted → the lead department's head;
    not accepted by the head either, or no reply → the coordinating office; no decision
    at a rung → the next rung, up to the leading group. False at the top, or when the
    organization lacks the next rung (then the holder and their head are told)."""
    reason = str(BREACH_REASONS[step])
    if step == "accept" and matter.escalation_level < EscalationLevel.DEPARTMENT_HEADS:
        heads = effects.heads(matter.lead_department)
        head = heads[0] if heads else default_responsible(matter.lead_department)
        matter.escalation_level = EscalationLevel.DEPARTMENT_HEADS
        matter.responsible_person = head
        fresh = effects.clock(matter, "accept", matter.lead_department, now)
        matter.accept_due = fresh.due
        arm_clock(matter, fresh.due, fresh.reminders, now)
        effects.save(matter)
        effects.event(
            matter,
            EventType.ESCALATED,
            None,
            at=now,
            reason=reason,
            level=EscalationLevel.DEPARTMENT_HEADS,
            automatic=True,
            responsible=head,
        )
        effects.tell(matter, [head], Ask.ACCEPT, None, reason, urgent=True)
        return True
    level = max(matter.escalation_level + 1, EscalationLevel.COORDINATING_OFFICE)
    while level <= EscalationLevel.LEADING_GROUP:
        try:
            department, responsible = effects.target(matter, level)
        except InvalidInput:
            level += 1  # e.g. no leader in charge is set: the next rung decides
            continue
        _climb(matter, None, level, department, responsible, reason, now, effects, automatic=True)
        return True
    return False


@transaction.atomic
def withdraw(matter: Matter, person: Person, *, reason: str) -> Matter:
    """The originator takes the matter back before it is accepted."""
    matter = _lock(matter)
    _require(person, matter, Action.WITHDRAW)
    reason = _require_text(reason, _("Say why the matter is withdrawn."))
    holder = matter.responsible_person
    from_state = matter.state
    matter._withdraw()
    matter.closed_at = _now()
    _clear_owner(matter)
    matter.save()
    _event(
        matter,
        EventType.WITHDRAWN,
        person,
        department=matter.originator_department,
        from_state=from_state,
        reason=reason,
    )
    _tell(matter, [holder], Ask.INFO, person, reason)
    return matter


@transaction.atomic
def close_as_not_a_matter(matter: Matter, person: Person, *, reason: str) -> Matter:
    matter = _lock(matter)
    _require(person, matter, Action.CLOSE)
    reason = _require_text(reason, _("Say why this is not a matter to handle."))
    from_state = matter.state
    matter._close_as_not_a_matter()
    matter.resolution = Resolution.NOT_A_MATTER
    matter.closed_at = _now()
    _clear_owner(matter)
    matter.save()
    _event(
        matter,
        EventType.CLOSED,
        person,
        department=department_of(person),
        from_state=from_state,
        reason=reason,
    )
    _tell(matter, [matter.originator], Ask.INFO, person, reason)
    return matter


MENTION = re.compile(r"@([^\s@，。,.;；:：!！?？]+)")


def mentioned(organization: Organization, text: str) -> tuple[list[Person], list[Department]]:
    """People (by name or employee number) and departments (by name or short name)
    mentioned as @name in a text.

    Chinese puts no space after a name ("@信息科请今天处理"), so each mention is the
    longest known name the text after the @ starts with."""
    tokens = set(MENTION.findall(text or ""))
    if not tokens:
        return [], []
    prefixes = {token[:length] for token in tokens for length in range(1, min(len(token), 100) + 1)}
    people = list(
        Person.objects.filter(organization=organization, is_active=True).filter(
            Q(name__in=prefixes) | Q(employee_number__in=prefixes)
        )
    )
    departments = list(
        Department.objects.filter(organization=organization, is_active=True).filter(
            Q(name__in=prefixes) | Q(short_name__in=prefixes)
        )
    )
    keys = [(p, {p.name, p.employee_number}) for p in people] + [
        (d, {d.name, d.short_name} - {""}) for d in departments
    ]
    chosen: dict[tuple[type, int], Person | Department] = {}
    for token in tokens:
        matches = [
            (max(len(k) for k in names if token.startswith(k)), item)
            for item, names in keys
            if any(token.startswith(k) for k in names)
        ]
        if matches:
            longest = max(length for length, _item in matches)
            for length, item in matches:
                if length == longest:
                    chosen[(type(item), item.pk)] = item
    return (
        [item for item in chosen.values() if isinstance(item, Person)],
        [item for item in chosen.values() if isinstance(item, Department)],
    )


@transaction.atomic
def comment(
    matter: Matter, person: Person, *, text: str, internal: bool = False, attachments: Iterable = ()
) -> MatterEvent:
    """A comment on the timeline; @mentions notify. Internal notes are seen only by the
    departments handling the matter."""
    matter = _lock(matter)
    _require(person, matter, Action.COMMENT)
    text = _require_text(text, _("Write something first."))
    if internal and not is_handling(person, matter):
        raise NotAllowed(_("Only the departments handling the matter can write internal notes."))
    attachments = _check_uploads(attachments)
    event = _event(
        matter,
        EventType.COMMENTED,
        person,
        department=department_of(person, [matter.lead_department, matter.originator_department]),
        text=text,
        internal=internal,
    )
    _attach_all(matter, person, event, attachments)
    matter.save(update_fields=["updated_at"])
    people, departments = mentioned(matter.organization, text)
    recipients = people + [p for d in departments for p in handlers_of(d)]
    if internal:
        recipients = [p for p in recipients if is_handling(p, matter)]
    recipients = [p for p in recipients if can_view(p, matter)]
    _tell(matter, recipients, Ask.MENTION, person, text[:200])
    return event


# Links between matters.


def _parents(matter_id: int) -> set[int]:
    """The matters this one is part of, all the way up."""
    seen: set[int] = set()
    frontier = {matter_id}
    while frontier:
        frontier = (
            set(
                MatterLink.objects.filter(
                    source_id__in=frontier, kind=LinkKind.CHILD_OF
                ).values_list("target_id", flat=True)
            )
            - seen
        )
        seen |= frontier
    return seen


@transaction.atomic
def link(matter: Matter, person: Person, *, target_number: str, kind: str) -> MatterLink:
    """Link a matter to another one the person sees, by its number: a duplicate of it,
    related to it, or part of it. Both timelines record the link."""
    matter = _lock(matter)
    _require(person, matter, Action.LINK)
    if kind not in LinkKind.values:
        raise InvalidInput(_("Unknown kind of link."))
    number = (target_number or "").strip().upper()
    if not number:
        raise InvalidInput(_("Enter the number of the matter to link to."))
    target = Matter.objects.filter(organization_id=matter.organization_id, number=number).first()
    if target is None or not can_view(person, target):
        raise InvalidInput(
            _("There is no matter %(number)s that you can see.") % {"number": number}
        )
    if target.pk == matter.pk:
        raise InvalidInput(_("A matter cannot be linked to itself."))
    pair = Q(source=matter, target=target) | Q(source=target, target=matter)
    if MatterLink.objects.filter(pair).exists():
        raise InvalidInput(
            _("%(number)s and %(other)s are already linked.")
            % {"number": matter.number, "other": target.number}
        )
    if kind == LinkKind.CHILD_OF and matter.pk in _parents(target.pk):
        raise InvalidInput(
            _("%(other)s is already part of %(number)s.")
            % {"number": matter.number, "other": target.number}
        )
    created = MatterLink.objects.create(source=matter, target=target, kind=kind, created_by=person)
    department = department_of(person)
    _event(matter, EventType.LINKED, person, department=department, kind=kind, target=target.number)
    _event(target, EventType.LINKED, person, department=department, kind=kind, source=matter.number)
    return created


@transaction.atomic
def unlink(matter: Matter, person: Person, *, target_number: str) -> None:
    """Remove the link between this matter and another one (in either direction)."""
    matter = _lock(matter)
    _require(person, matter, Action.LINK)
    number = (target_number or "").strip().upper()
    found = (
        MatterLink.objects.filter(
            Q(source=matter, target__number=number) | Q(target=matter, source__number=number)
        )
        .select_related("source", "target")
        .first()
    )
    if found is None:
        raise InvalidInput(
            _("%(number)s is not linked to %(other)s.")
            % {"number": matter.number, "other": number or "—"}
        )
    other = found.target if found.source_id == matter.pk else found.source
    kind = found.kind
    found.delete()
    department = department_of(person)
    _event(matter, EventType.UNLINKED, person, department=department, kind=kind, other=other.number)
    _event(other, EventType.UNLINKED, person, department=department, kind=kind, other=matter.number)


def _with_originator(matter: Matter) -> bool:
    """The matter waits on the originator's side (a reply to confirm, or a return to the
    originator who dispatched it directly): holding it then does not make them handlers."""
    return matter.owner_department_id == matter.originator_department_id and matter.state in (
        State.SUBMITTED,
        State.REPLIED,
    )


def handling_department_ids(matter: Matter) -> set[int]:
    ids = {matter.lead_department_id}
    if not _with_originator(matter):
        ids.add(matter.owner_department_id)
    ids |= set(matter.co_organizers.values_list("department_id", flat=True))
    if matter.organization.coordinating_department_id:
        ids.add(matter.organization.coordinating_department_id)
    ids.discard(None)
    return ids


def is_handling(person: Person, matter: Matter) -> bool:
    """Lead, co-organizers, the current owner and the coordinating office handle it (the
    originator's side does not, even while a reply waits for its confirmation)."""
    return (matter.responsible_person_id == person.pk and not _with_originator(matter)) or bool(
        department_ids_of(person) & handling_department_ids(matter)
    )


# Attachments.

ALLOWED_EXTENSIONS = {
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "csv",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "rar",
    "7z",
    "ofd",
    "wps",
    "et",
    "dps",
    "mp4",
    "mp3",
    "wav",
}


def checked_upload_name(upload) -> str:
    """The upload's file name (path parts dropped), refused unless its type is allowed and
    its size within the limit."""
    from django.conf import settings

    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise InvalidInput(_("The file has no name."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise InvalidInput(
            _("Files of type .%(extension)s cannot be attached.") % {"extension": extension or "?"}
        )
    if upload.size > settings.MATTER_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("%(name)s is too large: at most %(size)d MB.")
            % {"name": name, "size": settings.MATTER_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    return name


def attach(
    matter: Matter, person: Person, upload, *, event: MatterEvent | None = None
) -> Attachment:
    """Store one uploaded file on the matter (within the caller's transaction)."""
    name = checked_upload_name(upload)
    attachment = Attachment(
        matter=matter,
        event=event,
        original_name=name[:255],
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=person,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def _check_uploads(uploads: Iterable) -> list:
    """Every file checked before any is stored: a refused batch leaves no stray files."""
    uploads = list(uploads or ())
    for upload in uploads:
        checked_upload_name(upload)
    return uploads


def _attach_all(matter: Matter, person: Person, event: MatterEvent, uploads: list) -> None:
    for upload in uploads:
        attach(matter, person, upload, event=event)


@transaction.atomic
def add_attachments(
    matter: Matter, person: Person, uploads: Iterable, *, text: str = ""
) -> MatterEvent:
    """Attach files on their own, as a timeline event."""
    matter = _lock(matter)
    _require(person, matter, Action.COMMENT)
    uploads = _check_uploads(uploads)
    if not uploads:
        raise InvalidInput(_("Choose a file to attach."))
    event = _event(
        matter,
        EventType.ATTACHED,
        person,
        department=department_of(person, [matter.lead_department, matter.originator_department]),
        text=(text or "").strip(),
    )
    _attach_all(matter, person, event, uploads)
    matter.save(update_fields=["updated_at"])
    return event


# Housekeeping.


def archive_closed_matters(organization: Organization, now: datetime.datetime | None = None) -> int:
    """Closed and withdrawn matters older than the organization's archive period become
    archived (a system event, no actor). Returns how many."""
    now = now or _now()
    limits = settings_for(organization)
    cutoff = now - datetime.timedelta(days=limits.archive_after_days)
    count = 0
    for pk in Matter.objects.filter(
        organization=organization, state__in=[State.CLOSED, State.WITHDRAWN], closed_at__lt=cutoff
    ).values_list("pk", flat=True):
        with transaction.atomic():
            matter = Matter.objects.select_for_update().get(pk=pk)
            if matter.state not in (State.CLOSED, State.WITHDRAWN):
                continue
            from_state = matter.state
            matter._archive()
            matter.save()
            _event(matter, EventType.ARCHIVED, None, from_state=from_state)
            count += 1
    return count


def check_invariant(matter: Matter) -> None:
    """An open matter has exactly one owning department, one responsible person who works
    there (or leads it: the leader in charge at level 3, the leading group's chair at
    level 4), and one next deadline; a matter that is not open has none of them. Raises
    AssertionError otherwise."""
    if matter.state in OPEN_STATES:
        assert matter.owner_department_id is not None, "no owning department"
        assert matter.responsible_person_id is not None, "no responsible person"
        assert matter.next_deadline is not None, "no next deadline"
        person = matter.responsible_person
        assert works_in(person, matter.owner_department) or _leads_escalation(person, matter), (
            f"{person} does not work in {matter.owner_department}"
        )
    else:
        assert matter.owner_department_id is None, "an owner without an open matter"
        assert matter.responsible_person_id is None, "a responsible person without an open matter"
        assert matter.next_deadline is None, "a deadline without an open matter"


def _leads_escalation(person: Person, matter: Matter) -> bool:
    if matter.escalation_level == EscalationLevel.LEADER_IN_CHARGE:
        return any(
            department is not None and leader_in_charge(department) == person
            for department in (matter.lead_department, matter.originator_department)
        )
    if matter.escalation_level == EscalationLevel.LEADING_GROUP:
        group = leading_group(matter.organization)
        return group is not None and group.memberships.filter(person=person).exists()
    return False

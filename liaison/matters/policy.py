"""Who may do what with a matter: the state table (ACTION_STATES) and the predicates that
services, views, the API and templates all ask. Nothing else decides; which matters a
person sees at all is decided once in selectors.py."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.core.errors import NotAllowed, WrongState
from liaison.core.plain import when_text
from liaison.inbox.models import Ask
from liaison.org.models import Person
from liaison.org.roles import (
    department_ids_of,
    handles,
    in_coordinating_office,
    in_leading_group,
    in_supervision_office,
    is_leader,
    leader_in_charge,
    leading_group,
)

from .models import (
    CoOrganizer,
    EscalationLevel,
    ExtensionRequest,
    ExtensionState,
    Matter,
    MatterEvent,
    MatterKind,
    RaisedBy,
    State,
)
from .selectors import visible_matters


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
        CONTRIBUTE: gettext_lazy("Give the co-organizer's opinion"),
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


# Raising a matter.


def _raises_office_kinds(person: Person) -> bool:
    return in_coordinating_office(person) or in_supervision_office(person) or is_leader(person)


def may_raise(person: Person, kind: MatterKind) -> bool:
    """Anyone raises the everyday kinds; the kinds that put a department under pressure
    (supervision, rectification, task deployment) only the two offices and leaders."""
    return kind.raised_by == RaisedBy.ANYONE or _raises_office_kinds(person)


def raisable_kinds(person: Person) -> QuerySet:
    """The active kinds of the person's organization they may raise, for forms and lists."""
    kinds = MatterKind.objects.filter(organization_id=person.organization_id, is_active=True)
    return kinds if _raises_office_kinds(person) else kinds.filter(raised_by=RaisedBy.ANYONE)


def require_raise(person: Person, kind: MatterKind) -> None:
    if not may_raise(person, kind):
        raise NotAllowed(
            _(
                "%(kind)s: only the coordinating office, the supervision office and leaders "
                "may raise this kind of matter."
            )
            % {"kind": kind.name}
        )


# Acting on a matter.


def can_view(person: Person | None, matter: Matter) -> bool:
    if person is None or person.organization_id != matter.organization_id:
        return False
    if matter.originator_id == person.pk or (
        matter.responsible_person_id == person.pk and matter.responsible_person_id is not None
    ):
        return True  # as visible_matters has it, without reading positions
    return visible_matters(person).filter(pk=matter.pk).exists()


def is_lead_handler(person: Person, matter: Matter) -> bool:
    return matter.lead_department is not None and (
        handles(person, matter.lead_department)
        or (
            matter.responsible_person_id == person.pk
            and matter.owner_department_id == matter.lead_department_id
        )
    )


def may_dispatch(person: Person, matter: Matter) -> bool:
    if in_coordinating_office(person):
        return True  # the coordinating office can always (re-)dispatch
    if matter.state == State.SUBMITTED:
        if matter.responsible_person_id == person.pk:
            return True
        # Direct coordination: the originator sends it to the department they need.
        return matter.originator_id == person.pk or handles(person, matter.owner_department)
    if matter.state == State.ESCALATED:
        return holds_escalation(person, matter)
    return False


def holds_escalation(person: Person, matter: Matter) -> bool:
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


def pending_extension(matter: Matter) -> ExtensionRequest | None:
    return matter.extensions.filter(state=ExtensionState.PENDING).first()


def may_decide_extension(person: Person, matter: Matter) -> bool:
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


def co_organizer_for(person: Person, matter: Matter) -> CoOrganizer | None:
    for co in matter.co_organizers.select_related("department"):
        if co.contributed_at is None and handles(person, co.department):
            return co
    return None


def part_given(person: Person, matter: Matter) -> CoOrganizer | None:
    """A co-organizer part this person's department has already given."""
    for co in matter.co_organizers.select_related("department", "contributed_by"):
        if co.contributed_at is not None and handles(person, co.department):
            return co
    return None


def may(person: Person, matter: Matter, action: str) -> bool:
    """The person's right to take an action, the state aside."""
    is_originator = matter.originator_id == person.pk
    if action == Action.SUBMIT:
        return is_originator
    if action == Action.DISPATCH:
        return may_dispatch(person, matter)
    if action in (Action.ACCEPT, Action.RETURN, Action.REPLY, Action.REQUEST_EXTENSION):
        return is_lead_handler(person, matter)
    if action == Action.TRANSFER:
        return is_lead_handler(person, matter) or in_coordinating_office(person)
    if action == Action.CONTRIBUTE:
        return co_organizer_for(person, matter) is not None
    if action == Action.DECIDE_EXTENSION:
        pending = pending_extension(matter)
        return (
            pending is not None
            and pending.requested_by_id != person.pk
            and may_decide_extension(person, matter)
        )
    if action == Action.CONFIRM:
        return is_originator or handles(person, matter.originator_department)
    if action == Action.ASK_ORIGINATOR:
        return matter.paused_at is None and is_lead_handler(person, matter)
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
            return holds_escalation(person, matter)
        return (
            is_originator
            or is_lead_handler(person, matter)
            or (matter.state == State.SUBMITTED and may_dispatch(person, matter))
        )
    if action == Action.WITHDRAW:
        return is_originator
    if action == Action.CLOSE:
        return may_dispatch(person, matter)
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
        if matter.state in states and (action == Action.COMMENT or may(person, matter, action))
    ]
    if Action.REQUEST_EXTENSION in actions and pending_extension(matter) is not None:
        actions.remove(Action.REQUEST_EXTENSION)  # one waits for a decision already
    return actions


def _last_change(matter: Matter) -> MatterEvent | None:
    return matter.events.exclude(to_state="").select_related("actor").order_by("-at", "-pk").first()


def require(person: Person, matter: Matter, action: str) -> None:
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
                    "time": when_text(last.at),
                }
            )
        raise WrongState(
            _("%(number)s is %(state)s; this action is not possible now.")
            % {"number": matter.number, "state": matter.get_state_display()}
        )
    if not may(person, matter, action):
        raise NotAllowed(_("You may not do this on %(number)s.") % {"number": matter.number})


def with_originator(matter: Matter) -> bool:
    """The matter waits on the originator's side (a reply to confirm, or a return to the
    originator who dispatched it directly): holding it then does not make them handlers."""
    return matter.owner_department_id == matter.originator_department_id and matter.state in (
        State.SUBMITTED,
        State.REPLIED,
    )


def handling_department_ids(matter: Matter) -> set[int]:
    ids = {matter.lead_department_id}
    if not with_originator(matter):
        ids.add(matter.owner_department_id)
    ids |= set(matter.co_organizers.values_list("department_id", flat=True))
    if matter.organization.coordinating_department_id:
        ids.add(matter.organization.coordinating_department_id)
    ids.discard(None)
    return ids


def is_handling(person: Person, matter: Matter) -> bool:
    """Lead, co-organizers, the current owner and the coordinating office handle it (the
    originator's side does not, even while a reply waits for its confirmation)."""
    return (matter.responsible_person_id == person.pk and not with_originator(matter)) or bool(
        department_ids_of(person) & handling_department_ids(matter)
    )


def leads_escalation(person: Person, matter: Matter) -> bool:
    if matter.escalation_level == EscalationLevel.LEADER_IN_CHARGE:
        return any(
            department is not None and leader_in_charge(department) == person
            for department in (matter.lead_department, matter.originator_department)
        )
    if matter.escalation_level == EscalationLevel.LEADING_GROUP:
        group = leading_group(matter.organization)
        return group is not None and group.memberships.filter(person=person).exists()
    return False


def _holds_escalation_cheaply(matter, person, reach) -> bool:
    """holds_escalation from the person's reach, without a query: the rung holds it (the
    leading group, which climb makes the owner's office too; the coordinating office; the
    owner department's heads) and its responsible person, never the department of a
    leader in charge nor anyone else who merely handles the owner."""
    if matter.responsible_person_id == person.pk:
        return True
    level = matter.escalation_level
    if level == EscalationLevel.LEADING_GROUP:
        return reach.in_leading_group or matter.owner_department_id in reach.departments
    if level == EscalationLevel.COORDINATING_OFFICE:
        office_id = person.organization.coordinating_department_id
        return office_id is not None and office_id in reach.departments
    if level == EscalationLevel.LEADER_IN_CHARGE:
        return False
    return matter.owner_department_id in reach.handled


def asks_of(matter, person, reach, *, part_missing: bool, extension_pending: bool) -> list:
    """What the to-do asks of this person on this matter, from its state and their place
    (selectors.reach_of): the rules above, read cheaply for a whole page of rows."""
    asks = []
    office_id = person.organization.coordinating_department_id
    if matter.state == State.ESCALATED:
        mine = _holds_escalation_cheaply(matter, person, reach)
    else:
        mine = (
            matter.responsible_person_id == person.pk
            or matter.owner_department_id in reach.handled
            or (
                office_id is not None
                and matter.owner_department_id == office_id
                and office_id in reach.departments
            )
        )
    if mine:
        ask = {
            State.SUBMITTED: Ask.DISPATCH,
            State.DISPATCHED: Ask.ACCEPT,
            State.ACCEPTED: Ask.REPLY,
            State.REPLIED: Ask.CONFIRM,
            State.ESCALATED: Ask.DECIDE,
        }.get(matter.state)
        if ask:
            asks.append(ask)
    if part_missing and matter.state in (State.DISPATCHED, State.ACCEPTED):
        asks.append(Ask.CONTRIBUTE)
    if extension_pending and (
        matter.dispatcher_id == person.pk or matter.lead_department_id in reach.overseen
    ):
        asks.append(Ask.DECIDE_EXTENSION)
    return asks


#: The decisions a rung of the ladder takes on an escalated matter, as the matter page
#: offers them (each opens its form there).
DECISIONS = (Action.DISPATCH, Action.ESCALATE, Action.CLOSE)


def decisions_of(matter) -> list[tuple[str, str]]:
    """The decisions offered to whoever holds an escalated matter (asks_of's DECIDE): re-
    dispatch, pass it up (not from the top of the ladder) or close it as not a matter."""
    return [
        (action, Action.LABELS[action])
        for action in DECISIONS
        if action != Action.ESCALATE or matter.escalation_level < EscalationLevel.LEADING_GROUP
    ]


def may_change_view(person: Person, view) -> bool:
    """A saved view of the to-do is its owner's alone."""
    return view.person_id == person.pk

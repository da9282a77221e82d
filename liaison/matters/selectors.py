"""Reads of matters: the one place that decides who sees what, and the lists people work
from (my to-do, my raised matters, my department's queue, all matters)."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import OrderBy
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.org.models import GroupMembership, LeaderInCharge, Person, Position
from liaison.org.roles import HANDLER_ROLES

from . import search as search_index
from . import worklist
from .models import (
    LINK_INVERSE_LABELS,
    OPEN_STATES,
    CoOrganizer,
    EscalationLevel,
    ExtensionRequest,
    ExtensionState,
    LinkKind,
    Matter,
    State,
)


@dataclass(frozen=True)
class Reach:
    """What a person's positions give them, read once per request."""

    person: Person
    departments: frozenset[int]
    handled: frozenset[int]  # departments they act for (head, deputy, liaison)
    overseen: frozenset[int]  # departments they are leader in charge of
    sees_all: bool  # coordinating office, supervision office, leading group
    in_leading_group: bool = False  # decides matters escalated to the top of the ladder


def reach_of(person: Person) -> Reach:
    positions = list(
        Position.objects.current().filter(person=person).values_list("department_id", "role")
    )
    departments = frozenset(d for d, _role in positions)
    organization = person.organization
    office_ids = {organization.coordinating_department_id, organization.supervision_department_id}
    office_ids.discard(None)
    in_group = GroupMembership.objects.filter(
        person=person, group__is_leading_group=True, group__is_active=True
    ).exists()
    return Reach(
        person=person,
        departments=departments,
        handled=frozenset(d for d, role in positions if role in HANDLER_ROLES),
        overseen=frozenset(
            LeaderInCharge.objects.current()
            .filter(leader=person)
            .values_list("department_id", flat=True)
        ),
        sees_all=bool(departments & office_ids) or in_group,
        in_leading_group=in_group,
    )


def sees_all_matters(person: Person, reach: Reach | None = None) -> bool:
    """Whether visible_matters gives the person every matter of their organization (but
    others' drafts): a read of what only exists for submitted matters (supervisions,
    events) may then filter by the organization instead of by the matters seen."""
    return (reach or reach_of(person)).sees_all


def _department_q(ids) -> Q:
    ids = list(ids)
    return (
        Q(originator_department_id__in=ids)
        | Q(lead_department_id__in=ids)
        | Q(owner_department_id__in=ids)
        | Exists(CoOrganizer.objects.filter(matter=OuterRef("pk"), department_id__in=ids))
    )


def visible_matters(person: Person, reach: Reach | None = None) -> QuerySet[Matter]:
    """Originator, lead, co-organizers and their leaders in charge, the coordinating and
    supervision offices and the leading group see a matter, and so do the person it waits
    on and whoever dispatched it; nobody else does. Drafts are the originator's own."""
    reach = reach or reach_of(person)
    matters = Matter.objects.filter(organization_id=person.organization_id)
    if reach.sees_all:
        return matters.filter(~Q(state=State.DRAFT) | Q(originator=person))
    # Whoever dispatched it last gets returns and decides extensions: they keep sight of it
    # (a leader in charge may dispatch an escalated matter outside their own charge).
    condition = Q(originator=person) | Q(responsible_person=person) | Q(dispatcher=person)
    departments = reach.departments | reach.overseen
    if departments:
        condition |= _department_q(departments) & ~Q(state=State.DRAFT)
    return matters.filter(condition)


@dataclass(frozen=True)
class LinkedMatter:
    kind: str
    direction: str  # outgoing: this matter is `kind` the other; incoming: the reverse
    matter: Matter

    @property
    def label(self) -> str:
        if self.direction == "outgoing":
            return LinkKind(self.kind).label
        return LINK_INVERSE_LABELS[self.kind]


def links_of(matter: Matter, person: Person) -> list[LinkedMatter]:
    """The matters linked to this one that the person sees."""
    found = [
        LinkedMatter(link.kind, "outgoing", link.target)
        for link in matter.links.select_related("target")
    ]
    found += [
        LinkedMatter(link.kind, "incoming", link.source)
        for link in matter.backlinks.select_related("source")
    ]
    visible = set(
        visible_matters(person)
        .filter(pk__in=[linked.matter.pk for linked in found])
        .values_list("pk", flat=True)
    )
    return [linked for linked in found if linked.matter.pk in visible]


def matter_for(person: Person | None, pk) -> Matter:
    """A matter the person may see, or 404 (never 403: its existence is not disclosed)."""
    if person is None:
        raise Http404
    try:
        return visible_matters(person).select_related(*LIST_RELATED, "organization").get(pk=pk)
    except (Matter.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


#: Joined into lists. Not the organization: a list never shows it, and on PostgreSQL a
#: ninth relation (with the to-do's id subquery) exceeds join_collapse_limit (8), after
#: which the planner joins every matter before filtering.
LIST_RELATED = (
    "kind",
    "originator",
    "originator_department",
    "lead_department",
    "owner_department",
    "responsible_person",
)


def todo(person: Person, reach: Reach | None = None) -> QuerySet[Matter]:
    """Everything waiting on me or the departments I act for: matters I am responsible
    for or whose owner I handle, co-organizer parts still missing from my departments,
    extension requests waiting for my decision (as dispatcher or leader in charge of the
    lead), everything waiting at the coordinating office for its members, and matters
    escalated to the leading group for its members.

    Each of these is its own index lookup and the matters are the union of their ids:
    one OR over the whole table would scan every matter of the organization."""
    reach = reach or reach_of(person)
    open_states = [s.value for s in OPEN_STATES]
    open_matters = Matter.objects.filter(state__in=open_states).order_by()
    parts = [open_matters.filter(responsible_person=person).values("pk")]
    office_id = person.organization.coordinating_department_id
    if office_id is not None and office_id in reach.departments:
        # Anyone in the coordinating office may dispatch what waits there.
        parts.append(open_matters.filter(owner_department_id=office_id).values("pk"))
    if reach.in_leading_group:
        parts.append(
            Matter.objects.filter(
                organization_id=person.organization_id,
                state=State.ESCALATED,
                escalation_level=EscalationLevel.LEADING_GROUP,
            )
            .order_by()
            .values("pk")
        )
    if reach.handled:
        handled = list(reach.handled)
        # A leader in charge decides alone what reached them: their department's heads
        # only hold it (policy.holds_escalation).
        parts.append(
            open_matters.filter(owner_department_id__in=handled)
            .exclude(state=State.ESCALATED, escalation_level=EscalationLevel.LEADER_IN_CHARGE)
            .values("pk")
        )
        parts.append(
            CoOrganizer.objects.filter(
                department_id__in=handled,
                contributed_at__isnull=True,
                matter__state__in=[State.DISPATCHED, State.ACCEPTED],
            )
            .order_by()
            .values("matter_id")
        )
    deciders = Q(matter__dispatcher=person)
    if reach.overseen:
        deciders |= Q(matter__lead_department_id__in=list(reach.overseen))
    parts.append(
        ExtensionRequest.objects.filter(
            deciders,
            state=ExtensionState.PENDING,
            matter__state__in=[State.DISPATCHED, State.ACCEPTED, State.REPLIED],
        )
        .exclude(requested_by=person)
        .order_by()
        .values("matter_id")
    )
    # What other areas (supervision's reviews) say waits on the person.
    for source in worklist.sources().values():
        extra = source.matter_ids(person, reach)
        if extra is not None:
            parts.append(extra.order_by())
    # Every part is of the person's organization already (its people, departments and
    # leading group): filtering on it again only tempts SQLite to walk the whole
    # organization in deadline order.
    return (
        Matter.objects.filter(pk__in=parts[0].union(*parts[1:]))
        .select_related(*LIST_RELATED)
        .order_by("next_deadline", "pk")
    )


def waiting_elsewhere(person: Person, reach: Reach, ids: list[int]) -> dict[int, list[str]]:
    """Of these matters, those other areas have waiting on the person (worklist sources),
    with what each asks."""
    asks: dict[int, list[str]] = {}
    for source in worklist.sources().values():
        waiting = source.matter_ids(person, reach)
        if waiting is None or not ids:
            continue
        found = Matter.objects.filter(pk__in=ids).filter(pk__in=waiting.order_by())
        for pk in found.values_list("pk", flat=True):
            asks.setdefault(pk, []).append(source.ask)
    return asks


#: The to-do's sorts (the `sort` query parameter; a leading "-" reverses one), each
#: ending on the primary key so that pages never shift.
SORTS = {
    "deadline": (F("next_deadline").asc(nulls_last=True), "pk"),
    "age": ("created_at", "pk"),
    "urgency": (
        Case(
            When(urgency="emergency", then=Value(0)),
            When(urgency="urgent", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        F("next_deadline").asc(nulls_last=True),
        "pk",
    ),
    "department": (F("lead_department__name_pinyin").asc(nulls_last=True), "next_deadline", "pk"),
}


def sorted_matters(matters: QuerySet[Matter], sort: str) -> tuple[QuerySet[Matter], str]:
    """The matters in the order asked for (an unknown sort keeps theirs), and the sort
    applied ("" for none)."""
    key = sort.removeprefix("-")
    if key not in SORTS:
        return matters, ""
    order = SORTS[key]
    if sort.startswith("-"):
        order = [_reversed(term) for term in order]
    return matters.order_by(*order), sort


def _reversed(term):
    if isinstance(term, str):
        return term[1:] if term.startswith("-") else f"-{term}"
    if isinstance(term, OrderBy):
        return term.copy().reverse_ordering()
    return term.desc()


def matters_in_order(ids: list[int]) -> list[Matter]:
    """The matters of a page of ids, in that order, with what a list shows of them."""
    found = Matter.objects.select_related(*LIST_RELATED).defer("description").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def raised_by(person: Person) -> QuerySet[Matter]:
    return (
        Matter.objects.filter(originator=person)
        .select_related(*LIST_RELATED)
        .order_by("-created_at", "-pk")
    )


def department_queue(department_ids) -> QuerySet[Matter]:
    """Open matters a department owns, leads or co-organizes (a union of three index
    lookups, as in todo())."""
    ids = list(department_ids)
    open_matters = Matter.objects.filter(state__in=[s.value for s in OPEN_STATES]).order_by()
    owned = open_matters.filter(owner_department_id__in=ids).values("pk")
    led = open_matters.filter(lead_department_id__in=ids).values("pk")
    co_organized = (
        CoOrganizer.objects.filter(department_id__in=ids, matter__state__in=OPEN_STATES)
        .order_by()
        .values("matter_id")
    )
    return (
        Matter.objects.filter(pk__in=owned.union(led, co_organized))
        .select_related(*LIST_RELATED)
        .order_by("next_deadline", "pk")
    )


@dataclass
class MatterFilter:
    state: str = ""
    kind: str = ""
    department: str = ""  # department code: originating, lead, owner or co-organizer
    urgency: str = ""
    overdue: bool = False
    q: str = ""
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None


def filter_matters(matters: QuerySet[Matter], f: MatterFilter) -> QuerySet[Matter]:
    if f.state == "open":
        matters = matters.filter(state__in=OPEN_STATES)
    elif f.state:
        matters = matters.filter(state=f.state)
    if f.kind:
        matters = matters.filter(kind__code=f.kind)
    if f.urgency:
        matters = matters.filter(urgency=f.urgency)
    if f.department:
        matters = matters.filter(
            Q(originator_department__code=f.department)
            | Q(lead_department__code=f.department)
            | Q(owner_department__code=f.department)
            | Exists(
                CoOrganizer.objects.filter(matter=OuterRef("pk"), department__code=f.department)
            )
        )
    if f.overdue:
        matters = matters.filter(
            state__in=OPEN_STATES, next_deadline__lt=timezone.now(), paused_at__isnull=True
        )
    if f.created_from:
        matters = matters.filter(created_at__date__gte=f.created_from)
    if f.created_to:
        matters = matters.filter(created_at__date__lte=f.created_to)
    if f.q.strip():
        matters = search(matters, f.q)
    return matters


def search(matters: QuerySet[Matter], query: str) -> QuerySet[Matter]:
    """Chinese substrings in the number, title or description; each word must match."""
    return search_index.search(matters, query)


@dataclass(frozen=True)
class ClockView:
    """One clock of a matter as the matter page shows it."""

    step: str
    label: str
    due: datetime.datetime | None
    status: str  # running, paused


def clocks(matter: Matter) -> list[ClockView]:
    """The matter's running clocks (accept, reply, the rung's decision, rectification):
    when each is due, and whether the reply clock waits for the originator."""
    shown = []
    # Once accepted (or past dispatch), the accept clock has nothing more to say.
    if matter.accept_due is not None and matter.state == State.DISPATCHED:
        shown.append(ClockView("accept", _("Accept by"), matter.accept_due, "running"))
    # Likewise the reply clock once the reply is given (or the matter left handling).
    if matter.reply_due is not None and matter.state == State.ACCEPTED:
        status = "paused" if matter.paused_at is not None else "running"
        shown.append(ClockView("reply", _("Reply by"), matter.reply_due, status))
    if matter.state == State.ESCALATED:
        shown.append(
            ClockView("decide", _("Decide the escalation by"), matter.next_deadline, "running")
        )
    supervision = (
        matter.supervisions.filter(is_active=True).order_by("-pk").first()
        if hasattr(matter, "supervisions")
        else None
    )
    if supervision is not None and supervision.deadline is not None:
        end = datetime.datetime.combine(supervision.deadline, datetime.time(23, 59, 59))
        shown.append(ClockView("rectify", _("Rectify by"), timezone.make_aware(end), "running"))
    return shown

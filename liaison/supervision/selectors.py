"""Reads of supervisions: what of the board a person sees, and the supervision of a matter
as its page shows it. Who sees the board is decided in liaison.supervision.policy.

The board follows the matters' visibility (liaison.matters.selectors.visible_matters),
so it never shows a matter its reader could not open.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from liaison.matters.selectors import sees_all_matters, visible_matters
from liaison.org.models import Department, Person
from liaison.org.roles import office_ids

from . import policy
from .models import Rag, Rectification, RectificationState, Supervision, rag_of


@dataclass(frozen=True)
class BoardScope:
    person: Person
    everything: bool  # policy.sees_whole_board: every supervised matter they can see
    departments: frozenset[int]  # otherwise: these departments' items


def board_scope(person: Person | None) -> BoardScope | None:
    """What of the board the person sees, or None (403)."""
    if not person:  # None, or the request's lazy person of a login without one
        return None
    if policy.sees_whole_board(person):
        return BoardScope(person, True, frozenset())
    departments = policy.board_departments(person)
    return BoardScope(person, False, departments) if departments else None


def _last_state():
    return Subquery(
        Rectification.objects.filter(supervision=OuterRef("pk"))
        .order_by("-submitted_at", "-pk")
        .values("state")[:1]
    )


def supervisions_for(scope: BoardScope) -> QuerySet[Supervision]:
    person = scope.person
    if sees_all_matters(person):
        # A draft is never supervised, so they see the organization's supervisions: those
        # of its offices (a supervising department is one). Filtered by the departments,
        # the query starts from them, not from every matter of the organization.
        supervisions = Supervision.objects.filter(
            supervising_department__organization_id=person.organization_id
        )
    else:
        supervisions = Supervision.objects.filter(matter__in=visible_matters(person).values("pk"))
    if not scope.everything:
        supervisions = supervisions.filter(
            Q(matter__lead_department_id__in=scope.departments)
            | Q(supervising_department_id__in=scope.departments)
        )
    return supervisions.select_related(
        "matter", "matter__lead_department", "supervisor", "supervising_department"
    ).annotate(
        urge_count=Count("urges"),
        last_urged_at=Max("urges__at"),
        last_state=_last_state(),
    )


@dataclass
class BoardRow:
    supervision: Supervision
    rag: str | None  # None once the supervision has ended
    days_left: int

    @property
    def matter(self):
        return self.supervision.matter


def board_rows(
    scope: BoardScope,
    *,
    rag: str = "",
    department: Department | None = None,
    ended: bool = False,
    today: datetime.date | None = None,
) -> list[BoardRow]:
    """The active supervisions (or, with `ended`, the ended ones) in scope, filtered,
    most urgent first: red, amber, green, then by deadline."""
    today = today or timezone.localdate()
    supervisions = supervisions_for(scope).filter(is_active=not ended)
    if department is not None:
        supervisions = supervisions.filter(matter__lead_department=department)
    rows = []
    for supervision in supervisions.order_by("deadline", "pk"):
        light = (
            rag_of(
                deadline=supervision.deadline,
                today=today,
                urge_count=supervision.urge_count,
                last_state=supervision.last_state,
            )
            if supervision.is_active
            else None
        )
        if rag and light != rag:
            continue
        rows.append(BoardRow(supervision, light, supervision.days_left(today)))
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2, None: 3}
    rows.sort(key=lambda row: order[row.rag])  # stable: deadlines stay in order
    return rows


@dataclass
class DepartmentSummary:
    department: Department | None
    red: int = 0
    amber: int = 0
    green: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green


def summary(rows: list[BoardRow]) -> list[DepartmentSummary]:
    """Counts of red, amber and green per lead department, the most red first."""
    found: dict[int | None, DepartmentSummary] = {}
    for row in rows:
        if row.rag is None:
            continue
        lead = row.matter.lead_department
        key = lead.pk if lead is not None else None
        entry = found.setdefault(key, DepartmentSummary(lead))
        setattr(entry, row.rag, getattr(entry, row.rag) + 1)
    return sorted(
        found.values(),
        key=lambda s: (-s.red, -s.amber, -s.total, s.department.name if s.department else ""),
    )


# The matter page.


@dataclass
class MatterSupervision:
    """The supervision card of a matter page, and which of its forms the reader gets."""

    supervision: Supervision | None = None
    earlier: int = 0  # ended supervisions before this one
    rag: str | None = None
    days_left: int = 0
    urges: list = field(default_factory=list)
    rectifications: list = field(default_factory=list)
    pending: Rectification | None = None
    may_supervise: bool = False
    may_urge: bool = False
    may_rectify: bool = False
    may_review: bool = False
    supervisors: list = field(default_factory=list)

    @property
    def days_overdue(self) -> int:
        return -self.days_left

    @property
    def shown(self) -> bool:
        return self.supervision is not None or self.may_supervise


def matter_supervision(matter, person: Person | None) -> MatterSupervision:
    """The matter's active supervision, or its last ended one, with its urges and replies;
    the reader is assumed to see the matter (the matter page checked it)."""
    if not person:
        return MatterSupervision()
    supervisions = list(
        Supervision.objects.filter(matter=matter)
        .select_related("supervisor", "supervising_department", "created_by")
        .order_by("-is_active", "-created_at", "-pk")
    )
    card = MatterSupervision()
    active = supervisions[0] if supervisions and supervisions[0].is_active else None
    if policy.can_supervise(matter, active) and policy.may_supervise(person):
        card.may_supervise = True
        card.supervisors = policy.supervisors_of(matter.organization)
    if not supervisions:
        return card
    supervision = supervisions[0]
    card.supervision = supervision
    card.earlier = len(supervisions) - 1
    card.urges = list(supervision.urges.select_related("by").order_by("sequence"))
    card.rectifications = list(
        supervision.rectifications.select_related(
            "submitted_by", "reviewed_by", "event"
        ).prefetch_related("event__attachments")
    )
    last_state = card.rectifications[-1].state if card.rectifications else None
    today = timezone.localdate()
    card.days_left = supervision.days_left(today)
    if not supervision.is_active:
        return card
    card.rag = rag_of(
        deadline=supervision.deadline,
        today=today,
        urge_count=len(card.urges),
        last_state=last_state,
    )
    card.pending = next(
        (r for r in card.rectifications if r.state == RectificationState.SUBMITTED), None
    )
    card.may_urge = policy.may_urge(person, supervision)
    card.may_rectify = policy.can_rectify(supervision, card.pending) and policy.may_rectify(
        person, matter
    )
    card.may_review = (
        policy.can_review(supervision, card.pending)
        and not policy.is_own_reply(person, card.pending)
        and policy.may_review(person, supervision)
    )
    return card


def reviews_waiting_on(person: Person, reach) -> QuerySet:
    """The matters whose rectification reply waits for this person's review (as
    policy.may_review has it, never their own reply), as one column of matter ids for the
    to-do (liaison.matters.worklist); `reach` is matters.selectors.reach_of(person)."""
    organization = person.organization
    mine = Q(supervision__supervisor=person)
    if organization.supervision_department_id in reach.departments:
        mine = Q()  # the supervision office reviews every reply
    else:
        offices = office_ids(organization) & set(reach.departments)
        if offices:
            mine |= Q(supervision__supervising_department_id__in=offices)
    return (
        Rectification.objects.filter(
            mine,
            state=RectificationState.SUBMITTED,
            supervision__is_active=True,
            supervision__matter__organization_id=person.organization_id,
        )
        .exclude(submitted_by=person)
        .values("supervision__matter_id")
    )

"""The dashboard's figures. Each count is one grouped query over what the person sees
(liaison.matters.selectors.visible_matters), and each comes with the address of the matters
list that shows exactly those matters (the list applies the same filters to the same set).
Trends and rates read the stored scorecards (liaison.evaluation), never the matters."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from liaison.evaluation import policy as evaluation_policy
from liaison.evaluation.models import Scorecard, ScorecardLine, ScorecardState
from liaison.matters import selectors as matters
from liaison.matters.models import OPEN_STATES, EscalationLevel, EventType, MatterEvent, State
from liaison.meetings.models import Decision
from liaison.notices import selectors as notices_selectors
from liaison.notices.models import Notice, NoticeState
from liaison.org.models import Department, Organization, Person
from liaison.supervision import selectors as supervision
from liaison.supervision.models import Rag

#: The indicators the trends and cards read from the scorecards.
ON_TIME = "reply_on_time"
SATISFACTION = "satisfaction"
#: Periods in a trend.
TREND_LENGTH = 6


def list_url(tab: str = "all", **filters) -> str:
    """The matters list (the to-do page's tab) with these filters."""
    return _list_url(reverse("matters:todo"), tab, **filters)


def _list_url(todo: str, tab: str = "all", **filters) -> str:
    # `todo`: the list's address, reversed once for the hundreds of a department table.
    return todo + "?" + urlencode({"tab": tab, **filters})


def _overdue(now: datetime.datetime) -> Q:
    # As the list's "overdue only" filter (liaison.matters.selectors.filter_matters).
    return Q(state__in=OPEN_STATES, next_deadline__lt=now, paused_at__isnull=True)


@dataclass
class Figure:
    value: int
    url: str


@dataclass
class DepartmentRow:
    department: Department
    overdue: Figure
    escalated: Figure


@dataclass
class Load:
    """Overdue and escalated matters: in total, by the department that holds them, and
    escalated ones by rung of the ladder."""

    overdue: Figure
    escalated: Figure
    rows: list[DepartmentRow]
    ladder: list[tuple[str, Figure]]


def departments_of(organization: Organization) -> dict[int, Department]:
    return {
        d.pk: d
        for d in Department.objects.filter(organization=organization).only(
            "pk", "code", "name", "short_name"
        )
    }


def load(
    visible: QuerySet, departments: dict[int, Department], scope: frozenset | None, now
) -> Load:
    """`scope`: the departments whose rows are shown (None: all)."""
    # Two ranges of the deadline index, the overdue and the escalated matters, rather than
    # every open matter; the escalated ones give the ladder too.
    late = Counter(
        dict(
            visible.filter(_overdue(now))
            .order_by()
            .values_list("owner_department_id")
            .annotate(n=Count("pk"))
        )
    )
    up, rungs = Counter(), Counter()
    for department_id, level, n in (
        visible.filter(state=State.ESCALATED)
        .order_by()
        .values_list("owner_department_id", "escalation_level")
        .annotate(n=Count("pk"))
    ):
        up[department_id] += n
        rungs[level] += n
    rows = []
    todo = reverse("matters:todo")
    for department_id in late.keys() | up.keys():
        department = departments.get(department_id)
        if department is None or (scope is not None and department_id not in scope):
            continue
        rows.append(
            DepartmentRow(
                department,
                Figure(late[department_id], _list_url(todo, holder=department.code, overdue="on")),
                Figure(
                    up[department_id],
                    _list_url(todo, holder=department.code, state=State.ESCALATED),
                ),
            )
        )
    rows.sort(key=lambda r: (-r.overdue.value, -r.escalated.value, r.department.code))
    ladder = [
        (label, Figure(rungs.get(level, 0), list_url(level=level)))
        for level, label in EscalationLevel.choices
        if level != EscalationLevel.DIRECT
    ]
    return Load(
        Figure(sum(late.values()), list_url(overdue="on")),
        Figure(sum(up.values()), list_url(state=State.ESCALATED)),
        rows,
        ladder,
    )


def open_decisions(visible: QuerySet) -> Figure:
    """Meetings' decisions made into matters that are still open."""
    # From the decisions, fewer than the open matters, each asking for its matter by id.
    open_seen = visible.filter(pk=OuterRef("matter_id"), state__in=OPEN_STATES)
    count = Decision.objects.filter(Exists(open_seen)).order_by().count()
    return Figure(count, list_url(state="open", from_meeting="on"))


@dataclass
class Unread:
    notice: Notice
    unread: Figure


def unread_notices(person: Person, now, limit: int = 5) -> list[Unread]:
    """The current notices the person's departments issued (the notices area decides
    which) that some recipients have not read yet, newest first, each with how many and
    a link to the notice, whose statistics name them by department."""
    notices = (
        notices_selectors.issued(person, state=NoticeState.PUBLISHED)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .annotate(unread=Count("receipts", filter=Q(receipts__read_at__isnull=True)))
        .filter(unread__gt=0)
        .order_by("-published_at", "-pk")[:limit]
    )
    return [
        Unread(notice, Figure(notice.unread, reverse("notices:detail", args=[notice.pk])))
        for notice in notices
    ]


def waiting_for(person: Person, reach) -> Figure:
    """What waits on the person (the to-do's own list)."""
    return Figure(matters.todo(person, reach).order_by().count(), list_url("todo"))


def supervision_lights(person: Person) -> list[tuple[str, str, Figure]] | None:
    """Red, amber and green supervised matters as the supervision board counts them, each
    opening the board at that light; None for who has no board."""
    scope = supervision.board_scope(person)
    if scope is None:
        return None
    counts = Counter(row.rag for row in supervision.board_rows(scope))
    board = reverse("supervision:board")
    return [
        (rag, label, Figure(counts.get(rag, 0), f"{board}?{urlencode({'rag': rag})}"))
        for rag, label in Rag.choices
    ]


@dataclass
class Trend:
    periods: list[str] = field(default_factory=list)
    on_time: list[float | None] = field(default_factory=list)
    satisfaction: list[float | None] = field(default_factory=list)


def _latest_per_period(organization: Organization) -> list[Scorecard]:
    """The latest computation of each period, months if any were computed, else quarters,
    oldest first."""
    latest: dict[str, Scorecard] = {}
    for card in Scorecard.objects.filter(organization=organization).order_by("computed_at", "pk"):
        latest[card.period] = card
    months = [c for c in latest.values() if "Q" not in c.period]
    chosen = months or list(latest.values())
    return sorted(chosen, key=lambda c: c.start)[-TREND_LENGTH:]


def _rate(lines, code: str) -> tuple[float | None, int]:
    numerator = sum((line.values.get(code) or {}).get("numerator") or 0 for line in lines)
    denominator = sum((line.values.get(code) or {}).get("denominator") or 0 for line in lines)
    return (numerator / denominator if denominator else None), denominator


def _lines(cards: list[Scorecard], scope: frozenset | None) -> dict[int, list[ScorecardLine]]:
    lines = ScorecardLine.objects.filter(scorecard__in=cards).only(
        "scorecard_id", "department_id", "values"
    )
    if scope is not None:
        lines = lines.filter(department_id__in=scope)
    found: dict[int, list[ScorecardLine]] = {card.pk: [] for card in cards}
    for line in lines:
        found[line.scorecard_id].append(line)
    return found


def trend(organization: Organization, scope: frozenset | None) -> Trend:
    """On-time reply rate and satisfaction per period, summed over the departments in
    scope, from the stored scorecards."""
    cards = _latest_per_period(organization)
    lines = _lines(cards, scope)
    result = Trend()
    for card in cards:
        result.periods.append(card.period)
        result.on_time.append(_rate(lines[card.pk], ON_TIME)[0])
        result.satisfaction.append(_rate(lines[card.pk], SATISFACTION)[0])
    return result


def latest_scorecard(organization: Organization, shown: bool = False) -> Scorecard | None:
    """The latest computation of the most recent period computed; `shown`: of those the
    departments have been shown (a draft is the office's and the leaders' only)."""
    cards = Scorecard.objects.filter(organization=organization)
    if shown:
        cards = cards.exclude(state=ScorecardState.DRAFT)
    return cards.order_by("-start", "-computed_at", "-pk").first()


@dataclass
class Rate:
    department: Department | None
    value: float | None
    n: int


def worst_on_time(card: Scorecard | None, limit: int = 5) -> list[Rate]:
    """The departments with the lowest on-time reply rate, among those with enough units."""
    if card is None:
        return []
    rates = []
    for line in ScorecardLine.objects.filter(scorecard=card).select_related("department"):
        value, n = _rate([line], ON_TIME)
        if value is not None and n >= card.minimum_sample:
            rates.append(Rate(line.department, value, n))
    rates.sort(key=lambda r: (r.value, -r.n, r.department.code))
    return rates[:limit]


@dataclass
class AgeBand:
    label: str
    first: datetime.date | None  # raised on or after this day (None: no bound)
    last: datetime.date | None  # ...and on or before this one


def age_bands(today: datetime.date, labels) -> list[AgeBand]:
    """Today, 1–2 days, 3–6 days, a week or more: by the day the matter was raised."""
    day = datetime.timedelta(days=1)
    return [
        AgeBand(labels[0], today, None),
        AgeBand(labels[1], today - 2 * day, today - day),
        AgeBand(labels[2], today - 6 * day, today - 3 * day),
        AgeBand(labels[3], None, today - 7 * day),
    ]


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _band_q(band: AgeBand) -> Q:
    q = Q()
    if band.first:
        q &= Q(created_at__gte=_midnight(band.first))
    if band.last:
        q &= Q(created_at__lt=_midnight(band.last + datetime.timedelta(days=1)))
    return q


def _band_filters(band: AgeBand) -> dict:
    filters = {}
    if band.first:
        filters["created_from"] = band.first.isoformat()
    if band.last:
        filters["created_to"] = band.last.isoformat()
    return filters


def queue_by_age(visible: QuerySet, bands: list[AgeBand]) -> list[tuple[str, list[Figure]]]:
    """Matters awaiting dispatch and awaiting acceptance, by age band: one grouped query."""
    states = [State.SUBMITTED, State.DISPATCHED]
    counts = {
        row["state"]: row
        for row in visible.filter(state__in=states)
        .order_by()
        .values("state")
        .annotate(**{f"b{i}": Count("pk", filter=_band_q(b)) for i, b in enumerate(bands)})
    }
    return [
        (
            State(state).label,
            [
                Figure(
                    counts.get(state, {}).get(f"b{i}", 0),
                    list_url(state=state, **_band_filters(band)),
                )
                for i, band in enumerate(bands)
            ],
        )
        for state in states
    ]


def moves_since(visible: QuerySet, since: datetime.date) -> dict[str, Figure]:
    """Matters returned and matters transferred since the day, among those seen."""
    kinds = [EventType.RETURNED, EventType.TRANSFERRED]
    # Each of the week's few events asks whether its matter is seen (by its id): a filter
    # by the list of matters seen would list every one of them first.
    seen = visible.filter(pk=OuterRef("matter_id"))
    counts = dict(
        MatterEvent.objects.filter(Exists(seen), type__in=kinds, at__gte=_midnight(since))
        .order_by()
        .values_list("type")
        .annotate(n=Count("matter_id", distinct=True))
    )
    return {
        kind: Figure(counts.get(kind, 0), list_url(event=kind, event_from=since.isoformat()))
        for kind in kinds
    }


@dataclass
class Card:
    """A department's card (or several a head answers for) against the hospital."""

    open: Figure
    overdue: Figure
    on_time: float | None
    satisfaction: float | None
    hospital_on_time: float | None
    hospital_satisfaction: float | None
    hospital_overdue_share: float | None
    period: str


def head_card(person: Person, reach, departments: frozenset[int], now) -> Card:
    """The departments' queue (the list's own "my department's queue" tab), its overdue
    part, their rates and the hospital's in the latest scorecard."""
    queue = matters.department_queue(reach.departments).order_by()
    counts = queue.aggregate(open=Count("pk"), overdue=Count("pk", filter=_overdue(now)))
    hospital = (
        matters.Matter.objects.filter(organization_id=person.organization_id, state__in=OPEN_STATES)
        .order_by()
        .aggregate(open=Count("pk"), overdue=Count("pk", filter=_overdue(now)))
    )
    card = latest_scorecard(
        person.organization, shown=not evaluation_policy.sees_every_department(person)
    )
    lines = _lines([card], None)[card.pk] if card else []
    own = [line for line in lines if line.department_id in departments]
    return Card(
        open=Figure(counts["open"], list_url("queue")),
        overdue=Figure(counts["overdue"], list_url("queue", overdue="on")),
        on_time=_rate(own, ON_TIME)[0],
        satisfaction=_rate(own, SATISFACTION)[0],
        hospital_on_time=_rate(lines, ON_TIME)[0],
        hospital_satisfaction=_rate(lines, SATISFACTION)[0],
        hospital_overdue_share=hospital["overdue"] / hospital["open"] if hospital["open"] else None,
        period=card.period if card else "",
    )

"""The matters area's evaluation indicators (考核指标), counted from the clock ledger
(models/clocks.py) and the timeline's urges, registered in MattersConfig.ready.

Each figure is one GROUP BY department query over the period's clocks, so a scorecard
costs a fixed number of queries whatever the number of matters; records() lists the same
units for one department. The rules are those of the published definitions below:
a unit belongs to the period in which its due (or its event) falls, up to now; a
withdrawn matter counts nowhere.
"""

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from liaison.core.indicators import Direction, Figure, Indicator, Measure, Period, Record
from liaison.org.models import Department, Organization

from .models import Clock, ClockEnd, ClockKind, EventType, Matter, MatterEvent, Rating, State

SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)
#: Matters withdrawn now, or archived after they were withdrawn (a closed matter always
#: has a resolution, a withdrawn one never); the same condition as Matter's withdrawn index.
WITHDRAWN = Q(state=State.WITHDRAWN) | Q(state=State.ARCHIVED, resolution="")


def _span(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of the period, never past now."""
    return period.start, min(period.end, timezone.now())


def _clocks(organization: Organization) -> QuerySet[Clock]:
    """The organization's clocks but those of withdrawn matters."""
    return _counted(organization, Clock.objects.filter(organization=organization))


def _counted(organization: Organization, clocks: QuerySet[Clock]) -> QuerySet[Clock]:
    """`clocks` but the one a withdrawal ended and every earlier one of a withdrawn
    matter. The few withdrawn matters are read once from their index, rather than each
    clock's matter from the table."""
    withdrawn = Matter.objects.filter(WITHDRAWN, organization=organization).values("pk")
    return clocks.exclude(end=ClockEnd.WITHDRAWN).exclude(matter_id__in=withdrawn)


def _running_between(
    organization: Organization, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Clock]:
    """The organization's clocks running at some moment of [start, end): started before
    its end, and ended at or after its start or running still. Found by id through two
    searches of the ended index (a union: an OR would scan the organization's ledger)."""
    clocks = Clock.objects.filter(organization=organization, started_at__lt=end)
    ended_since = clocks.filter(ended_at__gte=start).order_by().values("pk")
    running = clocks.filter(ended_at__isnull=True).order_by().values("pk")
    return _counted(organization, Clock.objects.filter(pk__in=ended_since.union(running, all=True)))


def _due_in(organization: Organization, period: Period, kind: str) -> QuerySet[Clock]:
    start, end = _span(period)
    return _clocks(organization).filter(kind=kind, due__gte=start, due__lt=end)


# --- The units (denominators) and what puts a unit in the numerator ---------------------

MET_ON_TIME = Q(end=ClockEnd.MET, ended_at__lte=F("due"))
#: Out of the holder's hands before the due: not the holder's unit.
TAKEN_AWAY_EARLY = Q(end__in=[ClockEnd.ESCALATED, ClockEnd.CLOSED], ended_at__lt=F("due"))


def _accept_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    # Handing on (return, transfer) is measured by return_rate, not here.
    return (
        _due_in(organization, period, ClockKind.ACCEPT)
        .exclude(end__in=[ClockEnd.RETURNED, ClockEnd.TRANSFERRED])
        .exclude(TAKEN_AWAY_EARLY)
    )


def _reply_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    return _due_in(organization, period, ClockKind.REPLY).exclude(
        TAKEN_AWAY_EARLY | Q(end=ClockEnd.TRANSFERRED, ended_at__lt=F("due"))
    )


def _confirmed_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    start, end = _span(period)
    return _clocks(organization).filter(
        kind=ClockKind.REPLY, confirmed_at__gte=start, confirmed_at__lt=end
    )


def _rated_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    return _confirmed_units(organization, period).exclude(rating="")


def _dispatch_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    start, end = _span(period)
    # An accept clock is due after it starts: the bound on due lets the ledger's due
    # index find the period's dispatches.
    return _clocks(organization).filter(
        kind=ClockKind.ACCEPT, started_at__gte=start, started_at__lt=end, due__gte=start
    )


def _overdue_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    _start, end = _span(period)
    # Running at the end: "running at some moment of [end, end]".
    return _running_between(organization, end, end).filter(
        kind=ClockKind.REPLY,
        due__lt=end,
    )


# --- Figures and records of clock units --------------------------------------------------


def _figures(units: QuerySet[Clock], counted: Q | None) -> dict[int, Figure]:
    """{department id: Figure}: the units per department, and those `counted`."""
    rows = (
        units.order_by()
        .values("department_id")
        .annotate(
            denominator=Count("pk"),
            numerator=Count("pk", filter=counted) if counted is not None else Count("pk"),
        )
    )
    return {r["department_id"]: Figure(r["numerator"], r["denominator"]) for r in rows}


def _records(units: QuerySet[Clock], counted: Q | None, at: str | None) -> list[Record]:
    rows = (
        units.annotate(
            counted=Case(When(counted, then=Value(True)), default=Value(False))
            if counted is not None
            else Value(True, output_field=BooleanField()),
            at=F(at) if at else Value(None, output_field=DateTimeField()),
        )
        .order_by("due", "matter__number", "pk")
        .values("matter_id", "matter__number", "counted", "due", "at")
    )
    return [
        Record(
            matter_id=r["matter_id"],
            number=r["matter__number"],
            counted=bool(r["counted"]),
            due=r["due"],
            at=r["at"],
        )
        for r in rows
    ]


def _clock_indicator(
    code: str, name, definition, direction: Direction, units, counted: Q | None, at: str | None,
    *, measure: Measure = Measure.RATE, target: float | None = None,
) -> Indicator:  # fmt: skip
    return Indicator(
        code=code,
        name=name,
        definition=definition,
        direction=direction,
        measure=measure,
        target=target,
        compute=lambda organization, period: _figures(units(organization, period), counted),
        records=lambda organization, period, department: _records(
            units(organization, period).filter(department=department), counted, at
        ),
    )


# --- Urged matters: the unit is a matter D held at some moment of the period -------------


def _held_units(organization: Organization, period: Period) -> QuerySet[Clock]:
    """D's clocks running at some moment of the period."""
    start, end = _span(period)
    return _running_between(organization, start, end)


def _urged_figures(organization: Organization, period: Period) -> dict[int, Figure]:
    start, end = _span(period)
    denominators = (
        _held_units(organization, period)
        .order_by()
        .values("department_id")
        .annotate(n=Count("matter_id", distinct=True), numerator=Value(False))
    )
    # The numerators from the period's few urges, each matched to a clock its holder
    # held then, rather than an urge lookup for every held clock; in the same query.
    holding = (
        Clock.objects.filter(
            Q(ended_at__gte=start) | Q(ended_at__isnull=True),
            matter_id=OuterRef("matter_id"),
            department_id=OuterRef("owner_department_id"),
        )
        # "Not started at or after the end" (started before it) in a form SQLite's
        # planner does not take for a search of the department's clocks.
        .exclude(started_at__gte=end)
        .exclude(end=ClockEnd.WITHDRAWN)
    )
    withdrawn = Matter.objects.filter(WITHDRAWN, organization=organization).values("pk")
    numerators = (
        MatterEvent.objects.filter(Exists(holding), type=EventType.URGED, at__gte=start, at__lt=end)
        .exclude(matter_id__in=withdrawn)
        .order_by()
        .values("owner_department_id")
        .annotate(n=Count("matter_id", distinct=True), numerator=Value(True))
    )
    counts = {
        (r["department_id"], bool(r["numerator"])): r["n"]
        for r in denominators.union(numerators, all=True)
    }
    return {
        d: Figure(counts.get((d, True), 0), n)
        for (d, numerator), n in counts.items()
        if not numerator
    }


def _urged_records(
    organization: Organization, period: Period, department: Department
) -> list[Record]:
    rows = (
        _held_units(organization, period)
        .filter(department=department)
        .order_by()
        .values("matter_id", "matter__number")
        .annotate(due=Max("due"))
        .order_by("due", "matter__number")
    )
    # The first urge in the period of each matter while the department held it: from the
    # period's few urges, not a lookup for every held clock.
    start, end = _span(period)
    first_urges = dict(
        MatterEvent.objects.filter(
            type=EventType.URGED, owner_department=department, at__gte=start, at__lt=end
        )
        .order_by()
        .values("matter_id")
        .annotate(at=Min("at"))
        .values_list("matter_id", "at")
    )
    return [
        Record(
            matter_id=r["matter_id"],
            number=r["matter__number"],
            counted=r["matter_id"] in first_urges,
            due=r["due"],
            at=first_urges.get(r["matter_id"]),
        )
        for r in rows
    ]


INDICATORS = [
    _clock_indicator(
        "accept_on_time",
        _("Accepted on time"),
        _(
            "Numerator: the times the department was asked to lead a matter (dispatched or "
            "transferred to it, or given a fresh time to accept) and accepted it by its time to "
            "accept. Denominator: all such times whose time to accept fell in the period; one "
            "not accepted by then counts as late. Not counted: matters it returned or "
            "transferred on (see the return rate), matters escalated or taken from it by others "
            "before the time to accept, and withdrawn matters."
        ),
        Direction.HIGHER,
        _accept_units,
        MET_ON_TIME,
        "ended_at",
    ),
    _clock_indicator(
        "reply_on_time",
        _("Replied on time"),
        _(
            "Numerator: the replies the department owed (once it accepted, and again each time a "
            "matter was sent back to be redone) that it gave by their due; an approved extension "
            "moves the due. Denominator: all the replies it owed that were due in the period; "
            "one not given by its due counts as late. Not counted: matters escalated, taken from "
            "it by others or transferred before the due, and withdrawn matters."
        ),
        Direction.HIGHER,
        _reply_units,
        MET_ON_TIME,
        "ended_at",
        target=0.92,
    ),
    _clock_indicator(
        "reply_rate",
        _("Reply rate"),
        _(
            "Numerator: the replies of the denominator that the department gave, at any time. "
            "Denominator: the same as for replies on time: all the replies it owed that were due "
            "in the period, with the same exclusions."
        ),
        Direction.HIGHER,
        _reply_units,
        Q(end=ClockEnd.MET),
        "ended_at",
    ),
    _clock_indicator(
        "satisfaction",
        _("Satisfaction"),
        _(
            "Numerator: confirmations of the department's replies made in the period and rated "
            "satisfied or basically satisfied. Denominator: all confirmations of its replies "
            "made in the period with a rating. Withdrawn matters are not counted."
        ),
        Direction.HIGHER,
        _rated_units,
        Q(rating__in=SATISFIED),
        "confirmed_at",
        target=0.95,
    ),
    _clock_indicator(
        "satisfaction_strict",
        _("Satisfaction (strict)"),
        _(
            "Numerator: confirmations of the department's replies made in the period and rated "
            "satisfied. Denominator: all confirmations of its replies made in the period with a "
            "rating. Withdrawn matters are not counted."
        ),
        Direction.HIGHER,
        _rated_units,
        Q(rating=Rating.SATISFIED),
        "confirmed_at",
    ),
    _clock_indicator(
        "redo_rate",
        _("Redo rate"),
        _(
            "Numerator: confirmations of the department's replies made in the period that sent "
            "the matter back to be redone (unsatisfied). Denominator: all confirmations of its "
            "replies made in the period. Withdrawn matters are not counted."
        ),
        Direction.LOWER,
        _confirmed_units,
        Q(reopened=True),
        "confirmed_at",
    ),
    Indicator(
        code="urged_rate",
        name=_("Urged rate"),
        definition=_(
            "Numerator: the matters of the denominator urged at least once in the period while "
            "the department held them. Denominator: the matters the department held (to accept "
            "or to reply) at some moment of the period. Withdrawn matters are not counted."
        ),
        direction=Direction.LOWER,
        measure=Measure.RATE,
        target=None,
        compute=_urged_figures,
        records=_urged_records,
    ),
    _clock_indicator(
        "return_rate",
        _("Return rate"),
        _(
            "Numerator: the times of the denominator that the department returned the matter. "
            "Denominator: the times a matter was dispatched or transferred to the department in "
            "the period. Withdrawn matters are not counted."
        ),
        Direction.LOWER,
        _dispatch_units,
        Q(end=ClockEnd.RETURNED),
        "ended_at",
    ),
    _clock_indicator(
        "overdue_open",
        _("Overdue and open"),
        _(
            "A count: the matters the department held at the end of the period (or now, for a "
            "period still running) whose reply was past its due and not yet given. Withdrawn "
            "matters are not counted."
        ),
        Direction.LOWER,
        _overdue_units,
        None,
        None,
        measure=Measure.COUNT,
    ),
]

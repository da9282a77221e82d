"""The notices area's evaluation indicator (考核指标): notices read on time, registered in
NoticesConfig.ready.

A unit is a read receipt of a department's person (the department the notice reached
them through), delivered in the period. Its reading time ends a number of working days
(the evaluation setting notice_reading_days) after delivery, in the working time of that
department's calendar (liaison.worktime). The receipts are counted in SQL by department
and moment of delivery (a notice reaches a department at once), the reading time is
computed once per calendar and moment, and only the read receipts are fetched to be
judged one by one: a scorecard costs a fixed number of queries.
"""

import datetime

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.indicators import Direction, Figure, Indicator, Measure, Period, Record
from liaison.evaluation.selectors import settings_of
from liaison.org.models import Department, Organization
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.services import Snapshots

from .models import NoticeState, Receipt


def _receipts(organization: Organization, period: Period) -> QuerySet[Receipt]:
    """Receipts of a department's people delivered in the period (up to now), of
    notices that require reading and are not withdrawn."""
    return Receipt.objects.filter(
        notice__organization=organization,
        notice__require_read=True,
        department__isnull=False,
        delivered_at__gte=period.start,
        delivered_at__lt=min(period.end, timezone.now()),
    ).exclude(notice__state=NoticeState.WITHDRAWN)


class _Dues:
    """The end of the reading time of receipts delivered at a moment to a department:
    computed once per calendar and moment (a notice reaches a department at once)."""

    def __init__(self, organization: Organization):
        self.now = timezone.now()
        self.days = Amount(settings_of(organization).notice_reading_days, Unit.WORKING_DAYS)
        self.snapshots = Snapshots(organization)
        self.found: dict[tuple, datetime.datetime] = {}

    def __call__(self, department_id: int, delivered_at: datetime.datetime) -> datetime.datetime:
        calendar = self.snapshots.calendar(department_id)
        key = (calendar.pk if calendar is not None else None, delivered_at)
        if key not in self.found:
            snapshot = self.snapshots.for_department(department_id)
            self.found[key] = add_working_time(snapshot, delivered_at, self.days)
        return self.found[key]

    def judge(self, row: dict) -> tuple[datetime.datetime, bool | None]:
        """(end of the reading time, read on time); None for an unread receipt still
        within its reading time: not a unit yet."""
        due, read_at = self(row["department_id"], row["delivered_at"]), row["read_at"]
        if read_at is None:
            return due, None if due >= self.now else False
        return due, read_at <= due


def _figures(organization: Organization, period: Period) -> dict[int, Figure]:
    """Two queries, whatever the number of receipts: the receipts counted by department
    and moment of delivery (the unread ones are judged by the batch's reading time),
    then the read ones, each judged against its reading time."""
    dues = _Dues(organization)
    receipts = _receipts(organization, period).order_by()
    counts: dict[int, list[int]] = {}
    for batch in receipts.values("department_id", "delivered_at").annotate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    ):
        due = dues(batch["department_id"], batch["delivered_at"])
        waiting = batch["unread"] if due >= dues.now else 0
        count = counts.setdefault(batch["department_id"], [0, 0])
        count[1] += batch["total"] - waiting
    for row in receipts.filter(read_at__isnull=False).values(
        "department_id", "delivered_at", "read_at"
    ):
        counts[row["department_id"]][0] += dues.judge(row)[1]
    # A department whose receipts are all unread within their reading time has no unit.
    return {pk: Figure(*count) for pk, count in counts.items() if count[1]}


def _records(organization: Organization, period: Period, department: Department) -> list[Record]:
    dues = _Dues(organization)
    rows = (
        _receipts(organization, period)
        .filter(department=department)
        .order_by("delivered_at", "pk")
        .values(
            "department_id", "delivered_at", "read_at", "notice_id", "notice__title", "person__name"
        )
    )
    return [
        Record(
            matter_id=None,
            number="",
            counted=on_time,
            due=due,
            at=row["read_at"],
            label=gettext("%(notice)s (%(person)s)")
            % {"notice": row["notice__title"], "person": row["person__name"]},
            url=reverse("notices:detail", args=[row["notice_id"]]),
        )
        for row in rows
        for due, on_time in [dues.judge(row)]
        if on_time is not None
    ]


INDICATORS = [
    Indicator(
        code="notice_read_on_time",
        name=_("Notices read on time"),
        definition=_(
            "Numerator: the read receipts of the denominator read within the reading time: the "
            "number of working days set by the organization (one by default) after the notice "
            "reached the person, in the working time of the department's calendar. "
            "Denominator: the receipts of the department's people (those the notice reached "
            "through the department) delivered in the period, of notices that require reading; "
            "one not read by the end of its reading time counts as late, and one still within "
            "its reading time and unread is not counted yet. Withdrawn notices are not counted."
        ),
        direction=Direction.HIGHER,
        measure=Measure.RATE,
        target=None,
        compute=_figures,
        records=_records,
        sample=False,
    ),
]

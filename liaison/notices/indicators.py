"""The notices area's evaluation indicator (考核指标): notices read on time, registered in
NoticesConfig.ready.

A unit is a read receipt of a department's person (the department the notice reached
them through), delivered in the period. Its reading time ends a number of working days
(the evaluation setting notice_reading_days) after delivery, in the working time of that
department's calendar (liaison.worktime). The receipts are read in one query and the
reading times computed once per calendar and moment of delivery (a notice is delivered
to a whole department at once), so a scorecard costs a fixed number of queries.
"""

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.indicators import Direction, Figure, Indicator, Measure, Period, Record
from liaison.org.models import Department, Organization
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.services import Snapshots

from .models import NoticeState, Receipt


def _reading_days(organization: Organization) -> int:
    # The evaluation area owns the setting; imported here as it uses this area's catalogue.
    from liaison.evaluation.selectors import settings_of

    return settings_of(organization).notice_reading_days


def _units(
    organization: Organization, period: Period, department: Department | None = None
) -> Iterator[tuple[dict, datetime.datetime, bool]]:
    """(receipt row, end of its reading time, read on time) for each unit: receipts
    delivered in the period whose reading time has passed or that were read."""
    now = timezone.now()
    end = min(period.end, now)
    receipts = Receipt.objects.filter(
        notice__organization=organization,
        notice__require_read=True,
        department__isnull=False,
        delivered_at__gte=period.start,
        delivered_at__lt=end,
    ).exclude(notice__state=NoticeState.WITHDRAWN)
    if department is not None:
        receipts = receipts.filter(department=department)
    rows = receipts.order_by("delivered_at", "pk").values(
        "pk",
        "department_id",
        "delivered_at",
        "read_at",
        "notice_id",
        "notice__title",
        "person__name",
    )
    days = _reading_days(organization)
    snapshots = Snapshots(organization)
    dues: dict[tuple[int | None, datetime.datetime], datetime.datetime] = {}
    for row in rows:
        calendar = snapshots.calendar(row["department_id"])
        key = (calendar.pk if calendar is not None else None, row["delivered_at"])
        if key not in dues:
            dues[key] = add_working_time(
                snapshots.for_department(row["department_id"]),
                row["delivered_at"],
                Amount(days, Unit.WORKING_DAYS),
            )
        due = dues[key]
        read_at = row["read_at"]
        if read_at is None and due >= now:
            continue  # still within its reading time: not yet a unit
        yield row, due, read_at is not None and read_at <= due


def _figures(organization: Organization, period: Period) -> dict[int, Figure]:
    counts: dict[int, list[int]] = {}
    for row, _due, on_time in _units(organization, period):
        count = counts.setdefault(row["department_id"], [0, 0])
        count[0] += on_time
        count[1] += 1
    return {pk: Figure(numerator, denominator) for pk, (numerator, denominator) in counts.items()}


def _records(organization: Organization, period: Period, department: Department) -> list[Record]:
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
        for row, due, on_time in _units(organization, period, department)
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
    ),
]

"""The meetings area's evaluation indicator (考核指标): meeting attendance, registered in
MeetingsConfig.ready.

A unit is an attendance record of a department's seat: the person recorded held, when
the attendance was recorded, the position (head or deputy head, liaison officer) by which
a department invited to the meeting (its own invitation or its series') was to attend.
Only the recording is checked, as recording does (seats are current positions): a
position's start is often the day it was entered, after the meetings it was held at. One GROUP BY
department query makes the figures, so a scorecard costs one query whatever the number
of meetings; records() lists the same units for one department.
"""

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.core.indicators import Direction, Figure, Indicator, Measure, Period, Record
from liaison.org.models import Department, Organization, PositionRole

from .models import Attendance, AttendanceRecord, MeetingState, Participant, Presence

HEADS = (PositionRole.HEAD, PositionRole.DEPUTY_HEAD)
ATTENDED = Q(presence__in=[Presence.PRESENT, Presence.SUBSTITUTED])


def _invited(attendances: tuple[str, ...]) -> Exists:
    """The seat's department is invited to the record's meeting to attend as one of these."""
    return Exists(
        Participant.objects.filter(
            Q(meeting_id=OuterRef("meeting_id")) | Q(series_id=OuterRef("meeting__series_id")),
            department_id=OuterRef("seat_department"),
            attendance__in=attendances,
        )
    )


def _units(organization: Organization, period: Period) -> QuerySet[AttendanceRecord]:
    """Attendance records at the period's meetings (not cancelled, begun by now), one row
    per record and department whose seat it is."""
    end = min(period.end, timezone.now())
    recorded = TruncDate("recorded_at")
    # The position's columns come from one join: a row per record and position.
    return (
        AttendanceRecord.objects.filter(
            meeting__organization=organization,
            meeting__start__gte=period.start,
            meeting__start__lt=end,
        )
        .exclude(meeting__state=MeetingState.CANCELLED)
        .annotate(
            seat_department=F("person__positions__department_id"),
            seat_role=F("person__positions__role"),
            seat_end=F("person__positions__end"),
        )
        .filter(Q(seat_end__isnull=True) | Q(seat_end__gt=recorded))
        .filter(
            Q(_invited((Attendance.HEAD, Attendance.BOTH)), seat_role__in=HEADS)
            | Q(
                _invited((Attendance.LIAISON_OFFICER, Attendance.BOTH)),
                seat_role=PositionRole.LIAISON_OFFICER,
            )
        )
    )


def _figures(organization: Organization, period: Period) -> dict[int, Figure]:
    # Distinct records: a head who is also the liaison officer holds one seat.
    rows = (
        _units(organization, period)
        .order_by()
        .values("seat_department")
        .annotate(
            denominator=Count("pk", distinct=True),
            numerator=Count("pk", distinct=True, filter=ATTENDED),
        )
    )
    return {r["seat_department"]: Figure(r["numerator"], r["denominator"]) for r in rows}


def _records(organization: Organization, period: Period, department: Department) -> list[Record]:
    rows = (
        _units(organization, period)
        .filter(seat_department=department.pk)
        .order_by("meeting__start", "pk")
        .values(
            "pk",
            "presence",
            "meeting_id",
            "meeting__start",
            "meeting__title",
            "meeting__series__title",
            "person__name",
        )
        .distinct()
    )
    return [
        Record(
            matter_id=None,
            number="",
            counted=r["presence"] in (Presence.PRESENT, Presence.SUBSTITUTED),
            due=r["meeting__start"],
            at=r["meeting__start"],
            label=gettext("%(meeting)s (%(person)s)")
            % {
                "meeting": r["meeting__title"] or r["meeting__series__title"] or "",
                "person": r["person__name"],
            },
            url=reverse("meetings:detail", args=[r["meeting_id"]]),
        )
        for r in rows
    ]


INDICATORS = [
    Indicator(
        code="meeting_attendance",
        name=_("Meeting attendance"),
        definition=_(
            "Numerator: the attendances of the denominator recorded as present or as having "
            "sent a substitute. Denominator: the attendances recorded for the department's "
            "seats (its head or liaison officer, as the department was invited) at meetings "
            "held in the period; cancelled meetings are not counted."
        ),
        direction=Direction.HIGHER,
        measure=Measure.RATE,
        target=None,
        compute=_figures,
        records=_records,
        sample=False,
    ),
]

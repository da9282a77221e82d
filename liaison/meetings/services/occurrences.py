"""A series' occurrences: made ahead up to a horizon, extended when reads look further,
and kept in step with the series when it changes.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from liaison.org.models import Organization

from .. import recurrence
from ..models import Meeting, MeetingSeries, MeetingState
from .common import FURTHEST, HORIZON, SLACK

# Occurrences.


def rule_of(series: MeetingSeries):
    return recurrence.rule_of(series.rule, series.start_date, series.start_time, series.time_zone)


def occurrence_times(
    series: MeetingSeries, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    """The starts the series' rule gives from `start` (included) to `end` (excluded)."""
    return recurrence.between(rule_of(series), start, end)


def _occurrences(series: MeetingSeries, times: Iterable[datetime.datetime]) -> list[Meeting]:
    length = datetime.timedelta(minutes=series.duration)
    return [
        Meeting(
            organization_id=series.organization_id,
            series=series,
            recurrence_id=moment,
            start=moment,
            end=moment + length,
            room_id=series.room_id,
            online_link=series.online_link,
        )
        for moment in times
    ]


def _materialize(series: MeetingSeries, until: datetime.datetime) -> int:
    """Create the series' occurrences from its horizon up to `until`; returns how many.
    Safe when two requests do it at once: the database keeps one occurrence per time."""
    if until <= series.materialized_until:
        return 0
    times = occurrence_times(series, series.materialized_until, until)
    Meeting.objects.bulk_create(_occurrences(series, times), ignore_conflicts=True)
    MeetingSeries.objects.filter(pk=series.pk, materialized_until__lt=until).update(
        materialized_until=until
    )
    series.materialized_until = until
    return len(times)


def extend_horizon(organization: Organization, until: datetime.datetime) -> int:
    """Make sure every series of the organization has its occurrences up to `until` (at
    most FURTHEST ahead), so that reads of that time see them; returns how many were
    created. Reads call it before they look."""
    now = timezone.now()
    until = min(until, now + FURTHEST)
    target = max(until, now + HORIZON) + SLACK
    created = 0
    for series in MeetingSeries.objects.filter(
        organization=organization, materialized_until__lt=until
    ):
        with transaction.atomic():
            created += _materialize(series, target)
    return created


def _resync(series: MeetingSeries, now: datetime.datetime) -> None:
    """After the series changed: its future occurrences that were not changed on their
    own follow the new rule, time, duration and place; the others stay as they are."""
    wanted = set(occurrence_times(series, now, series.materialized_until))
    length = datetime.timedelta(minutes=series.duration)
    stale = []
    for meeting in series.meetings.filter(
        overridden=False, state=MeetingState.SCHEDULED, start__gte=now
    ):
        if meeting.recurrence_id not in wanted:
            stale.append(meeting.pk)
            continue
        wanted.discard(meeting.recurrence_id)
        changes = {
            "start": meeting.recurrence_id,
            "end": meeting.recurrence_id + length,
            "room_id": series.room_id,
            "online_link": series.online_link,
        }
        if any(getattr(meeting, name) != value for name, value in changes.items()):
            for name, value in changes.items():
                setattr(meeting, name, value)
            meeting.save(update_fields=["start", "end", "room", "online_link"])
    Meeting.objects.filter(pk__in=stale).delete()
    # The times an occurrence changed on its own already holds keep it.
    taken = set(
        series.meetings.filter(recurrence_id__in=wanted).values_list("recurrence_id", flat=True)
    )
    Meeting.objects.bulk_create(_occurrences(series, sorted(wanted - taken)))


def _future_spans(meetings) -> list[tuple[datetime.datetime, datetime.datetime]]:
    now = timezone.now()
    return sorted(
        (m.start, m.end) for m in meetings if m.state == MeetingState.SCHEDULED and m.end > now
    )

"""The matters' part of the periodic sweep (liaison.deadlines.sweep), registered in
MattersConfig.ready(): the clocks of the matters whose check time has come, then the
archiving of old closed matters.

Its cost grows with what is due, not with the table: due matters are found through the
index on next_check_at."""

import datetime
from collections import Counter

from liaison.org.models import Organization

from ..models import Matter
from .closing import archive_closed_matters
from .sweep import check_clocks

#: Matters handled in one transaction: their writes go in a few bulk statements.
BATCH_SIZE = 500


def due_matter_ids(now: datetime.datetime) -> list[int]:
    return list(
        Matter.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)
    )


def check_due_clocks(now: datetime.datetime, batch_size: int = BATCH_SIZE) -> Counter:
    """Reminders, missed time limits and the escalation ladder for every due matter, a
    batch per transaction."""
    counts = Counter()
    due = due_matter_ids(now)
    cache: dict = {}  # look-ups shared by the batches (service levels, rungs, heads)
    for start in range(0, len(due), batch_size):
        counts += check_clocks(due[start : start + batch_size], now, cache)
    return counts


def archive_old_closed_matters(now: datetime.datetime) -> Counter:
    counts = Counter()
    for organization in Organization.objects.all():
        counts["archived"] += archive_closed_matters(organization, now)
    return counts

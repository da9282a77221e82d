"""The sweep: reminders, missed time limits and the escalation ladder for the matters
whose check time has come, then the other periodic work (deliveries, digests,
supervision deadlines, archiving).

Its cost grows with what is due, not with the table: due matters are found through the
index on next_check_at. Two sweeps at once, or the same sweep twice, are harmless: each
matter is claimed under a row lock and re-checked (matters.services.check_clocks), and the
other apps' sweeps claim their rows the same way."""

import datetime
from collections import Counter

from django.utils import timezone

from liaison.communication import services as communication
from liaison.inbox import services as inbox
from liaison.matters import services as matters
from liaison.matters.models import Matter
from liaison.notices import services as notices
from liaison.org.models import Organization
from liaison.supervision import services as supervision

#: Matters handled in one transaction: their writes go in a few bulk statements.
BATCH_SIZE = 500


def due_matter_ids(now: datetime.datetime) -> list[int]:
    return list(
        Matter.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", flat=True)
    )


def sweep_matters(now: datetime.datetime, batch_size: int = BATCH_SIZE) -> Counter:
    counts = Counter()
    due = due_matter_ids(now)
    cache: dict = {}  # look-ups shared by the batches (service levels, rungs, heads)
    for start in range(0, len(due), batch_size):
        counts += matters.check_clocks(due[start : start + batch_size], now, cache)
    return counts


def run_sweep(now: datetime.datetime | None = None) -> dict:
    """One full sweep as of `now`; returns how many of each thing it did."""
    now = now or timezone.now()
    counts = sweep_matters(now)
    for organization in Organization.objects.all():
        counts["archived"] += matters.archive_closed_matters(organization, now)
    counts.update(supervision.sweep(now))
    counts.update(inbox.sweep(now))
    counts.update(notices.sweep(now))
    counts.update(communication.sweep(now))
    return {key: value for key, value in counts.items() if value}

"""Background work of the inbox, through Django's Tasks API: sending the outbox."""

from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import outbox


@task()
def deliver_deliveries(delivery_ids: list[int]) -> dict:
    """Send the deliveries of one notify() call together (one mail connection), then
    whatever else is due: when many notifications arrive at once, the first tasks send
    them in batches and the later ones find their rows sent already."""
    counts = outbox.send_deliveries(delivery_ids)
    for key, value in outbox.send_due(max_batches=MORE_BATCHES).items():
        counts[key] += value
    return counts


#: How many further batches a delivery task may send of what else is due.
MORE_BATCHES = 20


@task()
def deliver_due(now: str | None = None) -> dict:
    """Send every delivery due as of `now` (ISO 8601; the current time when omitted)."""
    return outbox.send_due(parse_datetime(now) if now else None)

"""Background work of the inbox, through Django's Tasks API: sending the outbox."""

from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import outbox


@task()
def deliver_delivery(delivery_id: int) -> dict:
    """Send one delivery if it is still pending and due (a no-op otherwise)."""
    return outbox.send_deliveries([delivery_id])


@task()
def deliver_deliveries(delivery_ids: list[int]) -> dict:
    """Send the deliveries of one notify() call together (one mail connection)."""
    return outbox.send_deliveries(delivery_ids)


@task()
def deliver_due(now: str | None = None) -> dict:
    """Send every delivery due as of `now` (ISO 8601; the current time when omitted)."""
    return outbox.send_due(parse_datetime(now) if now else None)

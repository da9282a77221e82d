"""Background work of the deadlines: the periodic sweep, through Django's Tasks API."""

from django.utils.dateparse import parse_datetime
from django_tasks import task

from . import sweep as sweeping


@task()
def sweep(now: str | None = None) -> dict:
    """One full sweep as of `now` (ISO 8601; the current time when omitted)."""
    moment = parse_datetime(now) if now else None
    return sweeping.run_sweep(moment)

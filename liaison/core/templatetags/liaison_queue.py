import logging

from django import template

from liaison.core.queue import QueueStatus, default_queue, queue_status

logger = logging.getLogger(__name__)
register = template.Library()


@register.simple_tag
def background_queue() -> QueueStatus | None:
    """The default queue's depth and age for the admin's home page; None when the queue
    cannot be read (Redis down, for example), so the page still shows."""
    try:
        return queue_status(default_queue())
    except Exception:
        logger.exception("Could not read the background queue's status.")
        return None

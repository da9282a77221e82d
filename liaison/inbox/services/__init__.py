"""The inbox's state changes: notifying (in-app at once, e-mail and group robots through
the outbox), a person's e-mail preferences, the daily digests and the sweep, and marking
items read. Other areas use these names (`from liaison.inbox.services import notify`)."""

from .digests import DIGEST_MAX_ITEMS, send_digests, sweep
from .notifying import ENQUEUE_CHUNK, Attachment, notify, notify_many, retry_now, site_url
from .preferences import preferences_for, save_preferences
from .reading import mark_read, unread_count

__all__ = [
    "DIGEST_MAX_ITEMS",
    "ENQUEUE_CHUNK",
    "Attachment",
    "mark_read",
    "notify",
    "notify_many",
    "preferences_for",
    "retry_now",
    "save_preferences",
    "send_digests",
    "site_url",
    "sweep",
    "unread_count",
]

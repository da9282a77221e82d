"""A person's inbox as they read it."""

from collections.abc import Iterable

from django.utils import timezone

from liaison.org.models import Person

from ..models import Notification


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def mark_read(person: Person, pks: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a person's items read; returns how many changed."""
    items = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if pks is not None:
        items = items.filter(pk__in=list(pks))
    return items.update(read_at=timezone.now())

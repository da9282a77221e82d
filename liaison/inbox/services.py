"""Delivering inbox items: in-app at once, e-mail after the transaction commits (so a
rolled-back change never sends mail)."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.org.models import Person

from .models import Ask, Notification

logger = logging.getLogger(__name__)


def notify(
    recipients: Iterable[Person],
    *,
    ask: str,
    title: str,
    detail: str = "",
    url: str,
    subject=None,
    exclude: Person | None = None,
) -> list[Notification]:
    """One inbox item (and one e-mail) per distinct recipient, the actor excluded."""
    # Lazy translations become text now: the e-mail is built after commit.
    title, detail = str(title), str(detail)
    unique = {p.pk: p for p in recipients if p is not None and p.is_active}
    if exclude is not None:
        unique.pop(exclude.pk, None)
    if not unique:
        return []
    content_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    items = Notification.objects.bulk_create(
        Notification(
            recipient=person,
            ask=ask,
            title=title[:300],
            detail=detail[:300],
            url=url,
            content_type=content_type,
            object_id=str(subject.pk) if subject is not None else "",
        )
        for person in unique.values()
    )
    emails = [(p.email, ask, title, detail, url) for p in unique.values() if p.email]
    if emails:
        transaction.on_commit(lambda: _send_emails(emails))
    return items


def _send_emails(emails) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        for address, ask, title, detail, url in emails:
            body = "\n\n".join(part for part in (str(Ask(ask).label), title, detail, url) if part)
            try:
                send_mail(f"[{_('Liaison')}] {title}", body, None, [address])
            except OSError:
                # Mail is a courtesy copy; the inbox item is the record.
                logger.exception("Could not send a notification e-mail to %s", address)


def unread_count(person: Person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def mark_read(person: Person, pks: Iterable[int] | None = None) -> int:
    """Mark some (or all) of a person's items read; returns how many changed."""
    items = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if pks is not None:
        items = items.filter(pk__in=list(pks))
    return items.update(read_at=timezone.now())

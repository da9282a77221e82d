"""Delivering inbox items: in-app at once; e-mail and group-robot copies through the
outbox (Delivery rows written in the same transaction, sent by a task after commit, so a
rolled-back change never sends anything and a slow or broken mail server or robot never
holds up or undoes the change). E-mail follows each person's preferences: quiet hours
defer it, a daily digest collects it; urgent items skip both."""

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from liaison.core import bulk
from liaison.org.models import Person, Position

from .. import tasks, webhooks
from ..models import (
    Ask,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Notification,
    NotificationPreference,
    WebhookChannel,
)
from ..texts import Text

logger = logging.getLogger(__name__)

#: Deliveries per queued task: one task per notify(), a few for a sweep's many notices.
ENQUEUE_CHUNK = 200


@dataclass(frozen=True)
class Attachment:
    """A file sent with a notice's e-mails (not with robots, nor in digests)."""

    filename: str
    content: str
    mimetype: str


def notify(
    recipients: Iterable[Person],
    *,
    ask: str,
    title: str | Text,
    detail: str | Text = "",
    url: str,
    subject=None,
    exclude: Person | None = None,
    urgent: bool = False,
    attachment: Attachment | None = None,
) -> list[Notification]:
    """One inbox item per distinct recipient, the actor excluded; e-mail per each one's
    preferences (with the attachment, e.g. a meeting's .ics invitation); one message to
    each group robot of their departments (and, when urgent, to the organization's own
    robots)."""
    return notify_many(
        [
            {
                "recipients": recipients,
                "ask": ask,
                "title": title,
                "detail": detail,
                "url": url,
                "subject": subject,
                "exclude": exclude,
                "urgent": urgent,
                "attachment": attachment,
            }
        ]
    )


@dataclass
class _Notice:
    people: dict[int, Person]
    urgent: bool
    items: list[Notification]
    attachment: Attachment | None = None


def notify_many(notices: Iterable[dict]) -> list[Notification]:
    """Several notify() calls (each a dict of its keyword arguments) in a few queries, for
    the sweep: one insert of items, one of outbox rows, one task. Each notice is still one
    message per group robot."""
    now = timezone.now()
    planned: list[_Notice] = []
    rows: list[Notification] = []
    for notice in notices:
        plan = _notice_items(now=now, **notice)
        if plan is not None:
            planned.append(plan)
            rows.extend(plan.items)
    if not rows:
        return []
    # The insert sets the primary keys on the very objects each plan holds.
    bulk.insert(rows)
    deliveries = [*_email_deliveries(planned, now), *_robot_deliveries(planned, now)]
    if deliveries:
        bulk.insert(deliveries)
        due = [d.pk for d in deliveries if d.next_attempt_at <= now]
        for start in range(0, len(due), ENQUEUE_CHUNK):
            chunk = due[start : start + ENQUEUE_CHUNK]
            transaction.on_commit(partial(_enqueue, chunk), robust=True)
    return rows


def _notice_items(
    *,
    now,
    recipients: Iterable[Person],
    ask: str,
    title: str | Text,
    url: str,
    detail: str | Text = "",
    subject=None,
    exclude: Person | None = None,
    urgent: bool = False,
    attachment: Attachment | None = None,
) -> _Notice | None:
    # A Text is stored to be translated for each reader when read; title and detail keep
    # it as written (for the admin, and what older code reads).
    texts = {
        key: value.stored()
        for key, value in (("title", title), ("detail", detail))
        if isinstance(value, Text)
    }
    title, detail = str(title), str(detail)
    people = {p.pk: p for p in recipients if p is not None and p.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if not people:
        return None
    content_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    items = [
        # By id: the descriptor's checks cost more than the rest of the item, for thousands.
        Notification(
            recipient_id=person.pk,
            ask=ask,
            title=title[:300],
            detail=detail[:300],
            url=url,
            content_type=content_type,
            object_id=str(subject.pk) if subject is not None else "",
            created_at=now,
            urgent=urgent,
            texts=texts,
        )
        for person in people.values()
    ]
    return _Notice(people=people, urgent=urgent, items=items, attachment=attachment)


def site_url(path: str) -> str:
    return urljoin(settings.SITE_URL, path)


def _email_deliveries(planned: list[_Notice], now) -> list[Delivery]:
    addressed = {pk for plan in planned for pk, person in plan.people.items() if person.email}
    if not addressed:
        return []
    preferences = {
        p.person_id: p for p in NotificationPreference.objects.filter(person_id__in=addressed)
    }
    default = NotificationPreference()
    deliveries = []
    for plan in planned:
        payloads: dict[str, dict] = {}
        for item in plan.items:
            person = plan.people[item.recipient_id]
            if not person.email:
                continue
            preference = preferences.get(person.pk, default)
            if not preference.email_enabled or (preference.digest_enabled and not plan.urgent):
                continue
            when = now if plan.urgent else (preference.quiet_until(now) or now)
            # Finished text in the recipient's language, whatever the request's; the
            # recipients of one notice who share a language share its text.
            language = preference.language_code
            if language not in payloads:
                with translation.override(language):
                    payloads[language] = _email_payload(item, plan.attachment)
            deliveries.append(
                Delivery(
                    kind=DeliveryKind.EMAIL,
                    notification_id=item.pk,
                    recipient_id=person.pk,
                    address=person.email,
                    payload=payloads[language],
                    next_attempt_at=when,
                    created_at=now,
                )
            )
    return deliveries


def _email_payload(item: Notification, attachment: Attachment | None = None) -> dict:
    label = str(Ask(item.ask).label)
    title = item.shown_title
    body = "\n\n".join(
        part for part in (label, title, item.shown_detail, site_url(item.url)) if part
    )
    subject = f"[{_('Liaison')}] {title}"
    payload = {"subject": subject, "body": body}
    if attachment is not None:
        payload["attachment"] = asdict(attachment)
    return payload


def _robot_deliveries(planned: list[_Notice], now) -> list[Delivery]:
    """One message per notice to each robot of a department a recipient currently works
    in, and, for urgent notices, to each robot of the recipients' organizations."""
    everyone = {pk for plan in planned for pk in plan.people}
    departments = Position.objects.current().filter(person_id__in=everyone).values("department_id")
    where = Q(department_id__in=departments)
    organizations = {
        p.organization_id for plan in planned if plan.urgent for p in plan.people.values()
    }
    if organizations:
        where |= Q(department__isnull=True, organization_id__in=organizations)
    channels = list(WebhookChannel.objects.filter(where, is_active=True))
    if not channels:
        return []  # the usual case costs this one query
    by_department: dict[int, list[WebhookChannel]] = {}
    whole: dict[int, list[WebhookChannel]] = {}
    for channel in channels:
        if channel.department_id is None:
            whole.setdefault(channel.organization_id, []).append(channel)
        else:
            by_department.setdefault(channel.department_id, []).append(channel)
    works_in: dict[int, set[int]] = {}
    for person_id, department_id in (
        Position.objects.current()
        .filter(person_id__in=everyone, department_id__in=list(by_department))
        .values_list("person_id", "department_id")
    ):
        works_in.setdefault(person_id, set()).add(department_id)
    deliveries = []
    for plan in planned:
        targets = {
            channel.pk: channel
            for pk in plan.people
            for department_id in works_in.get(pk, ())
            for channel in by_department[department_id]
        }
        if plan.urgent:
            for person in plan.people.values():
                targets.update((c.pk, c) for c in whole.get(person.organization_id, ()))
        if not targets:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            message = webhooks.message_for(plan.items[0], settings.SITE_URL)
        payload = {"title": message.title, "text": message.text, "url": message.url}
        deliveries.extend(
            Delivery(
                kind=DeliveryKind.WEBHOOK,
                notification_id=plan.items[0].pk,
                channel=channel,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
            )
            for channel in targets.values()
        )
    return deliveries


def _enqueue(delivery_ids: list[int]) -> None:
    """After commit. A queue that cannot be reached loses nothing: the rows wait in the
    outbox for the sweep."""
    try:
        tasks.deliver_deliveries.enqueue(delivery_ids)
    except Exception:
        logger.exception("Could not queue deliveries %s; the sweep will send them", delivery_ids)


def retry_now(deliveries) -> int:
    """Make failed or waiting deliveries due at once and queue them (the admin action).
    Sent ones are left alone."""
    ids = list(
        deliveries.exclude(state=DeliveryState.SENT).values_list("pk", flat=True).order_by("pk")
    )
    if not ids:
        return 0
    count = (
        Delivery.objects.filter(pk__in=ids)
        .exclude(state=DeliveryState.SENT)
        .update(state=DeliveryState.PENDING, next_attempt_at=timezone.now())
    )
    transaction.on_commit(partial(_enqueue, ids), robust=True)
    return count

"""Sending the outbox: claim due Delivery rows, send them, record how it went.

A claim is short: in its own transaction the due rows are locked (skip_locked, so a
second worker takes other rows instead of waiting) and leased, i.e. their attempt is
counted and next_attempt_at moved past the time a send can take. Sending then happens
outside any transaction, so a slow mail server or robot holds no lock (on SQLite a write
transaction would lock the whole database), and a worker that dies mid-send leaves a
row that becomes due again when the lease ends. Nothing here raises to the caller.
"""

import datetime
import logging
import smtplib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from . import webhooks
from .models import Delivery, DeliveryKind, DeliveryState

logger = logging.getLogger(__name__)

#: After this many attempts a delivery is given up (about an hour and a half of backoff).
MAX_ATTEMPTS = 8
#: How long a claimed row is left alone by other workers while it is being sent.
LEASE = datetime.timedelta(minutes=15)
#: Rows claimed and sent together (one SMTP connection); small enough that a batch of
#: slow robots (5 s timeout each) is done well within the lease.
BATCH = 50
#: Seconds to wait for the mail server, unless settings.EMAIL_TIMEOUT says otherwise.
EMAIL_TIMEOUT = 30


@dataclass(frozen=True)
class Result:
    ok: bool
    retryable: bool = False
    error: str = ""


def _clock(now: datetime.datetime | None) -> datetime.datetime:
    # A late worker may be handed an old `now`; leases and backoff count from real time.
    real = timezone.now()
    return real if now is None or now < real else now


def _claim(rows, now: datetime.datetime) -> list[Delivery]:
    """Lock and lease the due pending rows of `rows` (a queryset); returns the claimed."""
    due = {"state": DeliveryState.PENDING, "next_attempt_at__lte": now}
    with transaction.atomic():
        claimed = list(
            rows.select_related("channel")
            .select_for_update(skip_locked=True, of=("self",))
            .filter(**due)[:BATCH]
        )
        if not claimed:
            return []
        # No other worker can have taken these in between: they are locked (PostgreSQL),
        # or this is the one write transaction there is (SQLite, BEGIN IMMEDIATE).
        Delivery.objects.filter(pk__in=[d.pk for d in claimed], **due).update(
            attempts=F("attempts") + 1, next_attempt_at=now + LEASE
        )
    for delivery in claimed:
        delivery.attempts += 1
        delivery.next_attempt_at = now + LEASE
    return claimed


def send_deliveries(ids: Iterable[int], now: datetime.datetime | None = None) -> dict:
    """Send these deliveries if they are still pending and due; counts by outcome."""
    ids = sorted(set(ids))
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        claimed = _claim(Delivery.objects.filter(pk__in=chunk), _clock(now))
        _add(counts, _send_claimed(claimed))
    return counts


def send_due(now: datetime.datetime | None = None, *, max_batches: int = 100) -> dict:
    """Send whatever is due, batch by batch, until nothing is (or max_batches is reached,
    so one run cannot go on for ever while new rows keep arriving)."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for _batch in range(max_batches):
        claimed = _claim(Delivery.objects.order_by("next_attempt_at", "pk"), _clock(now))
        if not claimed:
            break
        _add(counts, _send_claimed(claimed))
    return counts


def _add(counts: dict, more: dict) -> None:
    for key, value in more.items():
        counts[key] += value


def _send_claimed(claimed: Sequence[Delivery]) -> dict:
    counts = {"sent": 0, "retry": 0, "failed": 0}
    emails = [d for d in claimed if d.kind == DeliveryKind.EMAIL]
    robots = [d for d in claimed if d.kind == DeliveryKind.WEBHOOK]
    results = {}
    if emails:
        results.update(_send_emails(emails))
    for delivery in robots:
        results[delivery.pk] = _send_webhook(delivery)
    sent = [d for d in claimed if results[d.pk].ok]
    with transaction.atomic():  # one commit for the batch's outcomes
        counts["sent"] = _record_sent(sent)
        for delivery in claimed:
            if not results[delivery.pk].ok:
                counts[_record(delivery, results[delivery.pk])] += 1
    return counts


def _record_sent(deliveries: Sequence[Delivery]) -> int:
    """Mark sent, in one statement per attempt number, the rows still ours."""
    by_attempt: dict[int, list[int]] = {}
    for delivery in deliveries:
        by_attempt.setdefault(delivery.attempts, []).append(delivery.pk)
    now = timezone.now()
    for attempts, ids in by_attempt.items():
        Delivery.objects.filter(pk__in=ids, state=DeliveryState.PENDING, attempts=attempts).update(
            state=DeliveryState.SENT, sent_at=now, last_error=""
        )
    return len(deliveries)


def _send_emails(deliveries: Sequence[Delivery]) -> dict[int, Result]:
    """One connection for the batch; a broken one is reopened for the next message."""
    results = {}
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or EMAIL_TIMEOUT
    connection = get_connection(timeout=timeout)
    try:
        connection.open()
    except Exception as error:
        result = _email_failure(error)
        return {d.pk: result for d in deliveries}
    try:
        for delivery in deliveries:
            try:
                _email(delivery, connection).send()
            except Exception as error:
                logger.warning(
                    "Could not send a notification e-mail to %s (attempt %s): %r",
                    delivery.address,
                    delivery.attempts,
                    error,
                )
                results[delivery.pk] = _email_failure(error)
                _reopen_quietly(connection)
            else:
                results[delivery.pk] = Result(ok=True)
    finally:
        _close_quietly(connection)
    return results


def _email(delivery: Delivery, connection) -> EmailMessage:
    payload = delivery.payload
    message = EmailMessage(
        payload["subject"], payload["body"], to=[delivery.address], connection=connection
    )
    if "attachment" in payload:
        attachment = payload["attachment"]
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _email_failure(error: BaseException) -> Result:
    # smtplib.SMTPException is an OSError: refused connections, timeouts and the server's
    # error answers come here and may heal (a login failure, once the setting is fixed),
    # except an address the server rejects for good (5xx). Anything else (a malformed
    # message, a bug) will not heal either.
    retryable = isinstance(error, OSError)
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        retryable = any(code < 500 for code, _message in error.recipients.values())
    return Result(ok=False, retryable=retryable, error=repr(error))


def _reopen_quietly(connection) -> None:
    """After a failure the connection may be dead: start the next message on a new one."""
    _close_quietly(connection)
    try:
        connection.open()
    except Exception:
        # The next message opens (and closes) a connection of its own, and reports.
        logger.debug("Reopening the mail connection failed", exc_info=True)


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("Closing the mail connection failed", exc_info=True)


def _send_webhook(delivery: Delivery) -> Result:
    channel = delivery.channel
    if channel is None or not channel.is_active:
        return Result(ok=False, retryable=False, error="The group robot is switched off.")
    payload = delivery.payload
    message = webhooks.Message(title=payload["title"], text=payload["text"], url=payload["url"])
    try:
        result = webhooks.deliver(channel, message)
    except Exception as error:  # deliver() should not raise; a bug must not stop the batch
        logger.exception("Group robot delivery %s failed unexpectedly", delivery.pk)
        return Result(ok=False, retryable=False, error=repr(error))
    if result.ok:
        return Result(ok=True)
    error = f"{result.outcome}: {result.code if result.code is not None else result.status}"
    if result.detail:
        error = f"{error} {result.detail}"
    logger.warning("Group robot %s refused delivery %s: %s", channel, delivery.pk, error)
    return Result(ok=False, retryable=result.retryable, error=error)


def _record(delivery: Delivery, result: Result) -> str:
    """Write the outcome, only if the row is still ours (same attempt, still pending)."""
    now = timezone.now()
    mine = Delivery.objects.filter(
        pk=delivery.pk, state=DeliveryState.PENDING, attempts=delivery.attempts
    )
    if result.ok:
        mine.update(state=DeliveryState.SENT, sent_at=now, last_error="")
        return "sent"
    error = result.error[:500]
    if result.retryable and delivery.attempts < MAX_ATTEMPTS:
        wait = datetime.timedelta(seconds=webhooks.backoff(delivery.attempts))
        mine.update(next_attempt_at=now + wait, last_error=error)
        return "retry"
    mine.update(state=DeliveryState.FAILED, last_error=error)
    logger.error(
        "Gave up delivery %s (%s) after %s attempts: %s",
        delivery.pk,
        delivery.kind,
        delivery.attempts,
        error,
    )
    return "failed"

"""The inbox's periodic work: the daily digests, and sending what is due."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import tasks
from ..models import (
    Ask,
    Delivery,
    DeliveryKind,
    DeliveryState,
    Notification,
    NotificationPreference,
)
from .notifying import site_url

logger = logging.getLogger(__name__)

#: A digest lists at most this many items; the rest are in the inbox.
DIGEST_MAX_ITEMS = 100


def sweep(now: datetime.datetime | None = None) -> dict:
    """Called by the global sweep every minute: queue the daily digests that are due,
    then have every due delivery sent (quiet hours that ended, retries, digests, and
    anything whose task was lost). Safe to run twice at once."""
    now = now or timezone.now()
    digests = send_digests(now)
    due = Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).count()
    if due:
        try:
            tasks.deliver_due.enqueue(now.isoformat())
        except Exception:
            logger.exception("Could not queue the due deliveries; the next sweep will")
    return {"digests": digests, "deliveries_due": due}


def send_digests(now: datetime.datetime) -> int:
    """Write the digest e-mail of everyone whose digest time has passed today and who has
    not had today's; returns how many were written. Each is claimed by a compare-and-set
    on last_digest_on, so two sweeps at once write it once."""
    local = timezone.localtime(now)
    today = local.date()
    due = (
        NotificationPreference.objects.filter(
            digest_enabled=True,
            email_enabled=True,
            digest_hour__lte=local.hour,
            person__is_active=True,
        )
        .exclude(person__email="")
        .filter(Q(last_digest_on__isnull=True) | Q(last_digest_on__lt=today))
        .select_related("person")
    )
    written = 0
    # Read first, then write: SQLite does not isolate a cursor from writes on its table.
    for preference in list(due):
        if write_digest(preference, now, today):
            written += 1
    return written


def write_digest(preference: NotificationPreference, now, today) -> bool:
    since = preference.digest_from or now - datetime.timedelta(days=1)
    with transaction.atomic():
        claimed = (
            NotificationPreference.objects.filter(
                pk=preference.pk,
                last_digest_on=preference.last_digest_on,
                digest_from=preference.digest_from,
            ).update(last_digest_on=today, digest_from=now)
            == 1
        )
        if not claimed:
            return False
        items = Notification.objects.filter(
            recipient_id=preference.person_id,
            urgent=False,
            created_at__gt=since,
            created_at__lte=now,
        ).order_by("created_at", "pk")
        total = items.count()
        if not total:
            return False  # nothing to tell: no e-mail, but today counts as done
        person = preference.person
        delivery = Delivery.objects.create(
            kind=DeliveryKind.EMAIL,
            recipient=person,
            address=person.email,
            payload=digest_payload(list(items[:DIGEST_MAX_ITEMS]), total, preference.language_code),
            next_attempt_at=now,
            created_at=now,
        )
    logger.info("Daily digest %s of %s items for %s", delivery.pk, total, person)
    return True


def digest_payload(items: list[Notification], total: int, language: str | None = None) -> dict:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = "[{}] {}".format(
            _("Liaison"),
            ngettext("Daily digest: %(count)d item", "Daily digest: %(count)d items", total)
            % {"count": total},
        )
        lines = [_("What reached your inbox since the last digest:"), ""]
        for number, item in enumerate(items, 1):
            detail = item.shown_detail
            lines.append(f"{number}. {item.shown_title}")
            lines.append(f"   {Ask(item.ask).label}" + (f" · {detail}" if detail else ""))
            lines.append(f"   {site_url(item.url)}")
        if total > len(items):
            lines += ["", _("…and %(count)d more in your inbox:") % {"count": total - len(items)}]
            lines.append(site_url(reverse("inbox:list")))
        lines += [
            "",
            _("Change how you get these e-mails: %(url)s")
            % {"url": site_url(reverse("inbox:preferences"))},
        ]
    return {"subject": subject, "body": "\n".join(lines)}

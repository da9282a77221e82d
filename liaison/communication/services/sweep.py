"""The sweep (every minute): each row's distributions are created as they fall due and
their owner asked to send them; a distribution not sent by the end of its due day is
overdue, and its owner and the project manager are told once."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from liaison.core.plain import listing
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text

from .. import schedule
from ..models import Channel, Distribution, DistributionState, EventType, PlanRow
from .common import distribution_url, event, row_title

#: A sweep that finds a row far behind (the worker was stopped) creates at most this many
#: of its missed distributions, the latest ones.
MAX_CATCH_UP = 100


def audience_of(row: PlanRow) -> str:
    names = [str(s) for s in row.stakeholders.select_related("person", "department")]
    return listing(names)


def _tell_due(row: PlanRow, made: list[Distribution]) -> None:
    latest = made[-1]
    if len(made) == 1:
        detail = Text(
            gettext_noop("Due %(when)s by %(channel)s, to %(audience)s."),
            when=latest.due_at,
            channel=Channel(row.channel),
            audience=latest.audience,
        )
    else:
        detail = Text(
            gettext_noop("%(count)s distributions are due, the latest %(when)s."),
            count=len(made),
            when=latest.due_at,
        )
    notify(
        [latest.owner],
        ask=Ask.DISTRIBUTE,
        title=row_title(row),
        detail=detail,
        url=distribution_url(latest) if len(made) == 1 else reverse("communication:mine"),
        subject=latest,
    )


@transaction.atomic
def _fall_due(pk: int, now: datetime.datetime) -> int:
    """Create the distributions of one row whose moment has come; claimed under a row
    lock and re-checked, so two sweeps at once create each one once."""
    row = (
        PlanRow.objects.select_for_update(of=("self",))
        .select_related("project", "owner")
        .filter(pk=pk, next_due_at__lte=now)
        .first()
    )
    if row is None:
        return 0  # another sweep got there first, or the row changed
    if not (row.is_active and row.project.is_active):
        row.next_due_at = None
        row.save(update_fields=["next_due_at"])
        return 0
    times = schedule.due_times(
        row.rule, row.start_date, row.due_time, row.time_zone, row.next_due_at, now
    )[-MAX_CATCH_UP:]
    audience = audience_of(row)
    made = []
    for moment in times:
        distribution, created = Distribution.objects.get_or_create(
            row=row,
            due_at=moment,
            defaults={"owner": row.owner, "audience": audience, "created_at": now},
        )
        if created:
            made.append(distribution)
            event(
                row.project,
                EventType.FELL_DUE,
                None,
                row.information,
                distribution=distribution,
                at=now,
                row=row.pk,
                due_at=moment,
                owner=row.owner.name,
                audience=audience,
            )
    row.next_due_at = schedule.next_due(row.rule, row.start_date, row.due_time, row.time_zone, now)
    row.save(update_fields=["next_due_at"])
    if made:
        _tell_due(row, made)
    return len(made)


@transaction.atomic
def _mark_overdue(pk: int, now: datetime.datetime) -> bool:
    claimed = Distribution.objects.filter(
        pk=pk, state=DistributionState.DUE, overdue_notified_at__isnull=True
    ).update(overdue_notified_at=now)
    if not claimed:
        return False  # another sweep got there first, or it was sent meanwhile
    distribution = Distribution.objects.select_related("row__project", "owner").get(pk=pk)
    row = distribution.row
    event(
        row.project,
        EventType.OVERDUE,
        None,
        row.information,
        distribution=distribution,
        at=now,
        due_at=distribution.due_at,
        owner=distribution.owner.name,
    )
    notify(
        [distribution.owner, row.project.manager],
        ask=Ask.OVERDUE,
        title=row_title(row),
        detail=Text(gettext_noop("Due %(when)s and not yet sent."), when=distribution.due_at),
        url=distribution_url(distribution),
        subject=distribution,
    )
    return True


def sweep(now: datetime.datetime | None = None) -> dict:
    """Periodic work, safe to run twice at once: create the distributions that have
    fallen due (found through the index on next_due_at) and ask their owners to send them;
    tell owners and managers once about distributions gone overdue."""
    now = now or timezone.now()
    due = list(
        PlanRow.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .values_list("pk", flat=True)
    )
    late = list(
        Distribution.objects.overdue(now)
        .filter(overdue_notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    made = overdue = 0
    # The worker has no request: its notices are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for pk in due:
            made += _fall_due(pk, now)
        for pk in late:
            overdue += _mark_overdue(pk, now)
    return {"distributions_due": made, "distributions_overdue": overdue}

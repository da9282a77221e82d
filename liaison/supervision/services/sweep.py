"""The supervisions' periodic work, run by the deadlines sweep."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.matters.models import OPEN_STATES, EventType, Matter, State
from liaison.matters.services import matter_url, record_event

from ..models import Supervision
from .common import holders_of


def sweep(now: datetime.datetime | None = None) -> dict:
    """Periodic work, safe to run twice at once: tell the supervisor and the holder once
    when a supervision's deadline has passed without an accepted reply (each supervision
    is claimed with a conditional UPDATE first), and end the supervisions that ask for no
    reply once their matter is no longer open, or whose matter was withdrawn."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = 0
    due = Supervision.objects.filter(
        is_active=True, overdue_notified_at__isnull=True, deadline__lt=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            claimed = Supervision.objects.filter(
                pk=pk, is_active=True, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue  # another sweep got there first
            _tell_overdue(Supervision.objects.select_related("supervisor").get(pk=pk))
            overdue += 1
    ended = 0
    finished = Supervision.objects.filter(is_active=True).filter(
        Q(rectification_required=False) & ~Q(matter__state__in=[s.value for s in OPEN_STATES])
        | Q(matter__state=State.WITHDRAWN)
    )
    for pk in list(finished.values_list("pk", flat=True)):
        ended += Supervision.objects.filter(pk=pk, is_active=True).update(
            is_active=False, ended_at=now
        )
    return {"supervision_overdue": overdue, "supervision_ended": ended}


def _tell_overdue(supervision: Supervision) -> None:
    matter = Matter.objects.select_related(
        "organization", "lead_department", "owner_department", "responsible_person"
    ).get(pk=supervision.matter_id)
    record_event(
        matter,
        EventType.BREACHED,
        None,
        step="supervision",
        supervision=supervision.pk,
        # The end of the deadline day, a moment like the matters' own clocks record.
        due=timezone.make_aware(
            datetime.datetime.combine(supervision.deadline, datetime.time(23, 59, 59))
        ),
        holder=matter.lead_department,
    )
    with translation.override(settings.LANGUAGE_CODE):
        notify(
            [supervision.supervisor, *holders_of(matter)],
            ask=Ask.OVERDUE,
            title=f"{matter.number} {matter.title}",
            detail=Text(
                gettext_noop(
                    "The supervision deadline (%(date)s) passed without an accepted "
                    "rectification reply."
                ),
                date=supervision.deadline,
            ),
            url=matter_url(matter),
            subject=matter,
        )

"""A scorecard's lifecycle: draft → provisional (its department's heads see their line) →
open for appeal (APPEAL_DAYS working days of the organization's calendar) → reviewed →
final → published (a notice to all departments, with read receipts).

The office moves it on; the leading group (or the head of the organization) approves it
as final; the reviewer is never the person who ran the computation. Every transition is
on the scorecard's record (ScorecardEvent: who, when, from, to, why). Only the period's
latest computation moves: an earlier one was superseded.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import NotAllowed, WrongState
from liaison.notices import services as notices
from liaison.org.models import Person
from liaison.org.roles import coordinating_department
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.services import snapshot_for

from .. import policy, selectors
from ..models import (
    Appeal,
    AppealState,
    Scorecard,
    ScorecardEvent,
    ScorecardEventType,
    ScorecardState,
    Standing,
)
from .talks import open_talks

APPEAL_DAYS = 5
NEXT = {
    ScorecardState.DRAFT: ScorecardState.PROVISIONAL,
    ScorecardState.PROVISIONAL: ScorecardState.APPEAL,
    ScorecardState.APPEAL: ScorecardState.REVIEWED,
    ScorecardState.REVIEWED: ScorecardState.FINAL,
    ScorecardState.FINAL: ScorecardState.PUBLISHED,
}


def record(scorecard: Scorecard, type_: str, by: Person | None, reason: str = "", **data):
    return ScorecardEvent.objects.create(
        scorecard=scorecard, type=type_, actor=by, reason=reason, data=data
    )


def appeal_until(scorecard: Scorecard) -> datetime.datetime | None:
    """The end of the period's appeal window (kept across the recomputations of appeals)."""
    opened = (
        ScorecardEvent.objects.filter(
            scorecard__organization=scorecard.organization_id,
            scorecard__period=scorecard.period,
            type=ScorecardEventType.APPEAL,
        )
        .order_by("-at", "-pk")
        .first()
    )
    return datetime.datetime.fromisoformat(opened.data["until"]) if opened else None


def window_open(scorecard: Scorecard, now: datetime.datetime | None = None) -> bool:
    until = appeal_until(scorecard)
    return (
        scorecard.state == ScorecardState.APPEAL
        and until is not None
        and (now or timezone.now()) < until
    )


def _lock_latest(scorecard: Scorecard) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    latest = selectors.latest_scorecard(scorecard.organization, scorecard.period)
    if latest is None or latest.pk != scorecard.pk:
        raise WrongState(_("A later computation of this period replaced this scorecard."))
    return scorecard


def _check_review(scorecard: Scorecard, by: Person) -> None:
    if scorecard.computed_by_id == by.pk:
        raise NotAllowed(_("The reviewer cannot be the person who ran the computation."))
    if window_open(scorecard):
        raise WrongState(_("The appeal window is still open."))
    if Appeal.objects.filter(
        scorecard__organization=scorecard.organization_id,
        scorecard__period=scorecard.period,
        state=AppealState.PENDING,
    ).exists():
        raise WrongState(_("Decide every appeal before the review."))


@transaction.atomic
def advance(scorecard: Scorecard, by: Person, *, reason: str = "") -> Scorecard:
    """Moves the scorecard to its next state, or refuses."""
    scorecard = _lock_latest(scorecard)
    to = NEXT.get(scorecard.state)
    if to is None:
        raise WrongState(_("This scorecard is already published."))
    if not policy.may_advance(by, to):
        if to == ScorecardState.FINAL:
            raise NotAllowed(_("Only the leading group approves a scorecard as final."))
        raise NotAllowed(_("Only the coordinating office moves a scorecard on."))
    data = {"from": scorecard.state, "to": to}
    if to == ScorecardState.REVIEWED:
        _check_review(scorecard, by)
    if to == ScorecardState.APPEAL:
        snapshot = snapshot_for(scorecard.organization)
        now = timezone.now()
        data["until"] = add_working_time(snapshot, now, Amount(APPEAL_DAYS, Unit.WORKING_DAYS))
    scorecard.state = to
    scorecard.save(update_fields=["state"])
    if to == ScorecardState.PUBLISHED:
        data["notice"] = _publish(scorecard, by).pk
    record(scorecard, to, by, (reason or "").strip(), **data)
    if to == ScorecardState.FINAL:
        open_talks(scorecard, by)
    return scorecard


def _summary(scorecard: Scorecard) -> str:
    """The notice's body: the red and black lists per kind and a link to the scorecard."""
    url = f"{reverse('evaluation:scorecard')}?period={scorecard.period}"
    lines = [
        _("The scorecard of %(period)s is final. [Open the scorecard](%(url)s).")
        % {"period": scorecard.period, "url": url},
    ]
    for standing, title in ((Standing.RED, _("Red list")), (Standing.BLACK, _("Black list"))):
        names = [
            f"{line.department.name} ({line.score:g})"
            for line in scorecard.lines.filter(standing=standing)
            .select_related("department")
            .order_by("kind", "rank")
        ]
        lines.append(f"**{title}**: " + ("、".join(names) or _("none")))
    return "\n\n".join(lines)


def _publish(scorecard: Scorecard, by: Person):
    return notices.create_notice(
        by,
        notices.NoticeInput(
            title=_("Scorecard of %(period)s") % {"period": scorecard.period},
            author_department=coordinating_department(scorecard.organization),
            body=_summary(scorecard),
            to_everyone=True,
            require_read=True,
        ),
        publish=True,
    )

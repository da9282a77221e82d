"""Appeals (申诉): while a scorecard is open for appeal, a department's head (or deputy) or
liaison officer names ONE record of its figures (indicator and matter, as the drill-down
lists them) and a reason; the coordinating office, never the appellant, accepts or
rejects it with a reason. An accepted appeal stores an audited Adjustment of that record
(counted as met, or excluded from the units) and the scorecard is recomputed with it:
scores are never edited by hand."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.indicators import indicator as indicator_of
from liaison.matters.models import Matter
from liaison.org.models import Department, Person

from .. import adjustments, policy, selectors
from ..models import (
    Adjustment,
    Appeal,
    AppealState,
    Effect,
    Scorecard,
    ScorecardEventType,
)
from .computing import recompute
from .lifecycle import record, window_open


@dataclass
class AppealInput:
    department: Department
    indicator: str
    matter: Matter
    reason: str


def _reason(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(message, "reason")
    return text


@transaction.atomic
def file_appeal(scorecard: Scorecard, by: Person, data: AppealInput) -> Appeal:
    department = data.department
    if not policy.may_appeal(by, department.pk):
        raise NotAllowed(_("Only the department's head or liaison officer appeals for it."))
    latest = selectors.latest_scorecard(scorecard.organization, scorecard.period)
    if latest is None or latest.pk != scorecard.pk or not window_open(scorecard):
        raise WrongState(_("This scorecard is not open for appeal."))
    reason = _reason(data.reason, _("Say why the record was counted wrongly."))
    measured = indicator_of(data.indicator or "")
    if measured is None or measured.code not in scorecard.definitions:
        raise InvalidInput(_("No indicator with that code."), "indicator")
    period = selectors.period_of(scorecard)
    if data.matter is None or not any(
        r.matter_id == data.matter.pk
        for r, effect in adjustments.records_of(
            measured, scorecard.organization, period, department
        )
    ):
        raise InvalidInput(
            _("That matter is not among the records of this figure."),
            "matter",
        )
    if Appeal.objects.filter(
        scorecard__organization=scorecard.organization_id,
        scorecard__period=scorecard.period,
        department=department,
        indicator=measured.code,
        matter=data.matter,
        state=AppealState.PENDING,
    ).exists():
        raise WrongState(_("This record already has an appeal waiting for a decision."))
    appeal = Appeal.objects.create(
        scorecard=scorecard,
        department=department,
        indicator=measured.code,
        matter=data.matter,
        reason=reason,
        filed_by=by,
        filed_at=timezone.now(),
    )
    record(
        scorecard,
        ScorecardEventType.APPEAL_FILED,
        by,
        reason,
        appeal=appeal.pk,
        department=department,
        indicator=measured.code,
        matter=data.matter.number,
    )
    return appeal


@transaction.atomic
def decide_appeal(
    appeal: Appeal, by: Person, *, accept: bool, reason: str, effect: str = Effect.MET
) -> Appeal:
    """Accepts (with its effect on the record) or rejects the appeal; an accepted one
    recomputes the period's scorecard, which keeps its state."""
    appeal = Appeal.objects.select_for_update().select_related("scorecard").get(pk=appeal.pk)
    if appeal.state != AppealState.PENDING:
        raise WrongState(_("This appeal was already decided."))
    if not policy.may_decide_appeal(by, appeal):
        raise NotAllowed(_("The coordinating office decides appeals, never the appellant."))
    reason = _reason(reason, _("Give the reason for the decision."))
    if accept and effect not in Effect.values:
        raise InvalidInput(_("Choose how the record is counted."), "effect")
    now = timezone.now()
    appeal.state = AppealState.ACCEPTED if accept else AppealState.REJECTED
    appeal.effect = effect if accept else ""
    appeal.decided_by, appeal.decided_at, appeal.decision = by, now, reason
    appeal.save(update_fields=["state", "effect", "decided_by", "decided_at", "decision"])
    scorecard = selectors.latest_scorecard(appeal.scorecard.organization, appeal.scorecard.period)
    details = {"appeal": appeal.pk, "department": appeal.department, "effect": appeal.effect}
    if not accept:
        record(scorecard, ScorecardEventType.APPEAL_REJECTED, by, reason, **details)
        return appeal
    Adjustment.objects.create(
        organization=scorecard.organization,
        period=scorecard.period,
        indicator=appeal.indicator,
        department=appeal.department,
        matter=appeal.matter,
        effect=effect,
        appeal=appeal,
        made_by=by,
        made_at=now,
        reason=reason,
    )
    record(scorecard, ScorecardEventType.APPEAL_ACCEPTED, by, reason, **details)
    again = recompute(scorecard, by)
    again.state = scorecard.state
    again.save(update_fields=["state"])
    record(again, ScorecardEventType.RECOMPUTED, by, reason, replaces=scorecard.pk, **details)
    return appeal


def appeals_for(person: Person, scorecard: Scorecard):
    """The period's appeals the person may see: all for the office and leaders, their
    departments' for a head or liaison officer."""
    found = Appeal.objects.filter(
        scorecard__organization=scorecard.organization_id, scorecard__period=scorecard.period
    ).select_related("department", "matter", "filed_by", "decided_by")
    if not policy.sees_every_department(person):
        found = found.filter(department_id__in=policy.own_departments(person, scorecard))
    return found

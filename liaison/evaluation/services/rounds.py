"""Peer evaluation (三评) rounds: opening a quarter's round, answering its ballots (signed
in, or with an external rater's code), reminders, and the peer score.

- Raters are drawn from real work: for each evaluated department D, the departments that
  raised (originator) or co-organized the matters D led, raised in the quarter and not
  withdrawn; never D itself, never an external unit. Each rater department's head, deputy
  or liaison officer answers one ballot per department it rates.
- External raters (enterprises, patient representatives) get one random code per rater
  and evaluated department from the office: shown once, kept only as a keyed hash, and
  spent by the answer.
- A round is open OPEN_DAYS working days (the organization's calendar); rater departments
  still owing a ballot are reminded at working days REMINDER_DAYS (a sweep step).
- The peer score of D in a quarter is the mean of the OVERALL item over the answered
  ballots on D (the other items explain it on the round's page; the overall item is the
  question that judges the department as a whole). With fewer than MINIMUM_RATERS answers
  D has no peer score: it is not ranked by its peers, and its scorecard goes without it.
"""

import hashlib
import secrets

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.indicators import Period
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.matters.models import CoOrganizer, Matter, State
from liaison.org.models import Department, DepartmentKind, Organization, Person
from liaison.org.roles import handlers_of
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.services import snapshot_for

from .. import periods, policy, selectors
from ..models import PeerBallot, PeerRound, RoundState, Satisfaction

OPEN_DAYS = 10
REMINDER_DAYS = (5, 9)
MINIMUM_RATERS = 5
ITEMS = ("overall", "attitude", "efficiency", "quality", "cooperation")
#: At or below this level a comment is required.
COMMENT_FROM = Satisfaction.DISSATISFIED
#: Codes read XXXX-XXXX-XXXX in an alphabet without look-alikes (0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS = 3


def raters_of(organization: Organization, period: Period) -> dict[int, set[int]]:
    """{evaluated department id: rater department ids} from the quarter's matters."""
    matters = Matter.objects.filter(
        organization=organization,
        created_at__gte=period.start,
        created_at__lt=period.end,
        lead_department__isnull=False,
    ).exclude(state__in=(State.WITHDRAWN, State.DRAFT))
    pairs = set(matters.values_list("lead_department_id", "originator_department_id"))
    pairs |= set(
        CoOrganizer.objects.filter(matter__in=matters).values_list(
            "matter__lead_department_id", "department_id"
        )
    )
    evaluated = {d.pk for d in selectors.evaluated_departments(organization)}
    raters: dict[int, set[int]] = {}
    for lead, rater in pairs:
        if rater is not None and lead != rater and lead in evaluated and rater in evaluated:
            raters.setdefault(lead, set()).add(rater)
    return raters


def _closing(organization: Organization, opens):
    return add_working_time(snapshot_for(organization), opens, Amount(OPEN_DAYS, Unit.WORKING_DAYS))


def open_round(organization: Organization, period_code: str, by: Person) -> PeerRound:
    if not policy.may_run_rounds(by):
        raise NotAllowed(_("Only the coordinating office runs peer evaluation rounds."))
    period = periods.parse(period_code)
    if "Q" not in period.code:
        raise InvalidInput(_("Give a quarter such as 2026-Q4."), field="period")
    if PeerRound.objects.filter(organization=organization, period=period.code).exists():
        raise WrongState(_("This quarter already has a round."))
    now = timezone.now()
    with transaction.atomic():
        peer_round = PeerRound.objects.create(
            organization=organization,
            period=period.code,
            opens=now,
            closes=_closing(organization, now),
            opened_by=by,
        )
        PeerBallot.objects.bulk_create(
            PeerBallot(round=peer_round, evaluated_id=evaluated, rater_department_id=rater)
            for evaluated, raters in sorted(raters_of(organization, period).items())
            for rater in sorted(raters)
        )
        _ask_raters(peer_round)
    return peer_round


def _ask_raters(peer_round: PeerRound) -> None:
    """Tells each rater department's head, deputy and liaison officer what it has to rate."""
    owed = (
        peer_round.ballots.filter(rater_department__isnull=False)
        .values("rater_department")
        .annotate(n=Count("pk"))
    )
    departments = Department.objects.in_bulk([row["rater_department"] for row in owed])
    for row in owed:
        notify(
            handlers_of(departments[row["rater_department"]]),
            ask=Ask.ANSWER,
            title=Text(
                gettext_noop("Peer evaluation %(period)s is open: departments to rate: %(count)s"),
                period=peer_round.period,
                count=row["n"],
            ),
            detail=Text(
                gettext_noop("Answer by %(closes)s; those you rate do not see who rated."),
                closes=peer_round.closes,
            ),
            url=reverse("evaluation:to-rate"),
            subject=peer_round,
        )


# External codes.


def _hash(code: str) -> str:
    normal = code.strip().upper().replace(" ", "")
    return salted_hmac("liaison.evaluation.peer-code", normal, algorithm="sha256").hexdigest()


def _new_code() -> str:
    return "-".join(
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(CODE_GROUPS)
    )


def issue_codes(
    peer_round: PeerRound, by: Person, rater_label: str, evaluated: list[Department]
) -> list[tuple[Department, str]]:
    """One code per evaluated department for an external rater: the codes are returned
    this once and never stored."""
    if not policy.may_run_rounds(by):
        raise NotAllowed(_("Only the coordinating office runs peer evaluation rounds."))
    _refuse_unless_open(peer_round)
    rater_label = rater_label.strip()
    if not rater_label or not evaluated:
        raise InvalidInput(_("Name the external rater and the departments they rate."))
    if any(
        d.organization_id != peer_round.organization_id or d.kind == DepartmentKind.EXTERNAL
        for d in evaluated
    ):
        raise InvalidInput(_("Only the organization's own departments are evaluated."))
    issued = [(department, _new_code()) for department in evaluated]
    PeerBallot.objects.bulk_create(
        PeerBallot(round=peer_round, evaluated=d, rater_label=rater_label, code_hash=_hash(code))
        for d, code in issued
    )
    return issued


def ballot_by_code(code: str) -> PeerBallot | None:
    """The unanswered ballot of an open round that this code opens."""
    return (
        PeerBallot.objects.filter(
            code_hash=_hash(code), answered_at__isnull=True, round__state=RoundState.OPEN
        )
        .select_related("round", "evaluated")
        .first()
    )


# Answering.


def _refuse_unless_open(peer_round: PeerRound) -> None:
    if peer_round.state != RoundState.OPEN or timezone.now() >= peer_round.closes:
        raise WrongState(_("This round is closed."))


def _checked(answers: dict) -> dict:
    values = {}
    for item in ITEMS:
        try:
            values[item] = Satisfaction(int(answers.get(item)))
        except (TypeError, ValueError):
            raise InvalidInput(_("Choose a level for every question."), field=item) from None
    comment = (answers.get("comment") or "").strip()
    if not comment and any(value <= COMMENT_FROM for value in values.values()):
        raise InvalidInput(
            _("Say why in a comment: it is required at 'Dissatisfied' or below."),
            field="comment",
        )
    return values | {"comment": comment}


def _answered(ballot_id: int, values: dict, by: Person | None) -> PeerBallot:
    """Stores the answer unless somebody answered first (conditional update)."""
    done = PeerBallot.objects.filter(pk=ballot_id, answered_at__isnull=True).update(
        **values, answered_at=timezone.now(), answered_by=by
    )
    if not done:
        raise WrongState(_("This questionnaire has already been answered."))
    return PeerBallot.objects.get(pk=ballot_id)


def answer(ballot: PeerBallot, by: Person, answers: dict) -> PeerBallot:
    if not policy.may_answer(by, ballot):
        raise NotAllowed(_("Only the rater department's head or liaison officer answers it."))
    _refuse_unless_open(ballot.round)
    return _answered(ballot.pk, _checked(answers), by)


def answer_by_code(code: str, answers: dict) -> PeerBallot:
    ballot = ballot_by_code(code)
    if ballot is None:
        raise InvalidInput(_("This code is not valid, or it has been used."), field="code")
    _refuse_unless_open(ballot.round)
    values = _checked(answers)
    # Spending the code: its hash goes, so that the answer no longer leads back to it.
    values["code_hash"] = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
    return _answered(ballot.pk, values, None)


# Progress and results.


def progress(peer_round: PeerRound) -> list[dict]:
    """Per evaluated department: ballots asked and answered, and the peer score (None
    below MINIMUM_RATERS answers)."""
    rows = (
        peer_round.ballots.values("evaluated")
        .annotate(
            asked=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            points=Sum("overall", filter=Q(answered_at__isnull=False)),
        )
        .order_by("evaluated__sort_order")
    )
    departments = Department.objects.in_bulk([row["evaluated"] for row in rows])
    return [
        {
            "department": departments[row["evaluated"]],
            "asked": row["asked"],
            "answered": row["answered"],
            "ranked": row["answered"] >= MINIMUM_RATERS,
            "score": round(row["points"] / row["answered"], 2)
            if row["answered"] >= MINIMUM_RATERS
            else None,
        }
        for row in rows
    ]


# Closing and reminders (the sweep).


def _remind(peer_round: PeerRound, day: int) -> int:
    owing = (
        peer_round.ballots.filter(answered_at__isnull=True, rater_department__isnull=False)
        .values_list("rater_department", flat=True)
        .distinct()
    )
    count = 0
    for department in Department.objects.filter(pk__in=owing):
        notify(
            handlers_of(department),
            ask=Ask.ANSWER,
            title=Text(
                gettext_noop("Peer evaluation %(period)s: your department still has to rate"),
                period=peer_round.period,
            ),
            detail=Text(
                gettext_noop("Working day %(day)s of %(days)s: the round closes %(closes)s."),
                day=day,
                days=OPEN_DAYS,
                closes=peer_round.closes,
            ),
            url=reverse("evaluation:to-rate"),
            subject=peer_round,
        )
        count += 1
    return count


def sweep(now) -> dict[str, int]:
    """Closes the rounds whose time is up and reminds at working days 5 and 9."""
    closed = PeerRound.objects.filter(state=RoundState.OPEN, closes__lte=now).update(
        state=RoundState.CLOSED
    )
    reminded = 0
    for peer_round in PeerRound.objects.filter(
        state=RoundState.OPEN, reminders_sent__lt=len(REMINDER_DAYS)
    ).select_related("organization"):
        snapshot = snapshot_for(peer_round.organization)
        day = REMINDER_DAYS[peer_round.reminders_sent]
        due = add_working_time(snapshot, peer_round.opens, Amount(day, Unit.WORKING_DAYS))
        if now < due:
            continue
        # Claimed by a conditional update: two sweeps at once remind once.
        if PeerRound.objects.filter(
            pk=peer_round.pk, reminders_sent=peer_round.reminders_sent
        ).update(reminders_sent=peer_round.reminders_sent + 1):
            reminded += _remind(peer_round, day)
    return {"peer rounds closed": closed, "peer reminders": reminded}

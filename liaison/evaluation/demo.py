"""The demo hospital's evaluation: the scorecards of every month and quarter its matters
span, walked through their lifecycle as the office would have done it, and a finished
peer evaluation round (三评) for the last complete quarter.

Everything runs through the services under time_machine, at the moments it would have
happened: a period is computed the day after it ends (the quarter before the current one
after its peer round has closed), moved to provisional and opened for appeal at once,
then reviewed, approved and published once its appeal window is over — unless that is
still to come, so the last month waits in its appeal window. The running month and
quarter are computed now and stay drafts. The dashboard's trends read these scorecards.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from liaison.matters.demo import HISTORY_DAYS
from liaison.notices.models import Receipt
from liaison.org.models import Organization, Person
from liaison.org.roles import coordinating_department, heads_of, organization_heads
from liaison.worktime.domain import Amount, Unit, add_working_time
from liaison.worktime.services import snapshot_for

from . import periods
from .models import PeerRound, Satisfaction, ScorecardEventType, ScorecardState
from .services import compute, lifecycle, rounds

SEED = 2026
#: What a rater department says when it rates a level at or below "dissatisfied".
COMPLAINTS = (
    "回复时限多次超期，需催办才有进展。",
    "牵头后未指定具体责任人，沟通成本较高。",
    "反馈内容过于简单，问题实际未解决。",
    "电话多次无人接听，建议明确联系人。",
)
PRAISE = (
    "响应及时，主动沟通，配合良好。",
    "处理规范，回复清楚。",
    "能够主动协调相关科室，效率较高。",
    "",
)
LEVELS = sorted(Satisfaction.values)


@dataclass
class DemoEvaluation:
    scorecards: dict[str, str] = field(default_factory=dict)  # period → state reached
    peer_round: PeerRound | None = None
    ballots: int = 0
    answered: int = 0


def _at_nine(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(hour=9, minute=0, second=0, microsecond=0)


def _level(rng: random.Random, mean: float) -> int:
    """The scale's level nearest a draw around the department's reputation."""
    draw = rng.gauss(mean, 12)
    return min(LEVELS, key=lambda level: abs(level - draw))


def _answers(rng: random.Random, mean: float) -> dict:
    answers = {item: _level(rng, mean) for item in rounds.ITEMS}
    low = any(value <= rounds.COMMENT_FROM for value in answers.values())
    answers["comment"] = rng.choice(COMPLAINTS) if low else rng.choice(PRAISE)
    return answers


def _peer_round(organization, quarter, office: Person, now, rng, result) -> datetime.datetime:
    """Opens the quarter's round two working days after it ended (early enough to be over by
    now), has every rater department's head answer most ballots within the window, and
    closes it by the sweep. Returns when it closed."""
    import time_machine  # a development dependency, like the demo itself

    after = add_working_time(snapshot_for(organization), quarter.end, Amount(2, Unit.WORKING_DAYS))
    opens = _at_nine(min(after, now - datetime.timedelta(days=30)))
    with time_machine.travel(opens, tick=False) as traveller:
        peer_round = rounds.open_round(organization, quarter.code, office)
        ballots = list(peer_round.ballots.select_related("rater_department").order_by("pk"))
        # Each evaluated department has a reputation its raters roughly agree on.
        reputation = {b.evaluated_id: rng.choice((92, 85, 78, 70, 58)) for b in ballots}
        window = (peer_round.closes - opens) * 0.8
        for ballot in sorted(ballots, key=lambda b: rng.random()):
            # A few raters of a department that has too few of them anyway never answer.
            asked = sum(b.evaluated_id == ballot.evaluated_id for b in ballots)
            if asked < rounds.MINIMUM_RATERS and rng.random() < 0.2:
                continue
            head = heads_of(ballot.rater_department)
            if not head:
                continue
            traveller.move_to(opens + window * rng.random())
            rounds.answer(ballot, head[0], _answers(rng, reputation[ballot.evaluated_id]))
            result.answered += 1
        closes = peer_round.closes + datetime.timedelta(hours=1)
        traveller.move_to(closes)
        rounds.sweep(timezone.now())
    result.peer_round = PeerRound.objects.get(pk=peer_round.pk)
    result.ballots = len(ballots)
    return closes


def _read(notice_id: int, rng: random.Random, diligence: dict, now) -> None:
    """The published scorecard is read, sooner or later or never, department by
    department (its notice-reading rate counts in the next scorecards)."""
    receipts = Receipt.objects.filter(notice=notice_id, delivered_at__isnull=False)
    chosen = []
    for receipt in receipts:
        share = diligence.setdefault(receipt.department_id, rng.choice((0.95, 0.85, 0.7, 0.5)))
        if rng.random() < share:
            late = rng.random() > share  # the less diligent also read later
            minutes = rng.randint(600, 6000) if late else rng.randint(5, 480)
            receipt.read_at = min(receipt.delivered_at + datetime.timedelta(minutes=minutes), now)
            receipt.read_via = "page"
            chosen.append(receipt)
    Receipt.objects.bulk_update(chosen, ["read_at", "read_via"])


def _walk(scorecard, people: tuple, now, traveller, read) -> str:
    """Provisional and open for appeal at once; reviewed, final and published once the
    appeal window is over, if that is before now."""
    office, reviewer, approver = people
    lifecycle.advance(scorecard, office)
    lifecycle.advance(scorecard, office)
    after_window = lifecycle.appeal_until(scorecard) + datetime.timedelta(hours=1)
    if after_window >= now:
        return ScorecardState.APPEAL
    traveller.move_to(after_window)
    lifecycle.advance(scorecard, reviewer)
    lifecycle.advance(scorecard, approver)
    lifecycle.advance(scorecard, office)
    published = scorecard.events.get(type=ScorecardEventType.PUBLISHED)
    read(published.data["notice"])
    return ScorecardState.PUBLISHED


def _periods(now: datetime.datetime) -> list:
    """The months and quarters the history touches, oldest first."""
    first = timezone.localtime(now - datetime.timedelta(days=HISTORY_DAYS))
    last = timezone.localtime(now)
    codes = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        codes.append(f"{year}-{month:02d}")
        quarter = f"{year}-Q{(month - 1) // 3 + 1}"
        if quarter not in codes:
            codes.append(quarter)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return [periods.parse(code, now) for code in codes]


def build_demo_evaluation(organization: Organization, *, seed: int = SEED) -> DemoEvaluation:
    """Scorecards for the demo's months and quarters and the last quarter's peer round;
    run after the matters, whose records they count."""
    import time_machine

    rng = random.Random(seed)
    now = timezone.now()
    office = Person.objects.get(organization=organization, user__username="yuanban")
    reviewer = heads_of(coordinating_department(organization))[0]
    approver = organization_heads(organization)[0]
    people = (office, reviewer, approver)
    diligence: dict[int, float] = {}

    def read(notice_id):
        _read(notice_id, rng, diligence, now)

    result = DemoEvaluation()
    current = periods.current(now)
    with transaction.atomic():
        round_closed = None
        for period in _periods(now):
            if period.end >= now:
                continue
            if "Q" in period.code and period.code != current.code:
                round_closed = _peer_round(organization, period, office, now, rng, result)
        for period in _periods(now):
            if period.end >= now:  # still running: computed now, a draft
                compute(organization, period, office)
                result.scorecards[period.code] = ScorecardState.DRAFT
                continue
            moment = _at_nine(period.end + datetime.timedelta(days=1))
            if "Q" in period.code and round_closed:
                moment = max(moment, round_closed + datetime.timedelta(hours=1))
            moment = min(moment, now - datetime.timedelta(hours=1))
            with time_machine.travel(moment, tick=False) as traveller:
                scorecard = compute(organization, period, office)
                state = _walk(scorecard, people, now, traveller, read)
            result.scorecards[period.code] = state
    return result

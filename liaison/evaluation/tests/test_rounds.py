"""Peer evaluation (三评) rounds: raters drawn from the quarter's matters, the comment
rule, single-use codes, the working-day deadline and reminders, the peer score."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from liaison.core import indicators
from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.deadlines.sweep import run_sweep
from liaison.evaluation import peer, periods
from liaison.evaluation.models import PeerBallot, RoundState
from liaison.evaluation.policy import own_departments
from liaison.evaluation.services import compute, rounds
from liaison.inbox.models import Ask, Notification
from liaison.matters.tests.factories import MatterFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Monday 2026-11-16 09:00 in the hospital: the round opens then.
MONDAY = datetime.datetime(2026, 11, 16, 9, tzinfo=SHANGHAI)
GOOD = dict.fromkeys(rounds.ITEMS, 80)
#: The five departments that raise matters led by 信息科 in `worked`.
RATERS = ("YJK", "MZB", "ZWK", "BWK", "EK")


@pytest.fixture(name="during_the_round", autouse=True)
def at_the_round():
    """An hour into the round, unless a test travels elsewhere."""
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        yield


@pytest.fixture(name="worked")
def worked_hospital(h):
    """Matters led by 信息科 raised by five departments (药剂科 also co-organizing one led by
    门诊部), all in 2026-Q4; one raised in Q3 by 总务科 for 门诊部 does not count."""
    with time_machine.travel(datetime.datetime(2026, 9, 10, 10, tzinfo=SHANGHAI), tick=False):
        MatterFactory(originator=h.p["zwk_staff"], lead=h.d["MZB"], state="accepted", by=h)
    with time_machine.travel(datetime.datetime(2026, 10, 12, 10, tzinfo=SHANGHAI), tick=False):
        for key in ("yjk_staff", "mzb_staff", "zwk_staff", "bwk_staff", "outsider"):
            MatterFactory(originator=h.p[key], lead=h.d["XXK"], state="accepted", by=h)
        MatterFactory(
            originator=h.p["xxk_staff"],
            lead=h.d["MZB"],
            co_departments=[h.d["YJK"]],
            state="accepted",
            by=h,
        )
    return h


def opened(h):
    with time_machine.travel(MONDAY, tick=False):
        return rounds.open_round(h.organization, "2026-Q4", h.p["office"])


def codes(ballots) -> set[tuple[str, str]]:
    return {(b.evaluated.code, b.rater_department.code) for b in ballots}


def test_raters_are_the_departments_that_worked_with_it(worked):
    h = worked
    peer_round = opened(h)
    asked = codes(peer_round.ballots.select_related("evaluated", "rater_department"))
    assert {rater for evaluated, rater in asked if evaluated == "XXK"} == set(RATERS)
    # 门诊部 led two matters: raised by 信息科 with 药剂科 co-organizing; the Q3 matter of
    # 总务科 is outside the quarter.
    assert {rater for evaluated, rater in asked if evaluated == "MZB"} == {"XXK", "YJK"}
    assert all(evaluated != rater for evaluated, rater in asked)
    # Departments that led nothing are rated by nobody.
    assert {evaluated for evaluated, _rater in asked} == {"XXK", "MZB"}


def test_opening_asks_each_rater_departments_people(worked):
    h = worked
    opened(h)
    asked = Notification.objects.filter(ask=Ask.ANSWER).select_related("recipient")
    names = {n.recipient.name for n in asked}
    assert {h.p["ek_head"].name, h.p["yjk_liaison"].name, h.p["xxk_head"].name} <= names
    # Staff are not asked, nor departments that rate nobody (院办).
    assert h.p["zwk_staff"].name not in names and h.p["office_head"].name not in names


def test_the_round_closes_ten_working_days_later(worked):
    peer_round = opened(worked)
    assert peer_round.state == RoundState.OPEN
    # Monday 16th + 10 working days: Monday 30th at the same time of day.
    assert peer_round.closes.astimezone(SHANGHAI) == MONDAY + datetime.timedelta(days=14)


def test_only_the_office_opens_a_round_and_once_per_quarter(worked):
    h = worked
    with pytest.raises(NotAllowed):
        rounds.open_round(h.organization, "2026-Q4", h.p["xxk_head"])
    opened(h)
    with pytest.raises(WrongState):
        opened(h)


def test_a_comment_is_required_at_dissatisfied_or_below(worked):
    h = worked
    ballot = opened(h).ballots.get(evaluated=h.d["XXK"], rater_department=h.d["YJK"])
    with pytest.raises(InvalidInput) as refused:
        rounds.answer(ballot, h.p["yjk_head"], GOOD | {"quality": 40})
    assert refused.value.field == "comment"
    rounds.answer(ballot, h.p["yjk_liaison"], GOOD | {"quality": 40, "comment": "回复太慢。"})
    ballot.refresh_from_db()
    assert (ballot.quality, ballot.comment) == (40, "回复太慢。")
    with pytest.raises(WrongState):
        rounds.answer(ballot, h.p["yjk_head"], GOOD)


def test_only_the_rater_departments_people_answer(worked):
    h = worked
    ballot = opened(h).ballots.get(evaluated=h.d["XXK"], rater_department=h.d["YJK"])
    for key in ("xxk_head", "yjk_staff", "office"):
        with pytest.raises(NotAllowed):
            rounds.answer(ballot, h.p[key], GOOD)


def test_an_external_code_is_single_use_and_stored_only_as_a_hash(worked):
    h = worked
    peer_round = opened(h)
    [(department, code)] = rounds.issue_codes(
        peer_round, h.p["office"], "华康医疗器械公司", [h.d["XXK"]]
    )
    assert department == h.d["XXK"]
    stored = PeerBallot.objects.get(rater_label="华康医疗器械公司")
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    with pytest.raises(InvalidInput):
        rounds.answer_by_code("AAAA-BBBB-CCCC", GOOD)
    rounds.answer_by_code(code.lower(), GOOD)
    assert PeerBallot.objects.get(pk=stored.pk).answered_at is not None
    with pytest.raises(InvalidInput):
        rounds.answer_by_code(code, GOOD)


def answer_all(h, peer_round, evaluated: str, overall: list[int]):
    for rater, points in zip(RATERS, overall, strict=False):
        ballot = peer_round.ballots.get(evaluated=h.d[evaluated], rater_department=h.d[rater])
        comment = "需要改进。" if points <= 40 else ""
        person = next(p for p in h.p.values() if h.d[rater].pk in own_departments(p))
        rounds.answer(ballot, person, GOOD | {"overall": points, "comment": comment})


def test_below_five_raters_a_department_has_no_peer_score(worked):
    h = worked
    peer_round = opened(h)
    answer_all(h, peer_round, "XXK", [100, 80, 60, 40])
    row = next(r for r in rounds.progress(peer_round) if r["department"] == h.d["XXK"])
    assert (row["asked"], row["answered"], row["ranked"], row["score"]) == (5, 4, False, None)
    assert peer.compute(h.organization, periods.parse("2026-Q4")) == {}
    # The fifth rater (儿科) answers:
    ballot = peer_round.ballots.get(evaluated=h.d["XXK"], rater_department=h.d["EK"])
    rounds.answer(ballot, h.p["ek_head"], GOOD | {"overall": 20, "comment": "推诿。"})
    row = next(r for r in rounds.progress(peer_round) if r["department"] == h.d["XXK"])
    assert (row["answered"], row["ranked"], row["score"]) == (5, True, 60.0)


def test_the_peer_score_enters_a_computed_scorecard(worked):
    h = worked
    indicators.register(peer.PEER_SCORE)
    peer_round = opened(h)
    answer_all(h, peer_round, "XXK", [100, 100, 80, 80, 60])
    scorecard = compute(h.organization, periods.parse("2026-Q4"), h.p["office"])
    line = scorecard.lines.get(department=h.d["XXK"])
    assert line.values["peer_score"] == {
        "value": 84.0,
        "numerator": 420,
        "denominator": 5,
        "score": 84.0,
        "met": None,
    }
    assert scorecard.lines.get(department=h.d["MZB"]).values["peer_score"]["value"] is None
    labels = [r.label for r in peer.records(h.organization, periods.parse("2026-Q4"), h.d["XXK"])]
    assert len(labels) == 5
    assert not any(h.d[code].name in label for label in labels for code in RATERS)


def test_reminders_at_working_days_five_and_nine_to_raters_who_owe(worked):
    h = worked
    peer_round = opened(h)
    ballot = peer_round.ballots.get(evaluated=h.d["XXK"], rater_department=h.d["YJK"])
    rounds.answer(ballot, h.p["yjk_head"], GOOD)  # 药剂科 also owes 门诊部 a ballot

    def reminded(at) -> set[str]:
        Notification.objects.all().delete()
        with time_machine.travel(at, tick=False):
            run_sweep()
        asked = Notification.objects.filter(ask=Ask.ANSWER).select_related("recipient")
        return {n.recipient.name for n in asked}

    # Friday 20th 09:00 is working day 4: nothing yet.
    assert reminded(MONDAY + datetime.timedelta(days=4)) == set()
    day_five = reminded(MONDAY + datetime.timedelta(days=7))  # Monday 23rd 09:00
    assert {h.p["mzb_head"].name, h.p["yjk_head"].name, h.p["ek_head"].name} <= day_five
    assert h.p["xxk_staff"].name not in day_five
    assert reminded(MONDAY + datetime.timedelta(days=8)) == set()  # once only
    day_nine = reminded(MONDAY + datetime.timedelta(days=11))  # Friday 27th 09:00
    assert h.p["ek_head"].name in day_nine
    with time_machine.travel(MONDAY + datetime.timedelta(days=14), tick=False):
        run_sweep()
    peer_round.refresh_from_db()
    assert peer_round.state == RoundState.CLOSED

"""The evaluation demo: scorecards of the demo's months and quarters with ranks and a red
list, walked through their lifecycle, a closed peer round with answered ballots, and
enough periods for the president's trends. Built once on a small demo (fewer matters than
the default 300) inside a transaction rolled back at the end."""

import pytest
from django.db import transaction
from django.test import override_settings

from liaison.dashboard import selectors as dashboard
from liaison.evaluation.demo import build_demo_evaluation
from liaison.evaluation.models import (
    PeerBallot,
    RoundState,
    Satisfaction,
    Scorecard,
    ScorecardEvent,
    ScorecardEventType,
    ScorecardLine,
    ScorecardState,
    Standing,
)
from liaison.matters.demo import build_demo_matters
from liaison.notices.models import Receipt
from liaison.org.demo import build_demo_hospital

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_fake_indicators():
    """The demo counts the real indicators (the area's conftest empties the catalogue)."""


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hashing, transaction.atomic():
        organization = build_demo_hospital()
        build_demo_matters(organization, count=80)
        result = build_demo_evaluation(organization)
        yield organization, result
        transaction.set_rollback(True)


def test_every_period_of_the_history_has_a_scorecard_and_the_running_ones_are_drafts(demo):
    organization, result = demo
    cards = Scorecard.objects.filter(organization=organization)
    assert set(cards.values_list("period", flat=True)) == set(result.scorecards)
    assert any("Q" in code for code in result.scorecards)
    assert list(result.scorecards.values())[-1] == ScorecardState.DRAFT
    assert ScorecardState.PUBLISHED in result.scorecards.values()
    published = cards.filter(state=ScorecardState.PUBLISHED).first()
    lifecycle = [
        ScorecardEventType.PROVISIONAL,
        ScorecardEventType.APPEAL,
        ScorecardEventType.REVIEWED,
        ScorecardEventType.FINAL,
        ScorecardEventType.PUBLISHED,
    ]
    walked = ScorecardEvent.objects.filter(scorecard=published, type__in=lifecycle)
    assert list(walked.order_by("at", "pk").values_list("type", flat=True)) == lifecycle


def test_a_published_scorecard_is_read_by_most_but_not_all(demo):
    organization, _result = demo
    event = ScorecardEvent.objects.filter(
        scorecard__organization=organization, type=ScorecardEventType.PUBLISHED
    ).first()
    receipts = Receipt.objects.filter(notice=event.data["notice"])
    read = receipts.filter(read_at__isnull=False).count()
    assert receipts.count() // 2 < read < receipts.count()


def test_departments_are_ranked_with_a_red_list(demo):
    organization, _result = demo
    lines = ScorecardLine.objects.filter(scorecard__organization=organization)
    assert lines.filter(ranked=True, rank=1).exists()
    assert lines.filter(standing=Standing.RED).exists()


def test_the_last_complete_quarter_has_a_closed_round_answered_by_rater_heads(demo):
    _organization, result = demo
    assert result.peer_round.state == RoundState.CLOSED
    answered = PeerBallot.objects.filter(round=result.peer_round, answered_at__isnull=False)
    assert answered.count() == result.answered > 0
    for ballot in answered.select_related("answered_by", "rater_department"):
        assert result.peer_round.opens <= ballot.answered_at < result.peer_round.closes
        assert ballot.answered_by.positions.filter(department=ballot.rater_department).exists()
        if min(ballot.overall, ballot.quality, ballot.attitude) <= Satisfaction.DISSATISFIED:
            assert ballot.comment


def test_the_presidents_trend_has_at_least_four_periods(demo):
    organization, _result = demo
    trend = dashboard.trend(organization, None)
    assert len(trend.periods) >= 4
    assert any(value is not None for value in trend.on_time)

"""A scorecard's lifecycle: who moves it from which state, the reviewer who is not the
computer, the appeal window in working days, what heads see of a draft, the record of
every transition, the publication as a notice to all departments, and the 约谈 after two
periods in a row on the black list."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from liaison.core.errors import NotAllowed, WrongState
from liaison.evaluation import selectors, services
from liaison.evaluation.models import ScorecardEvent, ScorecardState, Talk
from liaison.evaluation.services import lifecycle, scoring
from liaison.evaluation.services.lifecycle import advance, window_open
from liaison.matters.models import Matter
from liaison.notices.models import Notice, Receipt

from .conftest import fake

pytestmark = pytest.mark.django_db
S = ScorecardState


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{time}"))


@pytest.fixture
def monday():
    """Monday 2 March 2026, 10:00 in Shanghai: 2025-Q4 is over."""
    with time_machine.travel(at("2026-03-02"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def card(h, past, monday):
    fake(h, "on_time", {"XXK": (9, 10), "MZB": (3, 10)})
    return services.compute(h.organization, past, h.p["office"])


def walk(h, card, to: str, traveller=None):
    """Moves the card on to `to` with the people allowed to (the window let pass)."""
    while card.state != to:
        nxt = lifecycle.NEXT[card.state]
        if nxt == S.REVIEWED and traveller is not None:
            traveller.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
        who = {S.REVIEWED: "office_head", S.FINAL: "president"}.get(nxt, "office")
        card = advance(card, h.p[who])
    return card


# who → the states they may move a card INTO
MOVES = {
    "office": {S.PROVISIONAL, S.APPEAL, S.PUBLISHED},
    "office_head": {S.PROVISIONAL, S.APPEAL, S.REVIEWED, S.PUBLISHED},
    "president": {S.FINAL},
    "vp": {S.FINAL},
    "xxk_head": set(),
    "xxk_liaison": set(),
    "secretary": set(),
}


@pytest.mark.parametrize("who", MOVES)
@pytest.mark.parametrize("into", [S.PROVISIONAL, S.APPEAL, S.REVIEWED, S.FINAL, S.PUBLISHED])
def test_each_transition_is_allowed_or_refused_by_role(h, card, monday, who, into):
    before = {v: k for k, v in lifecycle.NEXT.items()}[into]
    card = walk(h, card, before, monday)
    if into == S.REVIEWED:
        monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
    if into in MOVES[who]:
        assert advance(card, h.p[who]).state == into
    else:
        with pytest.raises(NotAllowed):
            advance(card, h.p[who])
        card.refresh_from_db()
        assert card.state == before


def test_the_reviewer_cannot_be_who_ran_the_computation(h, card, monday):
    card = walk(h, card, S.APPEAL)
    monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
    with pytest.raises(NotAllowed, match="ran the computation"):
        advance(card, h.p["office"])
    assert advance(card, h.p["office_head"]).state == S.REVIEWED


def test_the_appeal_window_is_five_working_days_of_the_calendar(h, card, monday):
    card = walk(h, card, S.APPEAL)
    # Monday 10:00 + 5 working days: the next Monday, 10:00 (the weekend does not count).
    assert lifecycle.appeal_until(card) == at("2026-03-09")
    monday.move_to(at("2026-03-09", "09:59"))
    assert window_open(card)
    with pytest.raises(WrongState, match="still open"):
        advance(card, h.p["office_head"])
    monday.move_to(at("2026-03-09", "10:01"))
    assert not window_open(card)
    assert advance(card, h.p["office_head"]).state == S.REVIEWED


def test_a_published_card_moves_no_further_nor_does_a_superseded_one(h, card, monday, past):
    card = walk(h, card, S.PUBLISHED, monday)
    with pytest.raises(WrongState):
        advance(card, h.p["office"])
    newer = services.compute(h.organization, past, h.p["office"])
    with pytest.raises(WrongState, match="replaced"):
        advance(card, h.p["office"])
    assert newer.state == S.DRAFT


def test_heads_see_their_line_from_provisional_on_the_office_always(h, card):
    head = h.p["xxk_head"]
    assert selectors.lines_for(head, card) == []
    assert len(selectors.lines_for(h.p["office"], card)) > 2
    card = advance(card, h.p["office"])
    assert [line.department.code for line in selectors.lines_for(head, card)] == ["XXK"]


def test_every_transition_is_on_the_record(h, card, monday):
    walk(h, card, S.FINAL, monday)
    events = ScorecardEvent.objects.filter(scorecard=card).order_by("at", "pk")
    assert [(e.type, e.actor, e.data["from"], e.data["to"]) for e in events] == [
        ("provisional", h.p["office"], "draft", "provisional"),
        ("appeal", h.p["office"], "provisional", "appeal"),
        ("reviewed", h.p["office_head"], "appeal", "reviewed"),
        ("final", h.p["president"], "reviewed", "final"),
    ]
    assert events[1].data["until"] == at("2026-03-09").isoformat()


def test_publishing_sends_a_notice_with_receipts_to_all_departments(h, card, monday):
    card = walk(h, card, S.PUBLISHED, monday)
    notice = Notice.objects.get(pk=card.events.get(type="published").data["notice"])
    assert notice.to_everyone and notice.require_read and "2025-Q4" in notice.title
    assert f"/evaluation/?period={card.period}" in notice.body
    staffed = {code for code, d in h.d.items() if code != "SWJW"}
    receipts = Receipt.objects.filter(notice=notice)
    assert {r.department.code for r in receipts.select_related("department")} == staffed
    assert receipts.count() == len(h.p)


@pytest.fixture
def black(h, monkeypatch, monday):
    """One department per end of each list: 门诊部 last of the functional ones, each period
    it has figures (信息科 first)."""
    monkeypatch.setattr(scoring, "LISTED", 1)

    def figures(period):
        return {"XXK": (9, 10), "MZB": (3, 10) if period.code in bad else (10, 10)}

    bad = {"2025-Q3", "2025-Q4"}
    fake(h, "on_time", figures)
    return bad


def final(h, code: str, traveller):
    from liaison.evaluation import periods

    card = services.compute(h.organization, periods.parse(code), h.p["office"])
    return walk(h, card, S.FINAL, traveller)


def test_two_periods_in_a_row_on_the_black_list_open_one_talk(h, black, monday):
    final(h, "2025-Q3", monday)
    assert not Talk.objects.exists()
    card = final(h, "2025-Q4", monday)
    talk = Talk.objects.get()
    assert (talk.department, talk.earlier, talk.later) == (h.d["MZB"], "2025-Q3", "2025-Q4")
    matter = Matter.objects.get(pk=talk.matter_id)
    assert matter.originator_department == h.d["YB"] and matter.lead_department == h.d["MZB"]
    assert "2025-Q3" in matter.title and "2025-Q4" in matter.title
    assert h.p["president"].name in matter.description  # 门诊部's leader in charge
    assert card.events.filter(type="talk_opened").count() == 1
    # Finalised again (a new computation of the same period): no second talk.
    final(h, "2025-Q4", monday)
    assert Talk.objects.count() == 1


def test_no_talk_without_the_previous_period_final(h, black, monday):
    from liaison.evaluation import periods

    services.compute(h.organization, periods.parse("2025-Q3"), h.p["office"])  # a draft only
    final(h, "2025-Q4", monday)
    assert not Talk.objects.exists()

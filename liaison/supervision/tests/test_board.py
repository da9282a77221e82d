"""The traffic light (RAG) and the supervision board's rows, scope and summary."""

import datetime

import pytest
import time_machine

from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, in_days
from liaison.supervision import policy, selectors, services
from liaison.supervision.models import Rag, RectificationState, rag_of

from .conftest import later, submit

TODAY = datetime.date(2026, 5, 11)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


@pytest.mark.parametrize(
    ("deadline", "urges", "last", "expected"),
    [
        (day(10), 0, None, Rag.GREEN),
        (day(3), 1, RectificationState.SUBMITTED, Rag.GREEN),
        (day(2), 0, None, Rag.AMBER),  # within two days
        (day(0), 0, None, Rag.AMBER),  # due today
        (day(10), 2, None, Rag.AMBER),  # urged twice
        (day(-1), 0, None, Rag.RED),  # past the deadline
        (day(-1), 0, RectificationState.SUBMITTED, Rag.RED),  # a reply, but not accepted
        (day(-1), 0, RectificationState.ACCEPTED, Rag.GREEN),
        (day(10), 0, RectificationState.REJECTED, Rag.RED),  # the last reply was rejected
    ],
)
def test_the_traffic_light(deadline, urges, last, expected):
    assert rag_of(deadline=deadline, today=TODAY, urge_count=urges, last_state=last) == expected


@pytest.fixture
def board(h):
    """Three supervised matters: 信息科 green and red, 药剂科 amber (urged twice)."""
    office = h.p["supervisor"]
    green = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="绿")
    red = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="红")
    amber = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="黄", lead=h.d["YJK"]
    )
    for matter in (green, red, amber):
        services.supervise(matter, office, deadline=in_days(10), reason="督办")
    submit(h, red)
    services.review_rectification(red, office, accept=False, reason="不完整")
    services.urge(amber, office)
    with time_machine.travel(later(2)):
        services.urge(amber, office)
    return {"green": green, "red": red, "amber": amber}


def lights(rows) -> dict:
    return {row.matter.title: row.rag for row in rows}


def test_the_board_lists_the_most_urgent_first(h, board):
    rows = selectors.board_rows(selectors.board_scope(h.p["supervisor"]))
    assert [row.matter.title for row in rows] == ["红", "黄", "绿"]
    assert lights(rows) == {"红": Rag.RED, "黄": Rag.AMBER, "绿": Rag.GREEN}
    amber = rows[1].supervision
    assert amber.urge_count == 2 and amber.last_urged_at is not None


def test_the_board_filters_by_light_and_department(h, board):
    scope = selectors.board_scope(h.p["office"])
    assert lights(selectors.board_rows(scope, rag=Rag.RED)) == {"红": Rag.RED}
    assert set(lights(selectors.board_rows(scope, department=h.d["XXK"]))) == {"红", "绿"}


def test_the_summary_counts_lights_per_lead_department(h, board):
    rows = selectors.board_rows(selectors.board_scope(h.p["supervisor"]))
    summary = {s.department.code: (s.red, s.amber, s.green) for s in selectors.summary(rows)}
    assert summary == {"XXK": (1, 0, 1), "YJK": (0, 1, 0)}


def test_departments_see_their_own_items_and_others_none(h, board):
    assert set(lights(selectors.board_rows(selectors.board_scope(h.p["yjk_liaison"])))) == {"黄"}
    assert selectors.board_scope(h.p["outsider"]) is None  # staff: not a head or liaison
    assert selectors.board_scope(h.p["mzb_head"]) is not None
    assert selectors.board_rows(selectors.board_scope(h.p["ek_head"])) == []


def test_leaders_see_what_they_oversee(h, board):
    # The party secretary oversees 总务科 and 保卫科, neither of which leads these.
    assert selectors.board_rows(selectors.board_scope(h.p["secretary"])) == []
    assert len(selectors.board_rows(selectors.board_scope(h.p["vp"]))) == 3


def test_the_cheap_check_agrees_with_the_scope(h):
    for person in h.p.values():
        expected = selectors.board_scope(person) is not None
        assert policy.may_see_board(person) == expected, person.name


def test_ended_supervisions_leave_the_board_for_their_own_list(h, board):
    scope = selectors.board_scope(h.p["supervisor"])
    red = board["red"]
    submit(h, red)
    services.review_rectification(red, h.p["supervisor"], accept=True)
    assert "红" not in lights(selectors.board_rows(scope))
    assert lights(selectors.board_rows(scope, ended=True)) == {"红": None}

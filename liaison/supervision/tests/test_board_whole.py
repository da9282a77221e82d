"""The whole board of who sees every matter: their organization's supervisions only."""

from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, build_hospital, in_days
from liaison.supervision import selectors, services


def supervised(h, title):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title=title)
    services.supervise(matter, h.p["supervisor"], deadline=in_days(5), reason="限期整改")
    return matter


def test_the_whole_board_stays_in_the_organization(h):
    supervised(h, "本院督办")
    other = build_hospital("h2")
    supervised(other, "他院督办")
    for who in ("supervisor", "office"):  # the supervision and the coordinating office
        rows = selectors.board_rows(selectors.board_scope(h.p[who]))
        assert [row.matter.title for row in rows] == ["本院督办"]
    rows = selectors.board_rows(selectors.board_scope(other.p["supervisor"]))
    assert [row.matter.title for row in rows] == ["他院督办"]

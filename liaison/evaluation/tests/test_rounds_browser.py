"""A real-browser journey through peer evaluation at 1366 and 390 px: an external rater
answers with a code (refused without a comment at 不满意, keeping what was typed, then
recorded), and a rater department's head answers from the to-rate list. Screenshots in
test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.evaluation import periods
from liaison.evaluation.services import rounds
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory
from liaison.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


@pytest.fixture
def peer_round(h):
    """This quarter's round: 儿科 raised a matter that 信息科 led."""
    MatterFactory(originator=h.p["outsider"], lead=h.d["XXK"], state=State.ACCEPTED, by=h)
    return rounds.open_round(h.organization, periods.current().code, h.p["office"])


def choose(page, item: str, points: int) -> None:
    page.locator(f'label:has(input[name="{item}"][value="{points}"])').click()


def fits(page, width: int) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width


def test_an_external_rater_answers_with_a_code(live_server, h, peer_round):
    issued = rounds.issue_codes(peer_round, h.p["office"], "患者代表", [h.d["XXK"], h.d["MZB"]])
    with chromium() as browser:
        for width, (_department, code) in zip(WIDTHS, issued, strict=True):
            context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
            page = context.new_page()
            page.goto(f"{live_server.url}/evaluation/rate/")
            page.fill("#id_code", code)
            for item in rounds.ITEMS:
                choose(page, item, 80)
            choose(page, "overall", 40)
            page.get_by_test_id("submit").click()
            expect(page.get_by_test_id("comment-error")).to_be_visible()
            expect(page.locator("#id_code")).to_have_value(code)
            expect(page.locator('input[name="overall"][value="40"]')).to_be_checked()
            fits(page, width)
            page.screenshot(path=str(ARTIFACTS_DIR / f"peer-code-{width}.png"), full_page=True)
            page.fill("#id_comment", "回复不及时。")
            page.get_by_test_id("submit").click()
            expect(page.get_by_test_id("thanks")).to_be_visible()
            context.close()
    assert peer_round.ballots.filter(answered_at__isnull=False, rater_label="患者代表").count() == 2


def test_a_rater_answers_from_the_to_rate_list(live_server, h, peer_round):
    with chromium() as browser:
        page = signed_in(
            browser,
            live_server.url,
            h.p["ek_head"].user.username,
            PASSWORD,
            viewport={"width": 390, "height": 900},
        )
        page.goto(f"{live_server.url}/evaluation/rounds/to-rate/")
        page.get_by_test_id("ballot").first.click()
        for item in rounds.ITEMS:
            choose(page, item, 100)
        fits(page, 390)
        page.screenshot(path=str(ARTIFACTS_DIR / "peer-ballot-390.png"), full_page=True)
        page.get_by_test_id("submit").click()
        # 已评价 once the catalogue is compiled.
        expect(page.get_by_test_id("ballot").first).to_contain_text(re.compile("已评价|Rated"))
        fits(page, 390)

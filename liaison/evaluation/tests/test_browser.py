"""A real-browser journey through the scorecards: the coordinating office opens a period's
scorecard in Chinese at 1366 and 390 px, clicks a figure and lands on exactly that many
records, and opens a department's card with its trend drawn. Screenshots land in
test-artifacts/ (fake indicators, as the other evaluation tests)."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory
from liaison.org.tests.factories import PASSWORD

from .conftest import PAST, fake, record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


@pytest.fixture
def figures(h):
    """信息科 counted 3 of 4 on time (records behind both numbers), four more departments."""
    led = [MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED) for _ in range(4)]
    rows = [record(matter, counted=index < 3) for index, matter in enumerate(led)]
    fake(
        h,
        "on_time",
        {"XXK": (3, 4), "MZB": (9, 10), "YB": (5, 6), "DCB": (6, 6), "YJK": (1, 2)},
        target=0.9,
        records={"XXK": rows},
    )


@pytest.fixture
def browser(figures):
    with chromium() as browser:
        yield browser


def test_the_office_clicks_a_figure_and_lands_on_its_records(browser, live_server, h):
    for width in WIDTHS:
        page = signed_in(
            browser,
            live_server.url,
            h.p["office"].user.username,
            PASSWORD,
            viewport={"width": width, "height": 900},
        )
        page.goto(f"{live_server.url}/evaluation/?period={PAST}")
        expect(page.get_by_test_id("kind-functional")).to_be_visible()
        # 样本不足 once the catalogue is compiled; not ranked either way.
        expect(page.get_by_test_id("line-YJK").get_by_test_id("unranked")).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS_DIR / f"scorecard-{width}.png"), full_page=True)

        for name, count in (("numerator-XXK-on_time", 3), ("denominator-XXK-on_time", 4)):
            figure = page.get_by_test_id(name).first
            expect(figure).to_have_text(str(count))
            figure.click()
            expect(page.get_by_test_id("records-count")).to_have_attribute("data-count", str(count))
            expect(page.get_by_test_id("record")).to_have_count(count)
            assert page.evaluate("document.scrollingElement.scrollWidth") <= width
            page.go_back()
        page.screenshot(path=str(ARTIFACTS_DIR / f"scorecard-records-{width}.png"), full_page=True)

        page.get_by_test_id("card-XXK").click()
        expect(page.get_by_test_id("trend-score").locator("canvas")).to_have_count(1)
        expect(page.get_by_test_id("department-score")).not_to_have_text("–")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= width
        page.screenshot(path=str(ARTIFACTS_DIR / f"scorecard-card-{width}.png"), full_page=True)
        page.context.close()

"""A real-browser journey: the head of the demo hospital (院长) opens the dashboard, clicks
a count and lands on exactly those matters; at 1366 px and on a phone (390 px). The
screenshots land in test-artifacts/."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.evaluation import periods
from liaison.evaluation.services import compute
from liaison.matters.demo import build_demo_matters
from liaison.matters.models import OPEN_STATES, Matter
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def hospital():
    """The demo hospital with its matters, a few of them overdue at 信息科, and the
    scorecards of this month and the two before (the trend). Built before Playwright starts
    its event loop."""
    organization = build_demo_hospital()
    build_demo_matters(organization, count=60)
    late = Matter.objects.filter(
        organization=organization, state__in=OPEN_STATES, owner_department__code="XXK"
    )[:3]
    Matter.objects.filter(pk__in=[m.pk for m in late]).update(
        next_deadline=timezone.now() - datetime.timedelta(days=2), paused_at=None
    )
    office = Person.objects.get(user__username="yuanban")
    month = periods.parse(timezone.localdate().strftime("%Y-%m"))
    for period in [*periods.previous(month, 2), month]:
        compute(organization, period, office)
    return organization


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
def test_the_president_clicks_a_count_and_sees_exactly_those_matters(
    browser, live_server, viewport
):
    page = signed_in(browser, live_server.url, "yuanzhang", DEMO_PASSWORD, viewport=viewport)
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.get_by_test_id("dashboard")).to_have_attribute("data-role", "leader")
    expect(page.get_by_test_id("by-department")).to_be_visible()
    expect(page.locator("#trend-chart canvas")).to_have_count(1)  # ECharts drew the trend
    width = viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS_DIR / f"dashboard-president-{width}.png"), full_page=True)

    row = page.locator('[data-testid="department-row"][data-department="XXK"]')
    count = row.get_by_test_id("row-overdue")
    shown = int(count.get_attribute("data-count"))
    assert shown >= 3
    count.click()
    expect(page).to_have_url(re.compile(r"/matters/\?.*holder=XXK.*overdue=on"))
    expect(page.get_by_test_id("matter-row")).to_have_count(shown)
    page.screenshot(path=str(ARTIFACTS_DIR / f"dashboard-drill-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/dashboard/")
    tile = page.get_by_test_id("tile-waiting")
    waiting = int(tile.get_attribute("data-count"))
    tile.click()
    expect(page.get_by_test_id("matter-row")).to_have_count(min(waiting, 50))

"""A real-browser journey: log in as the demo admin, open the chart, search xxk, switch
to English. Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect, sync_playwright

from liaison.browser import ARTIFACTS_DIR, CHROMIUM_ARGS, chromium_path
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    return build_demo_hospital()


@pytest.fixture
def browser_page(hospital):
    # Data is built before Playwright starts: its sync API runs an event loop in this
    # thread, where Django refuses synchronous queries (and connections would be kept in
    # another context, outliving the test database).
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        yield context.new_page()
        context.close()
        browser.close()


def test_admin_logs_in_opens_the_chart_searches_xxk_and_switches_to_english(
    live_server, browser_page
):
    page = browser_page

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    page.fill("#id_username", "admin")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/matters/**")  # the to-do is the landing page
    page.goto(f"{live_server.url}/org/me/")
    expect(page.get_by_test_id("my-roles")).to_contain_text("系统管理员")
    page.screenshot(path=ARTIFACTS_DIR / "profile-zh.png")

    page.get_by_test_id("nav-more").click()  # the chart sits under "More"
    page.get_by_role("link", name="组织架构").first.click()
    chart = page.get_by_test_id("org-chart")
    expect(chart).to_contain_text("信息科")
    expect(chart).to_contain_text("联络员")
    page.screenshot(path=ARTIFACTS_DIR / "org-chart-zh.png", full_page=False)

    page.get_by_test_id("global-search").fill("xxk")
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("信息科")
    page.screenshot(path=ARTIFACTS_DIR / "search-xxk.png")
    results.get_by_role("link", name="信息科").click()
    expect(page.locator("h2.page-title")).to_contain_text("信息科")

    page.get_by_test_id("lang-switch").click()
    page.get_by_test_id("nav-more").click()
    expect(page.get_by_role("link", name="Organization chart").first).to_be_visible()
    expect(page.get_by_text("Liaison officer").first).to_be_visible()
    page.screenshot(path=ARTIFACTS_DIR / "department-en.png", full_page=True)


def test_the_chart_works_at_phone_width(live_server, browser_page):
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lianluo")
    page.fill("#id_password", DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/org/chart/")
    expect(page.get_by_test_id("org-chart")).to_contain_text("药剂科")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at phone width ({width}px)"
    page.screenshot(path=ARTIFACTS_DIR / "org-chart-phone.png", full_page=False)

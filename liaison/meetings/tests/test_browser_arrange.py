"""A real browser, on a desktop and on a phone: 信息科's head arranges an agenda item with a
presenter and a pre-briefing but names nobody to pre-brief; the refusal keeps the item's
form open with the pre-briefing and the presenter as typed, the refusal at its field; once
someone is named, it saves. The page is no wider than the screen (the pickers of the
attendance and minutes tables once widened it on a phone). Screenshots land in
test-artifacts/."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.org.demo import DEMO_PASSWORD

from .test_browser import hospital, pick  # noqa: F401 (the shared fixture and helper)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PREBRIEFING = "请院长先知悉：药房自动发药机采购需追加预算约四十万元。"


@pytest.fixture
def browser(hospital):  # noqa: F811 (the fixture imported above)
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [1366, 390])
def test_a_refused_arrangement_keeps_the_pre_briefing_and_the_presenter(
    browser,
    live_server,
    hospital,  # noqa: F811
    width,
):
    page = signed_in(
        browser, live_server.url, "zhuren", DEMO_PASSWORD, {"width": width, "height": 900}
    )
    page.goto(f"{live_server.url}/meetings/{hospital['meeting']}/")
    page.locator("#new-item-title").fill("门诊药房自动发药机采购")
    page.get_by_test_id("do-propose").click()
    item = page.get_by_test_id("agenda-item").first
    expect(item).to_have_attribute("data-state", "accepted")

    item.get_by_test_id("arrange").locator("summary").click()
    form = item.get_by_test_id("form-arrange")
    pick(form.locator(".ts-wrapper").first, hospital["owner_name"])
    form.locator("textarea[name=prebriefing]").fill(PREBRIEFING)
    form.get_by_role("button", name="保存").click()  # nobody named to pre-brief: refused

    expect(page).to_have_url(f"{live_server.url}/meetings/{hospital['meeting']}/")
    item = page.get_by_test_id("agenda-item").first
    arrange = item.get_by_test_id("arrange")
    expect(arrange).to_have_attribute("open", "")
    form = arrange.get_by_test_id("form-arrange")
    expect(form.locator("textarea[name=prebriefing]")).to_have_value(PREBRIEFING)
    expect(form.locator("select[name=presenter]")).to_have_value(str(hospital["owner"]))
    expect(form.locator(".ts-wrapper").first.locator(".item")).to_have_text(hospital["owner_name"])
    expect(form.locator(".invalid-feedback")).to_have_text("请指定会前通气的对象。")
    form.locator(".invalid-feedback").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS_DIR / f"meeting-arrange-refused-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Naming someone saves it, as typed.
    pick(form.locator(".ts-wrapper").nth(1), hospital["owner_name"])
    page.keyboard.press("Escape")  # the people picker's list stays open for more
    form.get_by_role("button", name="保存").click()
    item = page.get_by_test_id("agenda-item").first
    expect(item.get_by_test_id("prebriefing")).to_contain_text(PREBRIEFING)
    expect(item).to_contain_text(hospital["owner_name"])

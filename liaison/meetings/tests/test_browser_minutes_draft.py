"""The minutes keep a local draft while typed: reopened after the tab was closed unsaved,
the page offers the draft back with the decision's department and responsible person as
they were chosen (the person picker loads people only as one types, so the draft keeps
their names)."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR

from .test_browser import browser, hospital, login, pick  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_closed_minutes_page_gives_back_its_draft_with_the_chosen_people(
    browser,  # noqa: F811
    live_server,
    hospital,  # noqa: F811
):
    url = f"{live_server.url}/meetings/{hospital['meeting']}/"
    organizer = login(browser, live_server.url, "zhuren")
    organizer.goto(url)
    organizer.get_by_test_id("minutes-summary").fill("讨论了发药系统接口改造。")
    row = organizer.get_by_test_id("decision-row").first
    row.get_by_test_id("decision-title").fill("药剂科提交接口需求说明")
    pick(row.locator("td").nth(1), "药剂科")
    pick(row.locator("td").nth(2), hospital["owner_name"])
    organizer.wait_for_timeout(600)  # the draft is written 300 ms after the last change

    organizer.goto(url)  # as if the tab had been closed: nothing was saved
    row = organizer.get_by_test_id("decision-row").first
    expect(row.get_by_test_id("decision-title")).to_have_value("")
    organizer.get_by_test_id("draft-restore").click()
    expect(organizer.get_by_test_id("minutes-summary")).to_have_value("讨论了发药系统接口改造。")
    expect(row.get_by_test_id("decision-title")).to_have_value("药剂科提交接口需求说明")
    expect(row.get_by_test_id("decision-responsible")).to_have_value(str(hospital["owner"]))
    expect(row.locator("td").nth(2).locator(".ts-control .item")).to_have_text(
        hospital["owner_name"]
    )
    expect(row.locator("td").nth(1).locator(".ts-control .item")).to_contain_text("药剂科")
    organizer.screenshot(path=str(ARTIFACTS_DIR / "meeting-minutes-draft-restored.png"))

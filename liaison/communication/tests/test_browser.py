"""A real-browser journey through a communication plan: 信息科's head starts a project,
registers the president as a decision-layer stakeholder, plans a weekly status report;
the sweep runs after it falls due; the head finds it in "my distributions" and marks it
sent. Screenshots land in test-artifacts/."""

import datetime
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.communication import services
from liaison.communication.models import Distribution, DistributionState, PlanRow
from liaison.matters.tests.factories import build_hospital
from liaison.org.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """Built before Playwright starts (its event loop refuses synchronous queries)."""
    h = build_hospital("b1")
    return {"president": h.p["president"].name, "head": h.p["xxk_head"].user.username}


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def in_a_thread(work):
    """Database work while Playwright runs: in a thread of its own, with its own
    connection (Playwright's event loop refuses synchronous queries in this one)."""
    result = {}

    def run():
        try:
            result["value"] = work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return result.get("value")


def sweep_after_the_first_due_moment():
    row = PlanRow.objects.get()
    return services.sweep(row.next_due_at + datetime.timedelta(hours=1))


def test_plan_a_weekly_report_and_mark_it_sent(browser, live_server, hospital):
    page = signed_in(browser, live_server.url, hospital["head"], PASSWORD)
    page.goto(f"{live_server.url}/communication/")
    page.get_by_test_id("new-project").click()
    page.locator("#id_name").fill("HIS升级改造项目")
    page.get_by_test_id("save-project").click()
    expect(page.get_by_test_id("project-name")).to_contain_text("HIS升级改造项目")

    page.get_by_test_id("add-stakeholder").click()
    # The people picker asks the server as one types.
    picker = page.locator("#id_person + .ts-wrapper")
    picker.locator(".ts-control").click()
    picker.locator(".ts-control input").fill(hospital["president"])
    page.locator("#id_person-ts-dropdown .option", has_text=hospital["president"]).first.click()
    expect(picker.locator(".ts-control .item")).to_contain_text(hospital["president"])
    page.locator("#id_layer").select_option("decision")
    page.locator("#id_influence").select_option("high")
    page.locator("#id_information_needs").fill("项目整体进度、重大风险")
    page.get_by_test_id("save-stakeholder").click()
    decision = page.locator('[data-testid="layer"][data-layer="decision"]')
    expect(decision.get_by_test_id("stakeholder")).to_have_count(1)

    page.get_by_test_id("add-row").click()
    page.locator("#id_information").fill("项目周报")
    page.locator('input[name="stakeholders"]').first.check()
    page.locator("#id_repeat").select_option("weekly")
    page.get_by_test_id("save-row").click()
    row = page.get_by_test_id("plan-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("next-due")).not_to_have_text("—")
    page.screenshot(path=str(ARTIFACTS_DIR / "communication-project.png"), full_page=True)

    counts = in_a_thread(sweep_after_the_first_due_moment)
    assert counts["distributions_due"] == 1

    page.goto(f"{live_server.url}/communication/mine/")
    mine = page.get_by_test_id("my-distribution")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("项目周报")
    page.screenshot(path=str(ARTIFACTS_DIR / "communication-mine-due.png"), full_page=True)
    mine.get_by_test_id("quick-note").fill("第1期周报已邮件发送")
    mine.get_by_test_id("quick-sent").click()
    expect(page.get_by_test_id("nothing-due")).to_be_visible()
    page.get_by_test_id("done-distribution").click()
    expect(page.get_by_test_id("state")).to_have_attribute("data-state", "sent")
    expect(page.get_by_test_id("note")).to_have_text("第1期周报已邮件发送")
    page.screenshot(path=str(ARTIFACTS_DIR / "communication-distribution-sent.png"), full_page=True)

    state = in_a_thread(lambda: Distribution.objects.get().state)
    assert state == DistributionState.SENT

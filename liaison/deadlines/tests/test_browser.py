"""A real-browser journey up the ladder: a matter sent to 信息科 is left alone; the sweep
reminds, escalates it to the head, then to 院办. 院办's head finds it in the inbox, opens it and
sees the rung's clock and the steps on the timeline; the head asks the originator and
sees the reply clock stand. Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.deadlines.sweep import run_sweep
from liaison.matters import services
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """Built, and swept, before Playwright starts (its event loop refuses synchronous
    queries): one matter walked to the coordinating office by the sweep, one accepted."""
    organization = build_demo_hospital()
    xxk = Department.objects.get(organization=organization, code="XXK")
    office = Person.objects.get(user__username="yuanban")
    originator = Person.objects.get(user__username="lianluo")
    kind = MatterKind.objects.get(organization=organization, code="coordination")

    def raised(title):
        matter = services.create_matter(
            originator, MatterInput(title=title, kind=kind, urgency="urgent"), submit=True
        )
        return services.dispatch(matter, office, lead=xxk)

    left_alone = raised("手术室网络时断时续")
    run_sweep(left_alone.next_check_at)  # the first reminder
    run_sweep(left_alone.accept_due)  # to the head of 信息科
    left_alone.refresh_from_db()
    run_sweep(left_alone.accept_due)  # the head did not accept either: to 院办
    head = default_responsible(xxk)
    office_head = default_responsible(organization.coordinating_department)
    for person in (head, office_head):
        person.user.set_password(DEMO_PASSWORD)
        person.user.save(update_fields=["password"])
    accepted = services.accept(raised("检验科条码打印机缺纸报警"), head)
    return {
        "left_alone": left_alone.pk,
        "accepted": accepted.pk,
        "head": head.user.username,
        "office_head": office_head.user.username,
    }


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def login(browser, base_url, username):
    return signed_in(browser, base_url, username, DEMO_PASSWORD)


def test_the_office_finds_the_escalation_in_its_inbox(browser, live_server, hospital):
    office = login(browser, live_server.url, hospital["office_head"])
    office.get_by_test_id("nav-inbox").click()
    item = office.get_by_test_id("inbox-items").locator("a", has_text="手术室网络时断时续")
    expect(item.first).to_be_visible()
    expect(item.first).to_contain_text("紧急")  # an automatic escalation is urgent
    office.screenshot(path=str(ARTIFACTS_DIR / "deadlines-inbox.png"), full_page=True)
    item.first.click()
    expect(office.get_by_test_id("matter-state")).to_have_attribute("data-state", "escalated")
    expect(office.get_by_test_id("clock-decide")).to_have_attribute("data-status", "running")
    expect(office.get_by_test_id("clock-accept")).to_have_count(0)  # a limit behind it
    timeline = office.locator("body")
    expect(timeline).to_contain_text("已提醒")
    expect(timeline).to_contain_text("未按时签收。")
    office.screenshot(path=str(ARTIFACTS_DIR / "deadlines-escalated.png"), full_page=True)


def test_asking_the_originator_stops_the_reply_clock(browser, live_server, hospital):
    head = login(browser, live_server.url, hospital["head"])
    head.goto(f"{live_server.url}/matters/{hospital['accepted']}/")
    expect(head.get_by_test_id("clock-reply")).to_have_attribute("data-status", "running")
    head.get_by_test_id("action-ask-originator").click()
    head.get_by_test_id("ask-originator-text").fill("请告知是哪一台打印机，在几楼？")
    head.get_by_test_id("do-ask-originator").click()
    expect(head.get_by_test_id("clock-reply")).to_have_attribute("data-status", "paused")
    head.screenshot(path=str(ARTIFACTS_DIR / "deadlines-paused.png"), full_page=True)
    expect(head.locator("body")).to_contain_text("向发起人询问")

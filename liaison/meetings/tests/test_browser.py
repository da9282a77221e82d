"""A real-browser journey through a meeting: 信息科's head opens today's meeting, puts an
item on the agenda, records attendance and writes the minutes with a decision for 药剂科
(a first save without a due date is refused and keeps what was typed);
the president, who chairs, approves them; the decision is a matter on the to-do list of
药剂科's liaison officer. Screenshots land in test-artifacts/."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.meetings import services
from liaison.meetings.models import Attendance, MeetingKind, Room
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """The demo hospital and a daily meeting of 信息科 that began ten minutes ago, chaired
    by the president, with 信息科 and 药剂科 invited. Built before Playwright starts (its
    event loop refuses synchronous queries)."""
    organization = build_demo_hospital()
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    head = Person.objects.get(user__username="zhuren")
    room = Room.objects.create(organization=organization, code="xxk", name="信息科会议室")
    start = timezone.localtime() - datetime.timedelta(minutes=10)
    series, _clashes = services.create_series(
        head,
        services.SeriesInput(
            title="信息化工作日碰头会",
            kind=MeetingKind.OTHER,
            organizer=departments["XXK"],
            rule="FREQ=DAILY",
            start_date=start.date() - datetime.timedelta(days=1),
            start_time=start.time().replace(second=0, microsecond=0),
            duration=120,
            room=room,
            chair=Person.objects.get(user__username="yuanzhang"),
            departments=(
                (departments["XXK"], Attendance.HEAD),
                (departments["YJK"], Attendance.BOTH),
            ),
        ),
    )
    meeting = series.meetings.filter(start__lte=timezone.now()).order_by("-start").first()
    owner = Person.objects.get(user__username="lianluo")
    return {
        "meeting": meeting.pk,
        "owner": owner.pk,
        "owner_name": owner.name,
        "pharmacy": departments["YJK"].pk,
    }


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def login(browser, base_url, username):
    return signed_in(browser, base_url, username, DEMO_PASSWORD)


def pick(cell, search):
    """Choose in the Tom Select picker of a table cell by typing. Its list is found by the
    listbox its input controls: in a table that scrolls it opens on the page's body."""
    cell.locator(".ts-control").click()
    cell.locator(".ts-control input").fill(search)
    listbox = cell.locator(".ts-control input").get_attribute("aria-controls")
    cell.page.locator(f"[id='{listbox}'] .option", has_text=search).first.click()
    expect(cell.locator(".ts-control .item", has_text=search)).to_be_visible()


def test_hold_a_meeting_and_see_its_decision_on_the_owners_list(browser, live_server, hospital):
    url = f"{live_server.url}/meetings/{hospital['meeting']}/"
    organizer = login(browser, live_server.url, "zhuren")
    organizer.goto(url)

    organizer.locator("#new-item-title").fill("门诊药房发药系统与HIS接口改造")
    organizer.locator("#new-item-minutes").fill("20")
    organizer.get_by_test_id("do-propose").click()
    expect(organizer.get_by_test_id("agenda-item")).to_have_count(1)
    expect(organizer.get_by_test_id("agenda-item")).to_have_attribute("data-state", "accepted")

    selects = organizer.get_by_test_id("presence")
    for index in range(selects.count()):
        selects.nth(index).select_option("present")
    organizer.get_by_test_id("do-attendance").click()
    expect(
        organizer.locator('[data-testid="attendance-row"][data-presence="present"]')
    ).not_to_have_count(0)

    organizer.get_by_test_id("minutes-summary").fill(
        "会议讨论了门诊药房发药系统接口改造，形成决议如下。"
    )
    row = organizer.get_by_test_id("decision-row").first
    row.get_by_test_id("decision-title").fill("药剂科提交发药系统接口需求说明")
    pick(row.locator("td").nth(1), "药剂科")
    pick(row.locator("td").nth(2), hospital["owner_name"])
    # Saved without a due date: refused, and nothing typed is lost.
    organizer.get_by_test_id("do-minutes").click()
    row = organizer.get_by_test_id("decision-row").first
    expect(row.get_by_test_id("decision-error")).to_be_visible()
    expect(organizer.get_by_test_id("minutes-summary")).to_have_value(
        "会议讨论了门诊药房发药系统接口改造，形成决议如下。"
    )
    expect(row.get_by_test_id("decision-title")).to_have_value("药剂科提交发药系统接口需求说明")
    expect(row.get_by_test_id("decision-responsible")).to_have_value(str(hospital["owner"]))
    organizer.screenshot(path=str(ARTIFACTS_DIR / "meeting-minutes-refused.png"), full_page=True)
    due = timezone.localdate() + datetime.timedelta(days=14)
    row.get_by_test_id("decision-due").fill(due.isoformat())
    organizer.get_by_test_id("do-minutes").click()
    expect(organizer.get_by_test_id("minutes")).to_have_attribute("data-state", "draft")

    chair = login(browser, live_server.url, "yuanzhang")
    chair.goto(url)
    chair.get_by_test_id("approve-minutes").click()
    expect(chair.get_by_test_id("approve-consequences")).to_be_visible()
    chair.screenshot(path=str(ARTIFACTS_DIR / "meeting-minutes-approve-confirm.png"))
    chair.get_by_test_id("do-approve-minutes").click()
    expect(chair.get_by_test_id("minutes")).to_have_attribute("data-state", "approved")
    expect(chair.get_by_test_id("meeting-state")).to_have_attribute("data-state", "held")
    number = chair.get_by_test_id("decision-matter").inner_text()
    chair.screenshot(path=str(ARTIFACTS_DIR / "meeting-minutes-approved.png"), full_page=True)

    owner = login(browser, live_server.url, "lianluo")
    owner.goto(f"{live_server.url}/matters/")
    expect(owner.get_by_text(number)).to_be_visible()
    owner.screenshot(path=str(ARTIFACTS_DIR / "meeting-decision-todo.png"), full_page=True)

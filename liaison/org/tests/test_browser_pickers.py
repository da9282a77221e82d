"""In a real browser: the minutes' responsible-person picker offers only the people of the
department chosen beside it, and a comment suggests people after "@"."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.matters import services as matter_services
from liaison.matters.models import MatterKind
from liaison.meetings import services
from liaison.meetings.models import Attendance, MeetingKind, Room
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """The demo hospital, a meeting of 信息科 under way with 药剂科 invited, and a matter
    信息科's head raised. Built before Playwright starts (its event loop refuses
    synchronous queries)."""
    organization = build_demo_hospital()
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    head = Person.objects.get(user__username="zhuren")
    start = timezone.localtime() - datetime.timedelta(minutes=10)
    meeting, _clashes = services.create_series(
        head,
        services.SeriesInput(
            title="信息化工作日碰头会",
            kind=MeetingKind.OTHER,
            organizer=departments["XXK"],
            rule="FREQ=DAILY",
            start_date=start.date() - datetime.timedelta(days=1),
            start_time=start.time().replace(second=0, microsecond=0),
            duration=120,
            room=Room.objects.create(organization=organization, code="xxk", name="信息科会议室"),
            departments=(
                (departments["XXK"], Attendance.HEAD),
                (departments["YJK"], Attendance.BOTH),
            ),
        ),
    )
    matter = matter_services.create_matter(
        head,
        matter_services.MatterInput(
            title="门诊自助机无法打印发票",
            kind=MatterKind.objects.get(organization=organization, code="coordination"),
        ),
        submit=True,
    )
    return {
        "meeting": meeting.meetings.filter(start__lte=timezone.now()).order_by("-start")[0].pk,
        "matter": matter.pk,
        "pharmacist": Person.objects.get(user__username="lianluo").name,
        "pharmacist_pk": Person.objects.get(user__username="lianluo").pk,
    }


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def choose_department(cell, name):
    cell.locator(".ts-control").click()
    cell.locator(".ts-control input").fill(name)
    cell.locator(".ts-dropdown .option", has_text=name).first.click()
    cell.locator(".ts-control input").press("Escape")


def test_the_responsible_person_is_chosen_among_the_departments_people(
    browser, live_server, hospital
):
    page = signed_in(browser, live_server.url, "zhuren", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/meetings/{hospital['meeting']}/")
    row = page.get_by_test_id("decision-row").first
    owner, responsible = row.locator("td").nth(1), row.locator("td").nth(2)
    choose_department(owner, "药剂科")
    responsible.locator(".ts-control input").focus()
    options = responsible.locator(".ts-dropdown .option")
    # The options the picker loaded (whether or not its list is open yet).
    expect(options.filter(has_text=hospital["pharmacist"])).to_have_count(1)
    assert options.count() > 1
    for text in options.all_text_contents():
        assert "药剂科" in text, text
    page.screenshot(path=str(ARTIFACTS_DIR / "pickers-responsible.png"), full_page=True)
    page.evaluate(
        "value => document.querySelector('[data-testid=decision-responsible]')"
        ".tomselect.setValue(value)",
        str(hospital["pharmacist_pk"]),
    )
    expect(row.get_by_test_id("decision-responsible")).to_have_value(str(hospital["pharmacist_pk"]))

    # Another department: its own people, and the one chosen before goes.
    choose_department(owner, "信息科")
    expect(row.get_by_test_id("decision-responsible")).to_have_value("")
    responsible.locator(".ts-control input").focus()
    expect(options.filter(has_text="信息科").first).to_be_attached()
    for text in options.all_text_contents():
        assert "信息科" in text, text


def test_a_comment_suggests_people_after_the_at_sign(browser, live_server, hospital):
    page = signed_in(browser, live_server.url, "zhuren", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/matters/{hospital['matter']}/")
    text = page.get_by_test_id("comment-text")
    text.click()
    text.press_sequentially("请@" + hospital["pharmacist"][:2])
    option = page.get_by_test_id("mention-option").filter(has_text=hospital["pharmacist"])
    expect(option.first).to_be_visible()
    page.screenshot(path=str(ARTIFACTS_DIR / "pickers-mention.png"))
    option.first.dispatch_event("mousedown")
    expect(text).to_have_value(f"请@{hospital['pharmacist']} ")

"""In a real browser: the minutes' responsible-person picker offers only the people of the
department chosen beside it (both chosen by clicking, typing and clicking the option); a
picker's list in a table that scrolls sideways is seen whole at 1024 and 390 px; a comment
suggests people after "@"."""

import datetime
import re

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


def listbox(cell):
    """The list of the picker in this cell, wherever it opens (on the page's body when the
    cell is in a table that scrolls): the listbox its input controls."""
    listbox_id = cell.locator(".ts-control input").get_attribute("aria-controls")
    return cell.page.locator(f"[id='{listbox_id}']")


def choose(cell, typed, name):
    """Click the picker, type and click the option, as one does; the option is seen whole."""
    cell.locator(".ts-control").click()
    cell.page.keyboard.type(typed)
    option = listbox(cell).locator(".option", has_text=name).first
    expect(option).to_be_in_viewport(ratio=1)
    option.click()
    expect(cell.locator(".ts-control .item")).to_have_text(name)


def test_the_responsible_person_is_chosen_among_the_departments_people(
    browser, live_server, hospital
):
    page = signed_in(browser, live_server.url, "zhuren", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/meetings/{hospital['meeting']}/")
    row = page.get_by_test_id("decision-row").first
    owner, responsible = row.locator("td").nth(1), row.locator("td").nth(2)
    choose(owner, "药剂", "药剂科")
    # Clicked next: the person picker lists the department's people, and only them.
    responsible.locator(".ts-control").click()
    options = listbox(responsible).locator(".option")
    expect(options.filter(has_text=hospital["pharmacist"])).to_be_visible()
    assert options.count() > 1
    for text in options.all_text_contents():
        assert "药剂科" in text, text
    page.screenshot(path=str(ARTIFACTS_DIR / "pickers-responsible.png"), full_page=True)
    # The server answers the typed name late (a slow network): the name is chosen from the
    # list already shown, and the late answer does not open the list again.
    late = []

    def searched(url):
        return "/org/people/search/" in url and "q=%" in url

    page.route(searched, lambda route: late.append(route))
    with page.expect_request(lambda request: searched(request.url)):
        page.keyboard.type(hospital["pharmacist"][:1])
        expect(options).to_have_count(1)  # the list shown, narrowed as typed
        option = options.filter(has_text=hospital["pharmacist"])
        expect(option).to_be_in_viewport(ratio=1)
        option.click()
    expect(listbox(responsible)).to_be_hidden()
    late[0].continue_()
    expect(responsible.locator(".ts-wrapper")).not_to_have_class(re.compile(r"\bloading\b"))
    expect(listbox(responsible)).to_be_hidden()
    page.unroute(searched)
    expect(row.get_by_test_id("decision-responsible")).to_have_value(str(hospital["pharmacist_pk"]))

    # Another department: its own people, and the one chosen before goes.
    choose(owner, "信息", "信息科")
    expect(row.get_by_test_id("decision-responsible")).to_have_value("")
    responsible.locator(".ts-control").click()
    expect(options.filter(has_text="信息科").first).to_be_visible()
    for text in options.all_text_contents():
        assert "信息科" in text, text


@pytest.mark.parametrize("width,height", [(1024, 768), (390, 844)])
def test_a_pickers_list_in_a_scrolling_table_is_seen_whole(
    browser, live_server, hospital, width, height
):
    page = signed_in(
        browser, live_server.url, "zhuren", DEMO_PASSWORD, {"width": width, "height": height}
    )
    page.goto(f"{live_server.url}/meetings/{hospital['meeting']}/")
    cells = {
        "minutes": page.get_by_test_id("decision-row").first.locator("td").nth(1),
        "attendance": page.get_by_test_id("attendance-row").first.locator("td").nth(3),
    }
    for table, cell in cells.items():
        cell.locator(".ts-control").click()
        dropdown = listbox(cell).locator("xpath=..")
        expect(dropdown.locator(".option").first).to_be_visible()
        # Inside the window and not cut off by the table's scrolling box.
        expect(dropdown).to_be_in_viewport(ratio=1)
        box = dropdown.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, box
        assert box["height"] > 100, box  # several options shown, not a sliver
        # Above the cards around it: what the pointer finds at its corners is the list.
        assert dropdown.evaluate(
            """d => { const r = d.getBoundingClientRect();
              return [[r.left + 3, r.top + 3], [r.right - 3, r.top + 3],
                      [r.left + 3, r.bottom - 3], [r.right - 3, r.bottom - 3]]
                .every(([x, y]) => d.contains(document.elementFromPoint(x, y))); }"""
        )
        page.screenshot(path=str(ARTIFACTS_DIR / f"pickers-{table}-{width}.png"))
        page.keyboard.press("Escape")
        expect(dropdown).to_be_hidden()


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

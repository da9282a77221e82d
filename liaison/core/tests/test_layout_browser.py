"""Real-browser check that the pages fit: the coordinating office (the longest menu, with
督办) at 1024–1440 px in Chinese and English sees the whole top bar without sideways
scrolling, and on a phone opens the collapsed menu and reads a matter's description before
its side cards. One browser, one page, reused throughout."""

import datetime

import pytest
from playwright.sync_api import expect

from liaison.browser import chromium, signed_in
from liaison.matters import services
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP_WIDTHS = (1024, 1280, 1366, 1440)
PHONE = {"width": 390, "height": 844}
# The parts of the top bar that went off-screen: each must be wholly inside the window.
BAR_ITEMS = ("user-menu", "nav-inbox", "inbox-unread", "lang-switch", "nav-more")


@pytest.fixture
def matter():
    """The demo hospital and a matter at 信息科 with a description and its side cards (who
    has it, time limits, departments): built before Playwright starts its event loop."""
    organization = build_demo_hospital()
    kind = MatterKind.objects.get(organization=organization, code="coordination")
    matter = services.create_matter(
        Person.objects.get(user__username="lianluo"),
        MatterInput(title="门诊药房叫号屏不显示", description="叫号屏自周一起黑屏。", kind=kind),
        submit=True,
    )
    services.dispatch(
        matter,
        Person.objects.get(user__username="yuanban"),
        lead=Department.objects.get(organization=organization, code="XXK"),
    )
    # One waiting for the office, long overdue: the to-do's widest row in English.
    waiting = services.create_matter(
        Person.objects.get(user__username="lianluo"),
        MatterInput(
            title="住院部电梯高峰期拥堵需要协调错峰", description="早高峰拥堵。", kind=kind
        ),
        submit=True,
    )
    type(waiting).objects.filter(pk=waiting.pk).update(
        next_deadline=waiting.next_deadline - datetime.timedelta(days=3)
    )
    return matter


def outside_the_window(page, test_id):
    """How the element sticks out of the window ("" when it is wholly inside)."""
    box = page.get_by_test_id(test_id).bounding_box()
    assert box is not None, f"{test_id} is not shown"
    width = page.evaluate("window.innerWidth")
    if box["x"] < 0 or box["x"] + box["width"] > width:
        return f"{test_id} spans {box['x']:.0f}–{box['x'] + box['width']:.0f} px of {width}"
    return ""


def test_the_top_bar_fits_from_1024_px_and_the_phone_reads_content_first(live_server, matter):
    with chromium() as browser:
        page = signed_in(browser, live_server.url, "yuanban", DEMO_PASSWORD)
        expect(page.get_by_test_id("inbox-unread")).to_be_visible()  # the office was told
        for language in ("zh-hans", "en"):
            if language == "en":
                page.get_by_test_id("lang-switch").click()
                expect(page.get_by_test_id("lang-switch")).to_have_text("中文")
            for width in DESKTOP_WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(f"{live_server.url}/org/me/")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{language} at {width} px scrolls sideways ({scroll} px)"
                problems = [outside_the_window(page, item) for item in BAR_ITEMS]
                assert not any(problems), f"{language} at {width} px: {problems}"
                expect(page.get_by_test_id("nav-supervision")).to_be_visible()
                expect(page.get_by_test_id("nav-people")).to_be_hidden()
                # The to-do table, the widest page people work in, fits too.
                page.goto(f"{live_server.url}/matters/")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{language} to-do at {width} px: {scroll} px wide"
            # What "More" holds opens from the bar.
            page.get_by_test_id("nav-more").click()
            expect(page.get_by_test_id("nav-people")).to_be_visible()

        # The phone: one tap opens a menu with every item, no second level to find.
        page.set_viewport_size(PHONE)
        page.goto(f"{live_server.url}/org/me/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        expect(page.get_by_test_id("nav-todo")).to_be_hidden()
        page.get_by_test_id("nav-toggle").click()
        for item in ("nav-todo", "nav-new", "nav-supervision", "nav-meetings", "nav-notices"):
            expect(page.get_by_test_id(item)).to_be_visible()
        for item in ("nav-suggestions", "nav-communication", "nav-chart", "nav-people"):
            expect(page.get_by_test_id(item)).to_be_visible()
        expect(page.get_by_test_id("user-menu")).to_be_visible()
        expect(page.get_by_test_id("nav-inbox")).to_be_visible()

        # A matter on the phone: its description comes before the side cards.
        page.goto(f"{live_server.url}/matters/{matter.pk}/")
        description = page.get_by_test_id("description").bounding_box()
        side = page.get_by_test_id("now").bounding_box()
        assert description["y"] < side["y"], "the side cards come before the description"
        assert matter.title in page.title()  # the tab names the matter

"""Real-browser check that the pages fit: the coordinating office (the longest menu, with
督办) at 1024–1440 px in Chinese and English sees the whole top bar without sideways
scrolling, and on a phone opens the collapsed menu and reads a matter's description before
its side cards. One browser, one page, reused throughout."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from liaison.browser import chromium, signed_in
from liaison.communication.demo import build_demo_communication
from liaison.communication.models import Project
from liaison.inbox.models import Notification
from liaison.matters import services
from liaison.matters.demo import build_demo_matters
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput
from liaison.notices.demo import build_demo_notices
from liaison.notices.models import Notice
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person
from liaison.suggestions.demo import build_demo_suggestions
from liaison.supervision.demo import supervise_demo_matters

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


@pytest.fixture
def busy_hospital():
    """The demo hospital with its matters, supervision, notices, letters and communication
    plans; the inbox items are a day and a half old, so their relative times are the long
    English ones ("1 day, 14 hours ago") that pushed the phone's rows past the edge."""
    organization = build_demo_hospital()
    build_demo_matters(organization, count=40)
    supervise_demo_matters(organization)
    build_demo_notices(organization)
    build_demo_suggestions(organization)
    build_demo_communication(organization)
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(hours=38))
    plan = Project.objects.filter(organization=organization).order_by("pk").first()
    notice = Notice.objects.filter(author__user__username="yuanban").order_by("pk").first()
    return {
        "inbox": "/inbox/",
        "communication plan": f"/communication/{plan.pk}/",
        "suggestions": "/suggestions/",
        "supervision": "/supervision/",
        "notice": f"/notices/{notice.pk}/",
    }


# Where a table's scroller must not scroll either: the letters on a phone (their subject was
# four characters wide), the supervision board at 1024 px (its last column was cut).
TABLES_FIT = {"suggestions": (PHONE["width"], 1024), "supervision": (1024,)}
CUT_TABLES = """[...document.querySelectorAll('.table-responsive')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => `${e.scrollWidth} in ${e.clientWidth} px`)"""


def test_the_office_pages_fit_on_a_phone_and_at_1024_px(live_server, busy_hospital):
    with chromium() as browser:
        page = signed_in(browser, live_server.url, "yuanban", DEMO_PASSWORD)
        too_wide = []
        for language in ("zh-hans", "en"):
            if language == "en":
                page.get_by_test_id("lang-switch").click()
                expect(page.get_by_test_id("lang-switch")).to_have_text("中文")
            for width in (PHONE["width"], 1024):
                page.set_viewport_size({"width": width, "height": 844})
                for name, path in busy_hospital.items():
                    page.goto(f"{live_server.url}{path}")
                    scroll = page.evaluate("document.scrollingElement.scrollWidth")
                    inner = page.evaluate("window.innerWidth")
                    if scroll > inner:
                        too_wide.append(f"{name} ({language}, {width} px): {scroll} px wide")
                    if width in TABLES_FIT.get(name, ()):
                        cut = page.evaluate(CUT_TABLES)
                        if cut:
                            too_wide.append(f"{name} ({language}, {width} px): tables {cut}")
        assert not too_wide, too_wide

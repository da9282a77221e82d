"""Real-browser journeys through the matter pages, one browser context per person:

- raise (liaison officer of 药剂科, no lead) → the coordinating office dispatches it to
  信息科 with 门诊部 as co-organizer → 信息科 accepts → 门诊部 gives its part → 信息科
  replies → the originator confirms (satisfied) → closed;
- the lead returns a matter with a reason → the office re-dispatches it elsewhere.

Screenshots (to-do, matter page with the chain, phone width) land in test-artifacts/.
"""

import pytest
from playwright.sync_api import expect, sync_playwright

from liaison.browser import ARTIFACTS_DIR, CHROMIUM_ARGS, chromium_path
from liaison.matters import services
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def hospital():
    """The demo hospital, its 门诊部 head with a known password, and a matter already at
    信息科 for the return journey. Built before Playwright starts: its sync API runs an
    event loop in this thread, where Django refuses synchronous queries."""
    organization = build_demo_hospital()
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    mzb_head = default_responsible(departments["MZB"])
    mzb_head.user.set_password(DEMO_PASSWORD)
    mzb_head.user.save(update_fields=["password"])
    kind = MatterKind.objects.get(organization=organization, code="coordination")
    lianluo = Person.objects.get(user__username="lianluo")
    returned = services.create_matter(
        lianluo, MatterInput(title="病区热水供应不稳定", kind=kind), submit=True
    )
    services.dispatch(
        returned, Person.objects.get(user__username="yuanban"), lead=departments["XXK"]
    )
    return {"mzb_head": mzb_head.user.username, "returned": returned.pk}


@pytest.fixture
def browser(hospital):
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class People:
    """One logged-in browser context per person."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []

    def page(self, username, viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, locale="zh-CN")
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"{self.base_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.locator("#id_username")).to_have_count(0)
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(browser, live_server):
    people = People(browser, live_server.url)
    yield people
    people.close()


def open_action(page, action):
    page.get_by_test_id(f"action-{action}").click()
    modal = page.locator(f"#act-{action}")
    expect(modal).to_be_visible()
    return modal


def pick(modal, index, search, name):
    """Choose a department in a Tom Select picker by typing (name, code or initials)."""
    picker = modal.locator(".ts-wrapper").nth(index)
    picker.locator(".ts-control").click()
    picker.locator(".ts-control input").fill(search)
    # Its list, by the listbox its input controls (wherever it opens).
    listbox = picker.locator(".ts-control input").get_attribute("aria-controls")
    modal.page.locator(f"[id='{listbox}'] .option", has_text=name).click()
    modal.locator(".modal-title").click()  # close the dropdown (Escape would close the modal)
    expect(picker.locator(".ts-control .item", has_text=name)).to_be_visible()


def expect_state(page, state):
    expect(page.get_by_test_id("matter-state")).to_have_attribute("data-state", state)


def test_raise_dispatch_accept_contribute_reply_confirm(people, hospital):
    # The liaison officer of 药剂科 raises it without naming a lead.
    lianluo = people.page("lianluo")
    lianluo.get_by_test_id("nav-new").click()
    lianluo.fill("#id_title", "门诊药房叫号屏不显示")
    lianluo.fill("#id_description", "候诊区**叫号屏**自周一起黑屏，患者只能围在窗口。")
    lianluo.get_by_test_id("submit-matter").click()
    expect_state(lianluo, "submitted")
    expect(lianluo.get_by_test_id("owner")).to_contain_text("院办")
    matter_url = lianluo.url

    # The coordinating office sees it in its to-do and dispatches it.
    yuanban = people.page("yuanban")
    yuanban.get_by_test_id("nav-todo").click()
    row = yuanban.get_by_test_id("matter-row").filter(has_text="门诊药房叫号屏不显示")
    expect(row).to_be_visible()
    yuanban.screenshot(path=ARTIFACTS_DIR / "matters-todo-office.png")
    row.get_by_role("link").click()
    modal = open_action(yuanban, "dispatch")
    pick(modal, 0, "xxk", "信息科")
    pick(modal, 1, "门诊", "门诊部")
    modal.locator("#dispatch-reason").fill("请信息科牵头，门诊部协助安抚患者")
    modal.get_by_test_id("do-dispatch").click()
    expect_state(yuanban, "dispatched")
    expect(yuanban.get_by_test_id("lead")).to_contain_text("信息科")
    expect(yuanban.get_by_test_id("co-organizers")).to_contain_text("门诊部")

    # The head of 信息科 finds it in the to-do and accepts.
    zhuren = people.page("zhuren")
    zhuren.get_by_test_id("nav-todo").click()
    expect(
        zhuren.get_by_test_id("matter-row").filter(has_text="门诊药房叫号屏不显示")
    ).to_be_visible()
    zhuren.screenshot(path=ARTIFACTS_DIR / "matters-todo-lead.png")
    zhuren.goto(matter_url)
    open_action(zhuren, "accept").get_by_test_id("do-accept").click()
    expect_state(zhuren, "accepted")
    expect(zhuren.get_by_test_id("missing-parts")).to_be_visible()

    # 门诊部 gives its part.
    mzb = people.page(hospital["mzb_head"])
    mzb.goto(matter_url)
    modal = open_action(mzb, "contribute")
    modal.get_by_test_id("contribute-text").fill("门诊部已安排导医人工叫号，并在候诊区张贴告示。")
    modal.get_by_test_id("do-contribute").click()
    expect(mzb.get_by_test_id("co-organizers")).not_to_contain_text("Still missing")
    expect(mzb.get_by_test_id("missing-parts")).to_have_count(0)

    # 信息科 replies.
    zhuren.reload()
    modal = open_action(zhuren, "reply")
    modal.get_by_test_id("reply-text").fill("已更换叫号服务器主板，叫号屏恢复显示。")
    modal.get_by_test_id("do-reply").click()
    expect_state(zhuren, "replied")

    # The originator confirms: satisfied closes it.
    lianluo.reload()
    modal = open_action(lianluo, "confirm")
    modal.locator("label", has=lianluo.get_by_test_id("rating-satisfied")).click()
    modal.get_by_test_id("do-confirm").click()
    expect_state(lianluo, "closed")
    expect(lianluo.get_by_test_id("rating")).to_be_visible()
    chain = lianluo.get_by_test_id("chain-steps")
    expect(chain).to_contain_text("院办")
    expect(chain).to_contain_text("信息科")
    expect(chain).to_contain_text("门诊部已安排导医人工叫号")
    lianluo.screenshot(path=ARTIFACTS_DIR / "matter-closed.png", full_page=True)
    lianluo.get_by_test_id("chain").screenshot(path=ARTIFACTS_DIR / "matter-chain.png")

    # At phone width the matter page does not scroll sideways.
    phone = people.page("lianluo", viewport=PHONE)
    phone.goto(matter_url)
    expect_state(phone, "closed")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the matter page scrolls sideways at phone width ({width}px)"
    phone.screenshot(path=ARTIFACTS_DIR / "matter-phone.png")
    phone.get_by_test_id("chain").scroll_into_view_if_needed()
    phone.screenshot(path=ARTIFACTS_DIR / "matter-phone-chain.png")
    phone.goto(matter_url.split("/matters/")[0] + "/matters/?tab=raised")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the to-do scrolls sideways at phone width ({width}px)"
    phone.screenshot(path=ARTIFACTS_DIR / "matters-todo-phone.png")


def test_the_lead_returns_it_and_the_office_dispatches_it_elsewhere(people, live_server, hospital):
    url = f"{live_server.url}/matters/{hospital['returned']}/"
    zhuren = people.page("zhuren")
    zhuren.goto(url)
    modal = open_action(zhuren, "return")
    modal.get_by_test_id("do-return").click()  # no reason: the browser asks for one
    expect(modal).to_be_visible()
    modal.get_by_test_id("return-reason").fill("热水供应属后勤保障，不是信息科的职责")
    modal.get_by_test_id("do-return").click()
    expect_state(zhuren, "submitted")
    expect(zhuren.get_by_test_id("owner")).to_contain_text("院办")

    yuanban = people.page("yuanban")
    yuanban.goto(url)
    modal = open_action(yuanban, "dispatch")
    pick(modal, 0, "zwhq", "总务后勤科")
    modal.get_by_test_id("do-dispatch").click()
    expect_state(yuanban, "dispatched")
    expect(yuanban.get_by_test_id("lead")).to_contain_text("总务后勤科")
    strip = yuanban.get_by_test_id("chain-strip")
    expect(strip).to_contain_text("信息科")
    expect(strip).to_contain_text("总务后勤科")
    steps = yuanban.get_by_test_id("chain-steps")
    expect(steps).to_contain_text("热水供应属后勤保障")
    yuanban.get_by_test_id("chain").screenshot(path=ARTIFACTS_DIR / "matter-chain-returned.png")


def test_edit_a_draft_then_link_it_to_a_related_matter(people, live_server, hospital):
    lianluo = people.page("lianluo")
    lianluo.get_by_test_id("nav-new").click()
    lianluo.fill("#id_title", "病区热水时有时无")
    lianluo.get_by_test_id("save-draft").click()
    expect_state(lianluo, "draft")

    lianluo.get_by_test_id("action-edit").click()
    expect(lianluo.locator("#id_title")).to_have_value("病区热水时有时无")
    lianluo.fill("#id_title", "住院部三病区热水时有时无")
    lianluo.fill("#id_description", "夜间十点后热水中断，影响患者洗漱。")
    lianluo.get_by_test_id("submit-matter").click()
    expect_state(lianluo, "submitted")
    expect(lianluo.get_by_test_id("matter-title")).to_have_text("住院部三病区热水时有时无")
    expect(lianluo.get_by_test_id("timeline")).to_contain_text("修改草稿")

    # The office sees both and records that they are about the same problem.
    new_url = lianluo.url
    yuanban = people.page("yuanban")
    yuanban.goto(new_url)
    older = matter_number(yuanban, f"{live_server.url}/matters/{hospital['returned']}/")
    yuanban.goto(new_url)
    form = yuanban.get_by_test_id("link-form")
    form.locator("select[name=kind]").select_option("duplicate_of")
    form.locator("input[name=target]").fill(older)
    form.get_by_role("button").click()
    links = yuanban.get_by_test_id("links")
    expect(links).to_contain_text(older)
    expect(links).to_contain_text("病区热水供应不稳定")
    links.screenshot(path=ARTIFACTS_DIR / "matter-links.png")


def matter_number(page, url) -> str:
    page.goto(url)
    return page.get_by_test_id("matter-number").inner_text()

"""A real-browser journey through the suggestion box: a patient's relative writes an
anonymous complaint on the public form (captcha solved through the module's helper) and
gets a retrieval code; 院办 answers it; the writer reads the answer with the code, after
one mistyped try. The praise the office published shows on 药剂科's page. Screenshots
land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, DESKTOP, chromium, signed_in
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.suggestions import captcha
from liaison.suggestions.demo import build_demo_suggestions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """The demo hospital with its letters, built before Playwright starts (its event loop
    refuses synchronous queries)."""
    organization = build_demo_hospital()
    build_demo_suggestions(organization)
    pharmacy = organization.departments.get(code="YJK")
    return {"code": organization.code, "pharmacy": pharmacy.pk}


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def test_write_anonymously_and_read_the_reply_with_the_code(browser, live_server, hospital):
    writer = browser.new_context(viewport=DESKTOP, locale="zh-CN").new_page()
    writer.goto(f"{live_server.url}/suggestions/public/{hospital['code']}/")
    expect(writer.get_by_test_id("privacy")).to_be_visible()

    writer.locator("input[name=kind][value=complaint]").check()
    writer.locator("#id_subject").fill("急诊候诊区夜间空调太冷")
    writer.locator("#id_body").fill(
        "昨晚十一点陪老人在急诊候诊区等了两个小时，空调温度很低，没有毯子可借。"
        "希望夜间调高温度，或者备一些毯子。"
    )
    writer.locator("#id_anonymous").check()
    expect(writer.get_by_test_id("signature")).to_be_hidden()
    token = writer.get_by_test_id("captcha-token").get_attribute("value")
    writer.locator("#id_captcha_answer").fill(str(captcha.solve(token)))
    writer.screenshot(path=str(ARTIFACTS_DIR / "suggestion-public-form.png"), full_page=True)
    writer.get_by_test_id("send").click()

    code = writer.get_by_test_id("retrieval-code").inner_text()
    assert len(code) == 14
    writer.screenshot(path=str(ARTIFACTS_DIR / "suggestion-code.png"), full_page=True)

    office = signed_in(browser, live_server.url, "yuanban", DEMO_PASSWORD)
    office.goto(f"{live_server.url}/suggestions/")
    office.screenshot(path=str(ARTIFACTS_DIR / "suggestion-list.png"), full_page=True)
    office.get_by_role("link", name="急诊候诊区夜间空调太冷").click()
    expect(office.get_by_test_id("writer")).to_have_attribute("data-anonymous", "1")
    office.locator("#id_text").fill(
        "已请总务后勤科将急诊候诊区夜间温度调至24℃，并在分诊台备毯子供借用。"
    )
    office.get_by_test_id("do-reply").click()
    expect(office.get_by_test_id("status")).to_have_attribute("data-status", "answered")
    office.screenshot(path=str(ARTIFACTS_DIR / "suggestion-office-reply.png"), full_page=True)

    writer.get_by_test_id("to-by-code").click()
    writer.locator("#id_code").fill("2345-6789-ABCD")
    writer.get_by_test_id("read").click()
    expect(writer.get_by_test_id("code-error")).to_be_visible()
    writer.locator("#id_code").fill(code.lower())
    writer.get_by_test_id("read").click()
    expect(writer.get_by_test_id("reply")).to_contain_text("备毯子供借用")
    expect(writer.get_by_test_id("status")).to_have_attribute("data-status", "answered")
    writer.screenshot(path=str(ARTIFACTS_DIR / "suggestion-read-by-code.png"), full_page=True)

    office.goto(f"{live_server.url}/org/departments/{hospital['pharmacy']}/")
    expect(office.get_by_test_id("department-praise")).to_contain_text("药剂科每月下病区讲用药")
    office.screenshot(path=str(ARTIFACTS_DIR / "suggestion-department-praise.png"), full_page=True)

"""A real-browser journey through a notice: 院办 publishes it to three departments; the
liaison officers of 药剂科 and 儿科 relay it (one from the liaison desk, one from the
notice page); a nurse of 儿科 reads it; 院办 watches the per-department statistics change
and reminds 信息科's non-readers. Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Position, PositionRole

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于开展院感自查的通知"


@pytest.fixture
def hospital():
    """The demo hospital (built before Playwright starts: its event loop refuses
    synchronous queries), and a login for 儿科's liaison officer."""
    organization = build_demo_hospital()
    liaison = Position.objects.get(
        department__organization=organization,
        department__code="EK",
        role=PositionRole.LIAISON_OFFICER,
        end__isnull=True,
    )
    user = liaison.person.user
    user.set_password(DEMO_PASSWORD)  # only the demo's named logins have one
    user.save(update_fields=["password"])
    return {"ek_liaison": user.username}


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def login(browser, base_url, username):
    return signed_in(browser, base_url, username, DEMO_PASSWORD)


def pick(page, field: str, text: str) -> None:
    """Choose an option of a tom-select picker by typing part of its name."""
    control = page.locator(f"#id_{field}-ts-control")
    control.fill(text)
    page.locator(".ts-dropdown .option", has_text=text).first.click()
    expect(control).to_have_value("")  # the typed words go once chosen


def row(page, code: str):
    return page.locator(f'[data-testid="stats-row"][data-department="{code}"]')


def test_publish_relay_read_and_remind(browser, live_server, hospital):
    office = login(browser, live_server.url, "yuanban")
    office.goto(f"{live_server.url}/notices/")
    office.get_by_test_id("new-notice").click()
    office.locator("#id_title").fill(TITLE)
    office.locator("#id_body").fill("请各科室于本周五前完成院感自查，联络员转达至全科。")
    for name in ("药剂科", "儿科", "信息科"):
        pick(office, "departments", name)
    office.screenshot(path=ARTIFACTS_DIR / "notice-form.png", full_page=True)
    office.get_by_test_id("publish-open").click()
    expect(office.get_by_test_id("publish-confirmation")).to_contain_text("只能撤回")
    office.get_by_test_id("publish").click()
    expect(office.get_by_test_id("notice-title")).to_have_text(TITLE)
    expect(office.get_by_test_id("stats-row")).to_have_count(3)
    expect(office.get_by_test_id("not-relayed")).to_have_count(3)
    notice_url = office.url

    pharmacy = login(browser, live_server.url, "lianluo")
    pharmacy.goto(f"{live_server.url}/notices/desk/")
    expect(pharmacy.get_by_test_id("relay-row")).to_have_count(1)
    pharmacy.screenshot(path=ARTIFACTS_DIR / "notice-desk.png", full_page=True)
    pharmacy.get_by_test_id("desk-relay").click()
    expect(pharmacy.get_by_test_id("relay-row")).to_have_count(0)

    paediatrics = login(browser, live_server.url, hospital["ek_liaison"])
    paediatrics.goto(notice_url)
    paediatrics.locator("input[name=note]").fill("请全科护士今日内阅读")
    paediatrics.get_by_test_id("relay").click()
    expect(paediatrics.get_by_test_id("relay-form")).to_have_count(0)

    nurse = login(browser, live_server.url, "yuangong")
    nurse.goto(f"{live_server.url}/notices/")
    expect(nurse.get_by_test_id("unread-badge")).to_have_count(1)
    nurse.get_by_test_id("notice-row").first.click()
    expect(nurse.get_by_test_id("notice-body")).to_contain_text("院感自查")
    nurse.goto(f"{live_server.url}/notices/")
    expect(nurse.get_by_test_id("unread-badge")).to_have_count(0)

    office.reload()
    expect(row(office, "YJK").get_by_test_id("relayed")).to_have_count(1)
    expect(row(office, "EK").get_by_test_id("relayed")).to_have_count(1)
    expect(row(office, "XXK").get_by_test_id("not-relayed")).to_have_count(1)
    expect(row(office, "EK").get_by_test_id("row-count")).to_contain_text("1")
    office.screenshot(path=ARTIFACTS_DIR / "notice-stats.png", full_page=True)
    row(office, "XXK").get_by_test_id("remind").click()
    expect(office.locator(".alert-success")).to_be_visible()
    office.screenshot(path=ARTIFACTS_DIR / "notice-reminded.png", full_page=True)


def test_the_form_keeps_a_local_draft_and_refuses_a_too_large_file(
    browser, live_server, settings, tmp_path
):
    settings.MATTER_ATTACHMENT_MAX_BYTES = 1024 * 1024
    office = login(browser, live_server.url, "yuanban")
    office.goto(f"{live_server.url}/notices/new/")
    office.locator("#id_title").fill(TITLE)
    office.locator("#id_body").fill("请各科室于本周五前完成院感自查。")
    office.wait_for_timeout(500)  # the draft is saved a moment after typing stops

    office.reload()
    expect(office.locator("#id_title")).to_have_value("")
    office.get_by_test_id("draft-restore").click()
    expect(office.locator("#id_title")).to_have_value(TITLE)
    expect(office.locator("#id_body")).to_have_value("请各科室于本周五前完成院感自查。")

    big = tmp_path / "scan.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    office.locator("#id_attachments").set_input_files(str(big))
    expect(office.get_by_test_id("upload-too-large")).to_contain_text("scan.pdf")
    expect(office.get_by_test_id("upload-too-large")).to_contain_text("1 MB")
    office.get_by_test_id("save-draft").click()
    expect(office.get_by_test_id("upload-too-large")).to_be_visible()  # not sent
    assert office.url.endswith("/notices/new/")

    # Saved: the draft is gone, a new form starts clean.
    office.locator("#id_attachments").set_input_files([])
    office.locator("#id_departments-ts-control").fill("药剂科")
    office.locator("#id_departments-ts-dropdown .option", has_text="药剂科").first.click()
    office.get_by_test_id("save-draft").click()
    expect(office.get_by_test_id("notice-title")).to_have_text(TITLE)
    office.goto(f"{live_server.url}/notices/new/")
    expect(office.locator("#id_title")).to_be_visible()
    expect(office.get_by_test_id("draft-offer")).to_have_count(0)

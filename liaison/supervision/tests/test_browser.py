"""A real-browser journey through supervision: 督查办 puts a matter under supervision and
urges it from the matter page; the lead department submits its rectification reply;
督查办 accepts it; the board shows it. Screenshots land in test-artifacts/."""

import pytest
from playwright.sync_api import expect

from liaison.browser import ARTIFACTS_DIR, chromium, signed_in
from liaison.matters import services
from liaison.matters.models import MatterKind
from liaison.matters.services import MatterInput
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hospital():
    """The demo hospital and a matter accepted by 信息科, whose head gets a known password.
    Built before Playwright starts (its event loop refuses synchronous queries)."""
    organization = build_demo_hospital()
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    head = default_responsible(departments["XXK"])
    head.user.set_password(DEMO_PASSWORD)
    head.user.save(update_fields=["password"])
    kind = MatterKind.objects.get(organization=organization, code="coordination")
    matter = services.create_matter(
        Person.objects.get(user__username="lianluo"),
        MatterInput(title="门诊自助机频繁死机", kind=kind),
        submit=True,
    )
    services.dispatch(matter, Person.objects.get(user__username="yuanban"), lead=departments["XXK"])
    services.accept(matter, head)
    return {"head": head.user.username, "matter": matter.pk}


@pytest.fixture
def browser(hospital):
    with chromium() as browser:
        yield browser


def login(browser, base_url, username):
    return signed_in(browser, base_url, username, DEMO_PASSWORD)


def test_supervise_urge_rectify_accept(browser, live_server, hospital):
    url = f"{live_server.url}/matters/{hospital['matter']}/"
    office = login(browser, live_server.url, "duchaban")
    office.goto(url)
    office.get_by_test_id("action-supervise").click()
    modal = office.locator("#sv-supervise")
    expect(modal).to_be_visible()
    modal.locator("#sv-reason").fill("自助机故障影响挂号，限期整改。")
    modal.get_by_test_id("do-supervise").click()
    expect(office.get_by_test_id("supervision-rag")).to_have_attribute("data-rag", "green")
    office.get_by_test_id("action-urge").click()
    expect(office.get_by_test_id("supervision-urges")).to_have_attribute("data-count", "1")
    office.screenshot(path=str(ARTIFACTS_DIR / "supervision-matter.png"), full_page=True)

    lead = login(browser, live_server.url, hospital["head"])
    lead.goto(url)
    lead.get_by_test_id("action-rectify").click()
    modal = lead.locator("#sv-rectify")
    expect(modal).to_be_visible()
    modal.locator("#sv-measures").fill("更换自助机主板并每日巡检。")
    modal.locator("#sv-evidence").fill("维修单与巡检记录。")
    modal.get_by_test_id("do-rectify").click()
    expect(lead.get_by_test_id("rectification")).to_have_attribute("data-state", "submitted")

    office.goto(url)
    office.get_by_test_id("action-review").click()
    modal = office.locator("#sv-review")
    expect(modal).to_be_visible()
    modal.get_by_test_id("do-review").click()
    expect(office.get_by_test_id("supervision-ended")).to_be_visible()

    office.get_by_test_id("nav-supervision").click()
    expect(office.get_by_test_id("board-summary")).to_be_visible()
    office.goto(f"{live_server.url}/supervision/?ended=1")
    expect(office.get_by_test_id("board-row")).to_have_count(1)
    office.screenshot(path=str(ARTIFACTS_DIR / "supervision-board.png"), full_page=True)

"""The Content-Security-Policy: every page carries it, and no template holds what it would
block (inline scripts, event handler attributes, inline styles), so nothing needs
'unsafe-inline'. The browser journeys fail on any violation a page reports (see
liaison/conftest.py)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from liaison.browser import chromium
from liaison.org.tests.factories import PersonFactory

LIAISON = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(LIAISON.glob("**/templates/**/*.html"))

POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "object-src": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
}

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\s(on[a-z]+|hx-on[-:a-z]*)\s*=", re.IGNORECASE)
STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.DOTALL)


def policy_of(response) -> dict[str, set[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";"))
    return {name: set(values) for name, *values in directives if name}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_the_pages_anyone_reaches_carry_the_policy(client, url):
    assert policy_of(client.get(url)) == POLICY


@pytest.mark.django_db
def test_the_pages_of_a_signed_in_person_carry_the_policy(client):
    person = PersonFactory()
    client.force_login(person.user)
    for url in (reverse("org:chart"), reverse("matters:todo"), reverse("org:profile")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == POLICY, url


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_a_url(client):
    client.force_login(PersonFactory().user)
    page = client.get("/api/docs/")

    assert policy_of(page) == POLICY
    html = page.content.decode()
    scripts = SCRIPT.findall(html)
    assert scripts and all("src=" in attributes for attributes in scripts)
    assert not STYLE.search(html)
    start = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    script = client.get(start.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_templates_are_found():
    assert len(TEMPLATES) > 40
    assert LIAISON / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(LIAISON)))
def test_no_template_holds_inline_script_handlers_or_styles(template):
    source = TEMPLATE_SYNTAX.sub("", template.read_text())  # the HTML, without the tags
    for attributes in SCRIPT.findall(source):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert not HANDLER.search(source), HANDLER.search(source).group(0)
    assert not STYLE.search(source), STYLE.search(source).group(0)
    assert "javascript:" not in source.lower()


def test_the_scan_finds_what_it_looks_for():
    assert HANDLER.search('<button type="button" onclick="go()">')
    assert HANDLER.search('<form hx-on::after-request="go()">')
    assert STYLE.search('<div class="card" style="max-width: 32rem">')
    assert not HANDLER.search('<a data-online="1" href="/">')
    assert SCRIPT.findall("<script>go()</script>") == [""]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_journey_fails_on_a_violation(no_content_security_policy_violations, live_server):
    violations = no_content_security_policy_violations
    with chromium() as browser:
        page = browser.new_context().new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        inline = "Object.assign(document.createElement('script'), {textContent: 'window.ran = 1'})"
        page.evaluate(f"document.body.append({inline})")
        ran = page.evaluate("window.ran")
    assert ran is None and violations and "script" in violations[0]
    violations.clear()  # seen: the journey itself passes


@pytest.fixture
def demo_hospital(db):
    from liaison.org.demo import build_demo_hospital

    return build_demo_hospital()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_what_the_inline_scripts_did_still_works(demo_hospital, live_server):
    from playwright.sync_api import expect

    from liaison.browser import ARTIFACTS_DIR, signed_in
    from liaison.org.demo import DEMO_PASSWORD

    with chromium() as browser:
        page = signed_in(browser, live_server.url, "yuanban", DEMO_PASSWORD)

        page.goto(f"{live_server.url}/org/chart/")  # expand and collapse the tree
        page.get_by_role("button", name="全部展开").click()
        expect(page.locator(".org-tree details:not([open])")).to_have_count(0)
        page.get_by_role("button", name="全部收起").click()
        expect(page.locator(".org-tree details[open]")).to_have_count(0)

        page.goto(f"{live_server.url}/matters/new/")  # a picker says when nothing matches
        page.locator(".ts-control input").first.fill("zzzzqq")
        expect(page.locator(".ts-dropdown .no-results").first).to_have_text("无匹配结果")

        page.goto(f"{live_server.url}/matters/?tab=all")  # the ledger of the filtered list
        page.get_by_test_id("matter-search").fill("叫号")
        with page.expect_download() as download:
            page.get_by_test_id("ledger-export").click()
        assert "q=%E5%8F%AB%E5%8F%B7" in download.value.url and "tab=all" in download.value.url

        page.goto(f"{live_server.url}/meetings/mine/")  # the calendar address selects itself
        feed = page.get_by_test_id("feed-url")
        feed.click()
        selected = feed.evaluate("input => input.selectionEnd - input.selectionStart")
        assert selected == len(feed.input_value()) > 0

        page.goto(f"{live_server.url}/api/docs/")  # Swagger UI starts from its own script
        expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
        page.screenshot(path=ARTIFACTS_DIR / "api-docs.png")

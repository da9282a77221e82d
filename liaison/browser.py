"""Headless Debian chromium for the real-browser journeys (Playwright drives it).

The machine has no internet: Playwright's own browser download is not used; the flags
keep chromium from reaching out at start-up.
"""

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent.parent / "test-artifacts"


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            "Debian chromium is not installed: run `make browser` (apt-get install chromium)"
        )
    return path


DESKTOP = {"width": 1280, "height": 900}


@contextmanager
def chromium():
    """Debian chromium, headless, driven by Playwright for one test."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS_DIR.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(browser, base_url: str, username: str, password: str, viewport=DESKTOP):
    """A new page of a new browser context, signed in through the login form (Chinese UI)."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#id_username")).to_have_count(0)
    return page


CSP_VIOLATION = "Content Security Policy"


def watch_csp_violations(monkeypatch) -> list[str]:
    """Every browser context and page opened from now on reports its console messages; the
    list returned collects those of Content-Security-Policy violations (chromium logs each
    blocked inline script, handler or style, and each source the policy does not allow)."""
    from playwright.sync_api import Browser

    violations: list[str] = []

    def listen(target):
        def on_console(message):
            if CSP_VIOLATION in message.text:
                violations.append(f"{message.location.get('url', '?')}: {message.text}")

        target.on("console", on_console)
        return target

    new_context, new_page = Browser.new_context, Browser.new_page
    monkeypatch.setattr(Browser, "new_context", lambda *a, **k: listen(new_context(*a, **k)))
    monkeypatch.setattr(Browser, "new_page", lambda *a, **k: listen(new_page(*a, **k)))
    return violations

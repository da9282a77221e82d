"""In a real browser: a refused action on the matter page opens its dialog again with the
choice and the reason, at the matter's own address, and the corrected form goes through."""

import pytest
from playwright.sync_api import expect

from liaison.browser import chromium, signed_in
from liaison.matters.models import State
from liaison.org.tests.factories import PASSWORD

from .factories import MatterFactory, build_hospital

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def replied():
    """A matter replied to by 信息科, waiting for its originator's rating (built before
    Playwright starts: its event loop refuses synchronous queries)."""
    h = build_hospital()
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.REPLIED)
    return {"pk": matter.pk, "originator": h.p["yjk_liaison"].user.username}


def test_an_unsatisfied_rating_without_a_comment_reopens_the_dialog(live_server, replied):
    url = f"{live_server.url}/matters/{replied['pk']}/"
    with chromium() as browser:
        page = signed_in(browser, live_server.url, replied["originator"], PASSWORD)
        page.goto(url)
        page.get_by_test_id("action-confirm").click()
        dialog = page.locator("#act-confirm")
        expect(dialog).to_be_visible()
        dialog.locator('label:has([data-testid="rating-unsatisfied"])').click()
        dialog.get_by_test_id("do-confirm").click()

        dialog = page.locator("#act-confirm")
        expect(dialog).to_be_visible()  # opened again by itself
        expect(dialog.get_by_test_id("action-error")).to_be_visible()
        expect(dialog.get_by_test_id("rating-unsatisfied")).to_be_checked()
        assert page.url == url  # its own address: a refresh does not post again

        dialog.locator("#confirm-comment").fill("叫号屏仍然黑屏")
        dialog.get_by_test_id("do-confirm").click()
        expect(page.locator("#act-confirm")).to_have_count(0)  # done: sent back to 信息科

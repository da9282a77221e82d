"""A refused action on the matter page keeps the person's work: the page comes back with
the action's dialog marked to open again, what was typed still in it, the refusal next to
it, and nothing saved."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.matters.models import SavedView, State
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401

from .factories import MatterFactory, changes_nothing

pytestmark = pytest.mark.django_db


def post(client, who, matter, action, data):
    client.force_login(who.user)
    url = reverse("matters:act", args=[matter.pk, action])
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def dialog(response, action) -> str:
    """The HTML of the action's dialog on the page."""
    html = response.content.decode()
    start = html.index(f'id="act-{action}"')
    return html[start : html.index("</form>", start)]


def test_a_dispatch_with_a_bad_date_comes_back_with_the_choices_and_instructions(h, client):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h)
    with changes_nothing(matter):
        response = post(
            client,
            h.p["office"],
            matter,
            "dispatch",
            {
                "lead": h.d["XXK"].pk,
                "co": [h.d["ZWK"].pk],
                "responsible": h.p["xxk_staff"].pk,
                "due": "2026-13-45",
                "reason": "请三日内排查叫号屏",
            },
        )
    assert response.status_code == 400
    form = dialog(response, "dispatch")
    assert "data-reopen" in form
    assert "Enter a valid date." in form
    assert "请三日内排查叫号屏</textarea>" in form
    assert re.search(rf'<option value="{h.d["XXK"].pk}"[^>]* selected>信息科', form)
    assert re.search(rf'<option value="{h.d["ZWK"].pk}"[^>]* selected>总务科', form)
    assert f'<option value="{h.p["xxk_staff"].pk}" selected>孙技术</option>' in form
    assert 'value="2026-13-45"' in form


def test_an_extension_request_too_early_keeps_the_reason_and_the_date(h, client):
    matter = MatterFactory(
        originator=h.p["yjk_liaison"],
        by=h,
        state=State.ACCEPTED,
        due=timezone.localdate() + datetime.timedelta(days=5),
    )
    earlier = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    with changes_nothing(matter):
        response = post(
            client,
            h.p["xxk_head"],
            matter,
            "request-extension",
            {"due": earlier, "reason": "服务器到货延迟，需要再等一周"},
        )
    assert response.status_code == 400
    form = dialog(response, "request-extension")
    assert "The proposed date must be later than the current due date." in form
    assert "服务器到货延迟，需要再等一周</textarea>" in form
    assert f'value="{earlier}"' in form and "data-reopen" in form


def test_an_unsatisfied_rating_without_a_comment_stays_chosen(h, client):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.REPLIED)
    with changes_nothing(matter):
        response = post(
            client, h.p["yjk_liaison"], matter, "confirm", {"rating": "unsatisfied", "comment": ""}
        )
    assert response.status_code == 400
    form = dialog(response, "confirm")
    assert "Say what is still wrong." in form
    assert re.search(r'value="unsatisfied"[^>]*checked', form)
    assert not re.search(r'value="satisfied"[^>]*checked', form)


def test_a_link_to_an_unknown_number_keeps_the_number_and_says_why(h, client):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h)
    with changes_nothing(matter):
        response = post(
            client,
            h.p["yjk_liaison"],
            matter,
            "link",
            {"target": "XT-1999-424242", "kind": "duplicate_of"},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="XT-1999-424242"' in html
    assert re.search(r'<option value="duplicate_of"\s*selected>', html)
    assert 'data-testid="link-error"' in html


def test_a_reply_someone_may_no_longer_send_is_shown_back_to_copy(h, client):
    matter = MatterFactory(originator=h.p["yjk_liaison"], by=h, state=State.ACCEPTED)
    with changes_nothing(matter):
        # The originator sees the matter but may not reply for the lead department.
        response = post(client, h.p["yjk_liaison"], matter, "reply", {"text": "已处理：更换了主板"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="failed-elsewhere"' in html
    assert "已处理：更换了主板" in html


# The to-do's forms: the selection, the chosen lead and a view's name stay.


def test_a_batch_dispatch_without_a_lead_keeps_the_selection(h, client):
    first = MatterFactory(originator=h.p["mzb_staff"], by=h, title="甲事项")
    second = MatterFactory(originator=h.p["mzb_staff"], by=h, title="乙事项")
    client.force_login(h.p["office"].user)
    with changes_nothing(first), changes_nothing(second):
        response = client.post(
            reverse("matters:batch"),
            {"action": "dispatch", "lead": "", "matters": [first.pk], "back": "sort=age"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="batch-error">Choose the lead department.</div>' in html
    assert re.search(rf'name="matters" value="{first.pk}" form="batch-form" checked', html)
    assert not re.search(rf'name="matters" value="{second.pk}" form="batch-form" checked', html)
    assert '<meta name="page-address" content="/matters/?sort=age">' in html


def test_a_view_name_too_long_is_kept_with_the_reason(h, client):
    client.force_login(h.p["office"].user)
    name = "门诊部本周内须处理的紧急协调事项" * 5
    response = client.post(
        reverse("matters:save-view"),
        {"name": name, "back": "tab=raised"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'value="{name}"' in html and 'data-testid="save-view-error"' in html
    assert not SavedView.objects.exists()

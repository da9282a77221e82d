"""A refused supervision form keeps the person's work: the matter page comes back with the
form's dialog marked to open again, what was typed in it, the refusal next to it, and
nothing saved."""

import re

import pytest
from django.urls import reverse

from liaison.supervision.models import Supervision

from .conftest import submit

pytestmark = pytest.mark.django_db


def post(client, who, matter, action, data):
    client.force_login(who.user)
    url = reverse("supervision:act", args=[matter.pk, action])
    return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


def dialog(response, name) -> str:
    html = response.content.decode()
    start = html.index(f'id="sv-{name}"')
    return html[start : html.index("</form>", start)]


def test_supervising_with_a_past_deadline_keeps_the_reason_and_the_supervisor(client, h, matter):
    response = post(
        client,
        h.p["supervisor"],
        matter,
        "supervise",
        {
            "deadline": "2020-01-01",
            "reason": "门诊叫号问题反复出现",
            "supervisor": h.p["supervisor"].pk,
        },
    )
    assert response.status_code == 400
    form = dialog(response, "supervise")
    assert "data-reopen" in form and 'data-testid="sv-error"' in form and "past" in form
    assert "门诊叫号问题反复出现</textarea>" in form
    assert 'value="2020-01-01"' in form
    assert re.search(rf'<option value="{h.p["supervisor"].pk}"\s*selected>', form)
    assert 'name="rectification_required" value="1">' in form  # left unticked as posted
    assert not Supervision.objects.exists()


def test_a_rejection_without_a_reason_keeps_reject_chosen(client, h, supervised):
    submit(h, supervised)
    response = post(client, h.p["supervisor"], supervised, "review", {"accept": "no", "reason": ""})
    assert response.status_code == 400
    form = dialog(response, "review")
    assert "data-reopen" in form and 'data-testid="sv-error"' in form
    assert re.search(r'value="no" class="form-selectgroup-input"\s*checked', form)
    assert supervised.supervisions.get().rectifications.get().state == "submitted"


def test_a_rectification_without_evidence_keeps_the_measures(client, h, supervised):
    response = post(
        client,
        h.p["xxk_liaison"],
        supervised,
        "rectify",
        {"measures": "更换叫号服务器", "evidence": "", "completion_date": "2020-01-01"},
    )
    assert response.status_code == 400
    form = dialog(response, "rectify")
    assert "data-reopen" in form and 'data-testid="sv-error"' in form
    assert "更换叫号服务器</textarea>" in form and 'value="2020-01-01"' in form
    assert not supervised.supervisions.get().rectifications.exists()

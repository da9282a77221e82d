"""The office's reply and route forms keep what was typed when they come back with an
error: the letter page again, the text or title in the form, the reason next to it, and
nothing saved."""

import re

import pytest

from liaison.matters.models import Matter
from liaison.suggestions import services

from .factories import write
from .test_pages import EN, client_of

pytestmark = pytest.mark.django_db


def test_a_reply_too_long_comes_back_with_the_text(h):
    suggestion, _code = write(h)
    text = "已协调总务科增加座椅。" * 500  # 5,500 characters: over the limit

    response = client_of(h.p["office"]).post(
        f"/suggestions/{suggestion.pk}/reply/", {"text": text}, **EN
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert text in html and "invalid-feedback" in html
    suggestion.refresh_from_db()
    assert suggestion.reply == ""


def test_routing_to_an_unknown_department_keeps_the_title(h):
    suggestion, _code = write(h)

    response = client_of(h.p["office"]).post(
        f"/suggestions/{suggestion.pk}/route/",
        {"title": "候诊区加座椅", "lead_department": "999999"},
        **EN,
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="候诊区加座椅"' in html
    assert re.search(r'invalid-feedback d-block">[^<]*valid choice', html)
    assert not Matter.objects.exists()


def test_routing_a_letter_again_says_why(h):
    suggestion, _code = write(h)
    first = services.route(suggestion, h.p["office"], lead_department=h.d["ZWK"])

    response = client_of(h.p["office"]).post(
        f"/suggestions/{suggestion.pk}/route/", {"title": "再开一次"}, follow=True, **EN
    )

    assert f"A matter was already opened for this letter: {first.number}" in (
        response.content.decode()
    )
    assert Matter.objects.count() == 1

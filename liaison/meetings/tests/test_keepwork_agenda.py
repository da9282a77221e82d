"""Work is never lost on the meeting page's agenda and its meeting forms: a refused
arrangement of an item, decline, agenda closing time, move or cancellation shows the page
again (status 200, nothing saved) with what was typed and the refusal next to its field."""

import datetime
import re

import pytest
from django.utils import timezone

from liaison.meetings import services
from liaison.meetings.models import ItemState, MeetingState

from .test_pages import EN, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(h, meeting):
    """Two items 门诊部 proposed, waiting for the organizers."""
    return [
        services.propose_item(meeting, h.p["mzb_head"], services.ItemInput(title=title))
        for title in ("门诊叫号系统改造", "候诊区座椅更换")
    ]


def url(meeting, suffix: str = "") -> str:
    return f"/meetings/{meeting.pk}/{suffix}"


def arrange_form(html: str, item) -> str:
    return re.search(
        rf'<details[^>]*data-testid="arrange"[^>]*>(?:(?!</details>).)*'
        rf'action="/meetings/items/{item.pk}/".*?</details>',
        html,
        re.S,
    ).group(0)


def chosen(form: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of the chosen options of the select `name`."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', form, re.S).group(0)
    return re.findall(r'<option value="(\d+)" selected>([^<]*)</option>', select)


def test_a_refused_arrangement_keeps_the_pre_briefing_and_the_presenter(client, h, items):
    item, other = items
    typed = {
        "title": item.title,
        "description": "",
        "presenter": h.p["mzb_staff"].pk,
        "minutes": "15",
        "prebriefing": "请院长先知悉人员调整方案。",  # for nobody named: refused
    }
    response = login(client, h.p["xxk_head"]).post(f"/meetings/items/{item.pk}/", typed, **EN)

    assert response.status_code == 200
    html = response.content.decode()
    form = arrange_form(html, item)
    assert form.startswith('<details class="w-100" data-testid="arrange" open>')
    assert chosen(form, "presenter") == [(str(h.p["mzb_staff"].pk), h.p["mzb_staff"].name)]
    assert 'value="15"' in form
    assert "请院长先知悉人员调整方案。</textarea>" in form
    error = "Name the people the pre-briefing is for."
    prebriefed = re.search(r'<select[^>]*name="prebriefed".*?</div>', form, re.S).group(0)
    assert "is-invalid" in prebriefed and error in prebriefed
    assert error in messages_of(response)
    assert " open>" not in arrange_form(html, other)  # only the refused item's form opens
    # The page takes back the meeting's address (refresh, links), not the form's.
    assert f'<meta name="page-address" content="/meetings/{item.meeting_id}/">' in html
    item.refresh_from_db()
    assert (item.presenter, item.minutes, item.prebriefing) == (None, None, "")


def test_a_duration_the_form_refuses_keeps_the_people_to_pre_brief(client, h, items):
    item = items[0]
    people = [h.p["president"], h.p["xxk_liaison"]]
    typed = {
        "title": item.title,
        "presenter": h.p["mzb_staff"].pk,
        "minutes": "0",
        "prebriefing": "人员调整",
        "prebriefed": [p.pk for p in people],
    }
    response = login(client, h.p["xxk_head"]).post(f"/meetings/items/{item.pk}/", typed, **EN)

    assert response.status_code == 200
    form = arrange_form(response.content.decode(), item)
    assert chosen(form, "prebriefed") == [(str(p.pk), p.name) for p in people]
    assert chosen(form, "presenter") == [(str(h.p["mzb_staff"].pk), h.p["mzb_staff"].name)]
    assert "人员调整</textarea>" in form
    minutes = re.search(r'<input[^>]*name="minutes".*?</div>', form, re.S).group(0)
    assert 'value="0"' in minutes and "is-invalid" in minutes
    assert "greater than or equal to 1" in minutes
    item.refresh_from_db()
    assert item.prebriefing == "" and not item.prebriefed.exists()


def test_a_decline_without_a_reason_is_refused_beside_the_reason(client, h, items):
    item = items[0]
    response = login(client, h.p["xxk_head"]).post(
        f"/meetings/items/{item.pk}/decide/", {"decision": "decline", "reason": "  "}, **EN
    )

    assert response.status_code == 200
    form = re.search(
        rf'<form[^>]*action="/meetings/items/{item.pk}/decide/"[^>]*data-testid="form-decline">'
        r".*?</form>",
        response.content.decode(),
        re.S,
    ).group(0)
    assert 'value="  "' in form and "is-invalid" in form
    assert "Say why it is declined." in form
    item.refresh_from_db()
    assert item.state == ItemState.PROPOSED


def test_a_closing_time_after_the_start_is_refused_at_the_field(client, h, meeting):
    before = meeting.cutoff
    late = timezone.localtime(meeting.start + datetime.timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    response = login(client, h.p["xxk_head"]).post(
        url(meeting, "agenda/cutoff/"), {"cutoff": late}, **EN
    )

    assert response.status_code == 200
    form = re.search(r'data-testid="form-cutoff".*?</form>', response.content.decode(), re.S)
    assert f'value="{late}"' in form.group(0)
    assert "The agenda must close before the meeting starts." in form.group(0)
    meeting.refresh_from_db()
    assert meeting.cutoff == before


def test_a_refused_move_stays_open_on_the_page_as_typed(client, h, meeting):
    past = timezone.localtime(meeting.start - datetime.timedelta(days=30)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    typed = {"start": past, "duration": "45", "reason": "院长临时外出"}
    response = login(client, h.p["xxk_head"]).post(url(meeting, "move/"), typed, **EN)

    assert response.status_code == 200
    html = response.content.decode()
    form = re.search(r'<div class="mb-3" id="meeting-move">.*?</form>', html, re.S).group(0)
    assert f'value="{past}"' in form and 'value="45"' in form
    assert "院长临时外出</textarea>" in form
    assert "A meeting cannot be moved into the past." in form
    # On the page, not in a closed dialog.
    assert html.count('data-testid="form-move"') == 1 and "#meeting-move" not in html
    start = meeting.start
    meeting.refresh_from_db()
    assert meeting.start == start

    # A duration the form itself refuses is shown at its field, the rest kept.
    response = client.post(url(meeting, "move/"), {**typed, "duration": "0"}, **EN)
    form = re.search(r'id="meeting-move">.*?</form>', response.content.decode(), re.S).group(0)
    duration = re.search(r'name="duration".*?</div>', form, re.S).group(0)
    assert "invalid-feedback" in duration and "院长临时外出</textarea>" in form


def test_a_refused_cancellation_says_why_beside_the_reason(client, h, meeting):
    response = login(client, h.p["xxk_head"]).post(url(meeting, "cancel/"), {"reason": " "}, **EN)

    assert response.status_code == 200
    form = re.search(r'id="meeting-cancel">.*?</form>', response.content.decode(), re.S).group(0)
    assert "is-invalid" in form and "Say why the meeting is cancelled." in form
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED

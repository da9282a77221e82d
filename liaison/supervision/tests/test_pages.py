"""The supervision pages through the test client: the board (and who may open it), the
navigation link, the card on the matter page and its forms."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liaison.matters.models import EventType
from liaison.matters.tests.factories import in_days
from liaison.supervision import services
from liaison.supervision.models import RectificationState, Supervision

from .conftest import later, submit

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BOARD = "/supervision/"


def login(client, person):
    client.force_login(person.user)
    return client


def page(client, url) -> str:
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response.content.decode()


def act(matter, action: str) -> str:
    return reverse("supervision:act", args=[matter.pk, action])


# The board.


def test_the_board_needs_a_login(client, h):
    response = client.get(BOARD)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_board_is_forbidden_to_staff_with_a_clear_page(client, h):
    response = login(client, h.p["outsider"]).get(BOARD, **EN)
    assert response.status_code == 403
    assert 'data-testid="board-forbidden"' in response.content.decode()


def test_the_office_sees_rows_summary_and_lights(client, h, supervised):
    html = page(login(client, h.p["office"]), BOARD)
    assert f'data-number="{supervised.number}"' in html
    assert 'data-rag="green"' in html
    assert 'data-department="XXK" data-red="0" data-amber="0" data-green="1"' in html


def test_the_board_filters_by_light(client, h, supervised):
    client = login(client, h.p["supervisor"])
    assert supervised.number not in page(client, f"{BOARD}?rag=red")
    assert supervised.number in page(client, f"{BOARD}?rag=green")
    assert supervised.number not in page(client, f"{BOARD}?department={h.d['YJK'].pk}")
    # htmx asks for the table alone.
    response = client.get(
        f"{BOARD}?rag=green", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="supervision-board", **EN
    )
    html = response.content.decode()
    assert supervised.number in html and "<html" not in html


def test_a_head_sees_their_own_departments_items(client, h, supervised):
    assert supervised.number in page(login(client, h.p["xxk_head"]), BOARD)
    client.logout()
    assert supervised.number not in page(login(client, h.p["ek_head"]), BOARD)


def test_the_navigation_links_the_board_only_for_those_allowed(client, h):
    assert 'data-testid="nav-supervision"' in page(login(client, h.p["supervisor"]), "/org/me/")
    client.logout()
    assert 'data-testid="nav-supervision"' not in page(login(client, h.p["outsider"]), "/org/me/")


# The matter page.


def detail(client, matter) -> str:
    return page(client, reverse("matters:detail", args=[matter.pk]))


def test_the_office_gets_the_supervise_form_on_an_open_matter(client, h, matter):
    html = detail(login(client, h.p["office"]), matter)
    assert 'data-testid="form-supervise"' in html
    client.logout()
    assert 'data-testid="supervision"' not in detail(login(client, h.p["xxk_head"]), matter)


def test_supervising_from_the_page(client, h, matter):
    client = login(client, h.p["supervisor"])
    response = client.post(
        act(matter, "supervise"),
        {
            "deadline": in_days(4).isoformat(),
            "reason": "限期整改",
            "supervisor": h.p["supervisor"].pk,
            "rectification_required": "1",
        },
        follow=True,
        **EN,
    )
    assert response.redirect_chain[-1][0].endswith(
        reverse("matters:detail", args=[matter.pk]) + "#supervision"
    )
    supervision = matter.supervisions.get()
    assert supervision.deadline == in_days(4) and supervision.rectification_required
    html = response.content.decode()
    assert 'data-testid="supervision-rag" data-rag="green"' in html
    assert 'data-days-left="4"' in html
    assert 'data-testid="form-urge"' in html and 'data-testid="form-supervise"' not in html


def test_a_refused_form_shows_the_message_and_changes_nothing(client, h, matter):
    response = login(client, h.p["supervisor"]).post(
        act(matter, "supervise"),
        {"deadline": "2020-01-01", "reason": "督办"},
        **EN,
    )
    assert response.status_code == 400
    assert "past" in response.context["failed_error"]
    assert not Supervision.objects.exists()
    bad_date = client.post(act(matter, "supervise"), {"deadline": "明天", "reason": "x"}, **EN)
    assert bad_date.status_code == 400 and not Supervision.objects.exists()


def test_someone_not_allowed_gets_a_message_not_an_error(client, h, supervised):
    response = login(client, h.p["mzb_head"]).post(act(supervised, "urge"), **EN)
    assert response.status_code == 403
    assert 'data-testid="failed-elsewhere"' in response.content.decode()
    assert not supervised.supervisions.get().urges.exists()


def test_a_matter_hidden_from_the_person_is_not_found(client, h, supervised):
    response = login(client, h.p["outsider"]).post(act(supervised, "urge"), **EN)
    assert response.status_code == 404
    assert login(client, h.p["office"]).post(act(supervised, "nonsense")).status_code == 404


def test_urges_appear_with_their_times(client, h, supervised):
    client = login(client, h.p["supervisor"])
    client.post(act(supervised, "urge"), {"note": "请今天回复"}, **EN)
    with time_machine.travel(later(2)):
        client.post(act(supervised, "urge"), **EN)
    html = detail(client, supervised)
    assert 'data-testid="supervision-urges" data-count="2"' in html
    assert html.count('data-testid="urge"') == 2 and "请今天回复" in html
    assert 'data-rag="amber"' in html  # urged twice


def test_the_lead_submits_a_reply_with_a_file_and_the_supervisor_reviews(client, h, supervised):
    lead = login(client, h.p["xxk_liaison"])
    html = detail(lead, supervised)
    assert 'data-testid="form-rectify"' in html and 'data-testid="form-urge"' not in html
    lead.post(
        act(supervised, "rectify"),
        {
            "measures": "更换服务器",
            "evidence": "巡检记录",
            "completion_date": timezone.localdate().isoformat(),
            "attachments": [SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4")],
        },
        **EN,
    )
    reply = supervised.supervisions.get().rectifications.get()
    assert reply.event.attachments.get().original_name == "整改报告.pdf"
    assert "整改报告.pdf" in detail(lead, supervised)
    lead.logout()

    reviewer = login(client, h.p["supervisor"])
    assert 'data-testid="form-review"' in detail(reviewer, supervised)
    refused = reviewer.post(act(supervised, "review"), {"accept": "no", "reason": ""}, **EN)
    assert refused.status_code == 400
    reply.refresh_from_db()
    assert reply.state == RectificationState.SUBMITTED
    reviewer.post(act(supervised, "review"), {"accept": "no", "reason": "缺照片"}, **EN)
    reply.refresh_from_db()
    assert reply.state == RectificationState.REJECTED
    assert 'data-rag="red"' in detail(reviewer, supervised)

    submit(h, supervised)
    response = reviewer.post(act(supervised, "review"), {"accept": "yes"}, follow=True, **EN)
    assert 'data-testid="supervision-ended"' in response.content.decode()
    assert not supervised.supervisions.get().is_active
    assert list(
        supervised.events.filter(type__startswith="rectification").values_list("type", flat=True)
    ) == [
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_REJECTED,
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_ACCEPTED,
    ]


def test_the_card_renders_in_chinese_too(client, h, supervised):
    services.urge(supervised, h.p["supervisor"])
    response = login(client, h.p["supervisor"]).get(
        reverse("matters:detail", args=[supervised.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert 'data-testid="supervision"' in response.content.decode()


def test_the_matter_page_shows_a_missed_supervision_deadline(client, h, supervised):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7)):
        services.sweep()
        html = detail(login(client, h.p["supervisor"]), supervised)
    assert 'data-rag="red"' in html
    assert supervised.events.filter(type=EventType.BREACHED).count() == 1

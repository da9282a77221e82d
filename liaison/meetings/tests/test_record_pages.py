"""The agenda, attendance and minutes cards of the meeting page through the test
client: proposing, accepting and ordering items, recording attendance, writing the
minutes with decision rows, the chair's approval, read receipts, the print view and the
DOCX download."""

import datetime
import io

import docx
import pytest
import time_machine
from django.utils import timezone

from liaison.matters.models import State
from liaison.meetings import services
from liaison.meetings.models import ItemState, MeetingState, MinutesReceipt

from .test_pages import EN, login, messages_of, page

pytestmark = pytest.mark.django_db


def url(meeting, suffix: str = "") -> str:
    return f"/meetings/{meeting.pk}/{suffix}"


def test_a_department_proposes_and_the_organizer_accepts_and_orders(client, h, meeting):
    response = login(client, h.p["mzb_head"]).post(
        url(meeting, "agenda/"),
        {"title": "门诊叫号系统改造", "minutes": "20", "presenter": h.p["mzb_head"].pk},
        follow=True,
        **EN,
    )
    assert "proposed" in " ".join(messages_of(response))
    (item,) = meeting.agenda.all()
    assert item.state == ItemState.PROPOSED
    html = page(login(client, h.p["xxk_head"]), url(meeting))
    assert 'data-testid="agenda-item"' in html and 'data-testid="accept-item"' in html
    client.post(f"/meetings/items/{item.pk}/decide/", {"decision": "accept"}, **EN)
    client.post(url(meeting, "agenda/"), {"title": "第二项", "minutes": "10"}, **EN)
    second = meeting.agenda.get(title="第二项")
    response = client.post(
        f"/meetings/items/{second.pk}/move/", {"direction": "up"}, HTTP_HX_REQUEST="true", **EN
    )
    assert response.status_code == 200 and 'id="agenda"' in response.content.decode()
    assert [i.title for i in meeting.agenda.order_by("position")] == ["第二项", "门诊叫号系统改造"]


def test_a_late_proposal_shows_the_refusal(client, h, meeting):
    with time_machine.travel(meeting.cutoff + datetime.timedelta(minutes=1)):
        response = login(client, h.p["mzb_head"]).post(
            url(meeting, "agenda/"), {"title": "晚了"}, follow=True, **EN
        )
    assert "closed" in " ".join(messages_of(response))
    assert not meeting.agenda.exists()


def test_the_prebriefing_shows_only_to_the_people_named(client, h, meeting):
    login(client, h.p["mzb_head"]).post(
        url(meeting, "agenda/"),
        {"title": "人员调整", "prebriefing": "请院长先知悉", "prebriefed": [h.p["president"].pk]},
        **EN,
    )
    assert "请院长先知悉" in page(login(client, h.p["president"]), url(meeting))
    assert "请院长先知悉" not in page(login(client, h.p["xxk_head"]), url(meeting))


def test_a_meeting_held_end_to_end_on_its_page(client, h, meeting):
    due = (timezone.localdate() + datetime.timedelta(days=21)).isoformat()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        organizer = login(client, h.p["xxk_head"])
        response = organizer.post(
            url(meeting, "attendance/"),
            {
                f"presence_{h.p['mzb_head'].pk}": "substituted",
                f"substitute_{h.p['mzb_head'].pk}": h.p["mzb_liaison"].pk,
                f"presence_{h.p['xxk_liaison'].pk}": "absent",
                f"reason_{h.p['xxk_liaison'].pk}": "病假",
                f"presence_{h.p['president'].pk}": "present",
            },
            follow=True,
            **EN,
        )
        assert "Attendance is recorded." in messages_of(response)
        assert meeting.attendance.count() == 3
        row = organizer.get(url(meeting, "minutes/row/"), HTTP_HX_REQUEST="true", **EN)
        assert 'name="decision_title"' in row.content.decode()
        response = organizer.post(
            url(meeting, "minutes/"),
            {
                "summary": "会议研究了门诊叫号系统改造。",
                "recorder": h.p["xxk_liaison"].pk,
                "decision_title": ["更换叫号服务器", ""],
                "decision_detail": ["", ""],
                "decision_owner": [h.d["XXK"].pk, ""],
                "decision_responsible": [h.p["xxk_staff"].pk, ""],
                "decision_due": [due, ""],
            },
            follow=True,
            **EN,
        )
        assert "The minutes are saved." in messages_of(response)
        assert 'data-testid="approve-minutes"' not in response.content.decode()

        chair = login(client, h.p["president"])
        html = page(chair, url(meeting))
        assert 'data-testid="approve-minutes"' in html
        response = chair.post(url(meeting, "minutes/approve/"), follow=True, **EN)
        assert any("approved" in m for m in messages_of(response))
        meeting.refresh_from_db()
        assert meeting.state == MeetingState.HELD
        decision = meeting.minutes.decisions.get()
        assert decision.matter.state == State.DISPATCHED
        html = response.content.decode()
        assert decision.matter.number in html and 'data-testid="receipts"' in html
        assert 'data-testid="form-minutes"' not in html  # archived, read-only

        # The owner's to-do list has it.
        todo = page(login(client, h.p["xxk_staff"]), "/matters/")
        assert decision.matter.number in todo
        # The substitute reads the minutes: the receipt says when.
        page(login(client, h.p["mzb_liaison"]), url(meeting))
        receipt = MinutesReceipt.objects.get(person=h.p["mzb_liaison"])
        assert receipt.read_at == timezone.now()

        printed = page(client, url(meeting, "minutes/print/"))
        assert "@media print" not in printed  # the stylesheet is a file
        assert "更换叫号服务器" in printed and "冯联络" in printed and "病假" in printed
        response = client.get(url(meeting, "minutes.docx"), **EN)
        assert response.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
        assert "更换叫号服务器" in text
        # The substitute may not see the matter the decision became: its number is left out.
        assert decision.matter.number not in text and decision.matter.number not in printed


def test_the_minutes_pages_are_404_before_there_are_minutes(client, h, meeting):
    login(client, h.p["xxk_head"])
    assert client.get(url(meeting, "minutes/print/")).status_code == 404
    assert client.get(url(meeting, "minutes.docx")).status_code == 404


def test_the_admin_shows_minutes_and_agendas_read_only(client, h, meeting, django_user_model):
    services.propose_item(meeting, h.p["xxk_head"], services.ItemInput(title="议题一"))
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        minutes = services.save_minutes(
            meeting, h.p["xxk_head"], services.MinutesInput(summary="纪要")
        )
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(admin)
    for address in (
        "/admin/meetings/minutes/",
        f"/admin/meetings/minutes/{minutes.pk}/change/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
    ):
        response = client.get(address, **EN)
        assert response.status_code == 200, address
    assert client.get("/admin/meetings/minutes/add/").status_code == 403

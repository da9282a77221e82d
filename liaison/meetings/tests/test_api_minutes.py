"""The agenda, attendance and minutes API: GET/POST agenda, GET/POST attendance, GET/PUT
minutes and POST minutes/approve answering the ids of the matters the decisions became;
refusals as `{"detail": …}`; the routes in the OpenAPI schema."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from liaison.matters.models import Matter, State
from liaison.meetings.models import MinutesReceipt

from .test_api import api, username

pytestmark = pytest.mark.django_db


def url(meeting, what: str) -> str:
    return f"/api/v1/meetings/{meeting.pk}/{what}/"


def test_a_department_proposes_an_item_and_reads_the_agenda(h, meeting):
    response = api(h.p["mzb_head"]).post(
        url(meeting, "agenda"),
        {
            "title": "门诊叫号系统改造",
            "minutes": 20,
            "presenter": username(h, "mzb_head"),
            "prebriefing": "涉及预算，请院长先了解。",
            "prebriefed": [username(h, "president")],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    item = response.data["items"][0]
    assert item["state"] == "proposed" and item["department"] == "MZB"
    assert item["prebriefing"] == "涉及预算，请院长先了解。"
    seen = api(h.p["xxk_head"]).get(url(meeting, "agenda")).data
    assert seen["items"][0]["prebriefing"] == ""  # not for the organizer
    assert seen["carried_over"] == [] and seen["cutoff"]


def test_a_late_or_foreign_proposal_is_refused_with_a_message(h, meeting):
    with time_machine.travel(meeting.cutoff + datetime.timedelta(minutes=5)):
        response = api(h.p["mzb_head"]).post(
            url(meeting, "agenda"), {"title": "晚了"}, format="json"
        )
    assert response.status_code == 409 and "closed" in response.data["detail"]
    response = api(h.p["outsider"]).post(url(meeting, "agenda"), {"title": "无关"}, format="json")
    assert response.status_code == 403
    response = api(h.p["xxk_head"]).post(url(meeting, "agenda"), {"title": ""}, format="json")
    assert response.status_code == 400 and response.data["detail"]


def test_attendance_minutes_and_approval_create_the_matters(h, meeting):
    due = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=70), tick=False):
        recorder = api(h.p["xxk_head"])
        response = recorder.post(
            url(meeting, "attendance"),
            {
                "records": [
                    {"person": username(h, "president"), "presence": "present"},
                    {"person": username(h, "mzb_head"), "presence": "absent", "reason": "值班"},
                ]
            },
            format="json",
        )
        assert response.status_code == 200, response.data
        rows = {row["person"]: row for row in response.data}
        assert rows[username(h, "mzb_head")]["reason"] == "值班"
        assert rows[username(h, "xxk_liaison")]["presence"] is None

        response = recorder.get(url(meeting, "minutes"))
        assert response.status_code == 404
        response = recorder.put(
            url(meeting, "minutes"),
            {
                "summary": "会议讨论了门诊叫号系统。",
                "decisions": [
                    {
                        "title": "更换叫号服务器",
                        "owner_department": "XXK",
                        "responsible": username(h, "xxk_staff"),
                        "due": due,
                    }
                ],
            },
            format="json",
        )
        assert response.status_code == 200, response.data
        assert response.data["state"] == "draft"
        assert response.data["decisions"][0]["matter"] is None

        refused = recorder.post(url(meeting, "minutes/approve"))
        assert refused.status_code == 403 and "chair" in refused.data["detail"]
        response = api(h.p["president"]).post(url(meeting, "minutes/approve"))
        assert response.status_code == 200, response.data
        (matter_id,) = response.data["matters"]
        matter = Matter.objects.get(pk=matter_id)
        assert matter.state == State.DISPATCHED
        assert matter.responsible_person == h.p["xxk_staff"]
        assert matter.due.isoformat() == due
        assert response.data["minutes"]["state"] == "approved"

        # Reading the minutes through the API is a read receipt.
        api(h.p["mzb_head"]).get(url(meeting, "minutes"))
    assert MinutesReceipt.objects.get(person=h.p["mzb_head"]).read_at is not None
    assert MinutesReceipt.objects.get(person=h.p["xxk_liaison"]).read_at is None


def test_the_routes_are_in_the_openapi_schema(h, meeting):
    schema = api(h.p["xxk_head"]).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/meetings/{id}/agenda/"])
    assert {"get", "post"} <= set(paths["/api/v1/meetings/{id}/attendance/"])
    assert {"get", "put"} <= set(paths["/api/v1/meetings/{id}/minutes/"])
    assert "post" in paths["/api/v1/meetings/{id}/minutes/approve/"]


def test_the_organizers_accept_decline_and_order_items(h, meeting):
    proposer = api(h.p["mzb_head"])
    for title in ("甲", "乙"):
        proposer.post(url(meeting, "agenda"), {"title": title}, format="json")
    first, second = meeting.agenda.order_by("position")
    organizer = api(h.p["xxk_head"])
    response = organizer.post(
        url(meeting, "agenda/decide"), {"item": first.pk, "accept": True}, format="json"
    )
    assert response.status_code == 200 and response.data["items"][0]["state"] == "accepted"
    response = organizer.post(
        url(meeting, "agenda/decide"), {"item": second.pk, "accept": False}, format="json"
    )
    assert response.status_code == 400 and response.data["detail"]
    response = proposer.post(
        url(meeting, "agenda/order"), {"items": [second.pk, first.pk]}, format="json"
    )
    assert response.status_code == 403
    response = organizer.post(
        url(meeting, "agenda/order"), {"items": [second.pk, first.pk]}, format="json"
    )
    assert [i["title"] for i in response.data["items"]] == ["乙", "甲"]
    response = organizer.post(
        url(meeting, "agenda/decide"), {"item": 0, "accept": True}, format="json"
    )
    assert response.status_code == 404

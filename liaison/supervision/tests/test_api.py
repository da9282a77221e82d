"""The supervision API: the contract paths, status codes, bodies, and the events on the
matter's timeline."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.matters.models import EventType
from liaison.matters.tests.factories import in_days

from .conftest import later

pytestmark = pytest.mark.django_db

MATTERS = "/api/v1/matters/"


def api(person, language: str = "en") -> APIClient:
    token = tokens.issue(person.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def post(client, matter, action: str, data=None, **kwargs):
    return client.post(f"{MATTERS}{matter.pk}/{action}/", data or {}, format="json", **kwargs)


def supervise_body(**extra) -> dict:
    return {"deadline": in_days(5).isoformat(), "reason": "限期整改", **extra}


def test_supervise_answers_the_supervision(h, matter):
    answer = post(api(h.p["supervisor"]), matter, "supervise", supervise_body())
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["matter"] == matter.pk and body["is_active"] is True
    assert body["supervisor"] == h.p["supervisor"].user.username
    assert body["supervising_department"] == "DCB"
    assert body["rag"] == "green" and body["urge_count"] == 0
    assert body["deadline"] == in_days(5).isoformat()


def test_supervise_refusals(h, matter):
    office = api(h.p["office"])
    missing = post(office, matter, "supervise", {"reason": "x"})
    assert missing.status_code == 400 and "deadline" in missing.json()
    past = post(office, matter, "supervise", supervise_body(deadline="2020-01-01"))
    assert past.status_code == 400 and "past" in past.json()["detail"]
    no_reason = post(office, matter, "supervise", supervise_body(reason=""))
    assert no_reason.status_code == 400
    unknown = post(office, matter, "supervise", supervise_body(supervisor="nobody"))
    assert unknown.status_code == 400
    assert post(api(h.p["xxk_head"]), matter, "supervise", supervise_body()).status_code == 403
    assert post(api(h.p["outsider"]), matter, "supervise", supervise_body()).status_code == 404
    assert post(office, matter, "supervise", supervise_body()).status_code == 201
    again = post(office, matter, "supervise", supervise_body())
    assert again.status_code == 409 and again.json()["detail"]


def test_urge_counts_and_conflicts_on_a_double_click(h, supervised):
    client = api(h.p["supervisor"])
    first = post(client, supervised, "urge", {"note": "请今天处理"})
    assert first.status_code == 201, first.json()
    assert first.json()["urges"][0]["sequence"] == 1
    assert first.json()["urges"][0]["note"] == "请今天处理"
    assert post(client, supervised, "urge").status_code == 409
    with time_machine.travel(later(2)):
        second = post(client, supervised, "urge")
    assert second.status_code == 201 and second.json()["urge_count"] == 2
    assert second.json()["rag"] == "amber"
    assert post(api(h.p["mzb_head"]), supervised, "urge").status_code == 403


def test_urging_an_unsupervised_matter_is_a_conflict(h, matter):
    assert post(api(h.p["supervisor"]), matter, "urge").status_code == 409


def reply_body(**extra) -> dict:
    return {
        "measures": "更换服务器",
        "evidence": "巡检记录",
        "completion_date": timezone.localdate().isoformat(),
        **extra,
    }


def test_rectify_and_review_through_the_api(h, supervised):
    lead = api(h.p["xxk_head"])
    assert post(api(h.p["mzb_head"]), supervised, "rectify", reply_body()).status_code == 403
    assert post(lead, supervised, "rectify", reply_body(measures="")).status_code == 400
    assert post(lead, supervised, "rectify", {"measures": "x"}).status_code == 400  # no date
    submitted = post(lead, supervised, "rectify", reply_body())
    assert submitted.status_code == 201, submitted.json()
    assert submitted.json()["rectifications"][0]["state"] == "submitted"
    assert post(lead, supervised, "rectify", reply_body()).status_code == 409

    reviewer = api(h.p["supervisor"])
    assert (
        post(api(h.p["office"]), supervised, "review-rectification", {"accept": True}).status_code
        == 403
    )
    no_reason = post(reviewer, supervised, "review-rectification", {"accept": False})
    assert no_reason.status_code == 400 and no_reason.json()["detail"]
    rejected = post(
        reviewer, supervised, "review-rectification", {"accept": False, "reason": "缺照片"}
    )
    assert rejected.status_code == 200 and rejected.json()["rag"] == "red"
    assert rejected.json()["rectifications"][0]["review_reason"] == "缺照片"
    assert post(reviewer, supervised, "review-rectification", {"accept": True}).status_code == 409

    # A new reply, with a file, as multipart.
    files = lead.post(
        f"{MATTERS}{supervised.pk}/rectify/",
        {**reply_body(), "file": [SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4")]},
        format="multipart",
    )
    assert files.status_code == 201, files.json()
    accepted = post(reviewer, supervised, "review-rectification", {"accept": True})
    assert accepted.status_code == 200
    body = accepted.json()
    assert body["is_active"] is False and body["rag"] is None and body["ended_at"]
    assert [r["state"] for r in body["rectifications"]] == ["rejected", "accepted"]

    timeline = api(h.p["mzb_staff"]).get(f"{MATTERS}{supervised.pk}/timeline/").json()
    types = [event["type"] for event in timeline]
    assert types[-5:] == [
        EventType.SUPERVISED,
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_REJECTED,
        EventType.RECTIFICATION_SUBMITTED,
        EventType.RECTIFICATION_ACCEPTED,
    ]
    with_file = next(e for e in timeline if e["attachments"])
    assert with_file["type"] == "rectification-submitted"
    assert with_file["attachments"][0]["name"] == "整改报告.pdf"

    current = api(h.p["supervisor"]).get(f"{MATTERS}{supervised.pk}/supervision/")
    assert current.status_code == 200 and current.json()["is_active"] is False


def test_urges_are_on_the_timeline(h, supervised):
    post(api(h.p["supervisor"]), supervised, "urge")
    timeline = api(h.p["xxk_head"]).get(f"{MATTERS}{supervised.pk}/timeline/").json()
    assert [e["type"] for e in timeline][-2:] == ["supervised", "urged"]


def test_reading_the_supervision(h, matter):
    client = api(h.p["office"])
    assert client.get(f"{MATTERS}{matter.pk}/supervision/").status_code == 404
    post(client, matter, "supervise", supervise_body())
    assert client.get(f"{MATTERS}{matter.pk}/supervision/").json()["rag"] == "green"
    assert api(h.p["outsider"]).get(f"{MATTERS}{matter.pk}/supervision/").status_code == 404


def test_without_a_token_the_api_refuses(h, matter):
    assert APIClient().post(f"{MATTERS}{matter.pk}/urge/").status_code in (401, 403)


def test_the_schema_documents_the_supervision_api(h):
    answer = api(h.p["office"]).get("/api/schema/")
    assert answer.status_code == 200
    schema = answer.content.decode()
    for path in (
        "/api/v1/matters/{id}/supervise/",
        "/api/v1/matters/{id}/urge/",
        "/api/v1/matters/{id}/rectify/",
        "/api/v1/matters/{id}/review-rectification/",
        "/api/v1/matters/{id}/timeline/",
    ):
        assert path in schema

"""The matters API through DRF's client with token authentication, in the demo hospital.

The hospital is built once per module inside an outer transaction; every test runs in a
savepoint of it (pytest-django's `db`), so each test starts from the same hospital.
"""

import datetime
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.matters import services
from liaison.matters.models import Matter, MatterKind, State
from liaison.matters.services import MatterInput
from liaison.org.demo import DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = pytest.mark.django_db

MATTERS = "/api/v1/matters/"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def hospital(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_demo_hospital()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def person(username: str) -> Person:
    return Person.objects.select_related("user").get(user__username=username)


def dept(code: str) -> Department:
    return Department.objects.get(organization__code="demo", code=code)


def head_of(code: str) -> Person:
    return default_responsible(dept(code))


def api(who: str | Person, language: str | None = None) -> APIClient:
    user = who.user if isinstance(who, Person) else person(who).user
    token = tokens.issue(user)
    client = APIClient()
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    if language:
        headers["HTTP_ACCEPT_LANGUAGE"] = language
    client.credentials(**headers)
    return client


def kind(code: str = "coordination") -> MatterKind:
    return MatterKind.objects.get(organization__code="demo", code=code)


def raised(title="药房叫号系统故障", *, lead=None, co=(), submit=True, kind_code="coordination"):
    return services.create_matter(
        person("lianluo"),
        MatterInput(
            title=title,
            description="候诊区叫号屏不显示，患者排队混乱。",
            kind=kind(kind_code),
            lead_department=dept(lead) if lead else None,
            co_departments=tuple(dept(c) for c in co),
        ),
        submit=submit,
    )


def dispatched(title="药房叫号系统故障", **kwargs) -> Matter:
    """Raised by 药剂科's liaison officer, dispatched by 院办 to 信息科 with 门诊部."""
    matter = raised(title, **kwargs)
    return services.dispatch(
        matter, person("yuanban"), lead=dept("XXK"), co_departments=[dept("MZB")]
    )


def accepted(title="药房叫号系统故障") -> Matter:
    return services.accept(dispatched(title), person("zhuren"))


def replied(title="药房叫号系统故障") -> Matter:
    return services.reply(accepted(title), person("zhuren"), text="已更换叫号服务器。")


def post(client, matter, action, body=None, **kwargs):
    return client.post(f"{MATTERS}{matter.pk}/{action}/", body or {}, format="json", **kwargs)


def detail(client, matter):
    return client.get(f"{MATTERS}{matter.pk}/").json()


# Authentication and reference data.


def test_a_token_from_the_endpoint_opens_the_api(hospital):
    client = APIClient()
    assert client.get(MATTERS).status_code == 401
    wrong = client.post(
        "/api/v1/auth/token/", {"username": "lianluo", "password": "nope"}, format="json"
    )
    assert wrong.status_code == 400
    answer = client.post(
        "/api/v1/auth/token/", {"username": "lianluo", "password": DEMO_PASSWORD}, format="json"
    )
    assert answer.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert client.get("/api/v1/organization/").json()["coordinating_department"] == "YB"
    assert any(row["code"] == "XXK" for row in client.get("/api/v1/departments/").json())
    listing = client.get(MATTERS)
    assert listing.status_code == 200
    assert {"count", "results"} <= set(listing.json())


def test_a_user_without_a_person_is_refused_with_a_clear_message(hospital):
    user = get_user_model().objects.create_user("outsider", password="x-pass-1234")
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(user).key}")
    answer = client.get(MATTERS)
    assert answer.status_code == 403
    assert "person" in answer.json()["detail"]
    assert client.get("/api/v1/matter-kinds/").status_code == 403


def test_the_kinds_are_listed_with_names_in_the_request_language(hospital):
    chinese = {k["code"]: k["name"] for k in api("lianluo").get("/api/v1/matter-kinds/").json()}
    english = {
        k["code"]: k["name"] for k in api("lianluo", "en").get("/api/v1/matter-kinds/").json()
    }
    assert chinese["coordination"] == "协调事项" and chinese["contact_form"] == "工作联系单"
    assert english["coordination"] == "Coordination request"
    assert "supervision" in chinese


# Creating and submitting.


def test_a_draft_is_created_then_submitted_to_the_coordinating_office(hospital):
    client = api("lianluo")
    created = client.post(
        MATTERS,
        {"title": "药房叫号系统故障", "description": "叫号屏不显示。", "kind": "coordination"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "draft" and body["owner"] is None
    assert body["number"].startswith("XT-") and body["originator"] == "lianluo"
    assert body["originator_department"] == "YJK"
    assert "submit" in body["allowed_actions"]
    submitted = client.post(f"{MATTERS}{body['id']}/submit/", format="json")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["owner"] == "YB"
    assert submitted.json()["next_deadline"] and submitted.json()["responsible_person"]
    # Someone else's draft is not there at all.
    assert api("yuanban").get(f"{MATTERS}{body['id']}/").status_code == 200
    draft = client.post(MATTERS, {"title": "草稿", "kind": "coordination"}, format="json").json()
    assert api("yuanban").get(f"{MATTERS}{draft['id']}/").status_code == 404


def test_a_draft_with_a_lead_goes_straight_to_it_on_submit(hospital):
    client = api("lianluo")
    due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    body = client.post(
        MATTERS,
        {
            "title": "处方系统打印异常",
            "kind": "contact_form",
            "urgency": "urgent",
            "lead_department": "XXK",
            "co_departments": ["MZB"],
            "due": due,
        },
        format="json",
    ).json()
    assert body["state"] == "draft" and body["lead_department"] == "XXK"
    assert body["number"].startswith("LX-")
    answer = client.post(f"{MATTERS}{body['id']}/submit/")
    assert answer.status_code == 200
    matter = answer.json()
    assert matter["state"] == "dispatched" and matter["owner"] == "XXK"
    assert matter["responsible_person"] == "zhuren"
    assert matter["due"] == due and matter["urgency"] == "urgent"
    assert [(c["code"], c["contributed"]) for c in matter["co_departments"]] == [("MZB", False)]


def test_create_and_submit_in_one_call(hospital):
    answer = api("lianluo").post(
        MATTERS,
        {"title": "药品信息维护", "kind": "coordination", "lead_department": "XXK", "submit": True},
        format="json",
    )
    assert answer.status_code == 201
    assert answer.json()["state"] == "dispatched" and answer.json()["owner"] == "XXK"


def test_unknown_codes_are_refused_in_the_users_language(hospital):
    english = api("lianluo", "en")
    answer = english.post(
        MATTERS,
        {"title": "x", "kind": "nonsense", "lead_department": "NOPE", "co_departments": ["ZZZ"]},
        format="json",
    )
    assert answer.status_code == 400
    errors = answer.json()
    assert errors["kind"] == ["Unknown kind of matter: nonsense"]
    assert errors["lead_department"] == ["Unknown department: NOPE"]
    assert "ZZZ" in str(errors["co_departments"])
    assert errors["detail"]
    assert Matter.objects.filter(title="x").count() == 0


# The lifecycle.


def test_the_full_lifecycle_through_the_api(hospital):
    originator, office, head = api("lianluo"), api("yuanban"), api("zhuren")
    co_head = api(head_of("MZB"))
    matter = originator.post(
        MATTERS, {"title": "门诊药房叫号屏故障", "kind": "coordination", "submit": True}
    ).json()
    url = f"{MATTERS}{matter['id']}/"
    assert matter["state"] == "submitted" and matter["owner"] == "YB"
    assert "dispatch" in office.get(url).json()["allowed_actions"]

    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    answer = office.post(
        url + "dispatch/",
        {"lead_department": "XXK", "co_departments": ["MZB"], "due": due, "reason": "请尽快处理"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "dispatched" and answer.json()["owner"] == "XXK"

    assert set(head.get(url).json()["allowed_actions"]) >= {"accept", "return", "transfer"}
    assert head.post(url + "accept/").json()["state"] == "accepted"

    part = co_head.post(url + "contribute/", {"text": "门诊部已改用人工叫号。"}, format="json")
    assert part.status_code == 200
    co = part.json()["co_departments"][0]
    assert co["code"] == "MZB" and co["contributed"] and co["text"] == "门诊部已改用人工叫号。"

    reply = head.post(url + "reply/", {"text": "已更换叫号服务器。"}, format="json")
    assert reply.json()["state"] == "replied" and reply.json()["owner"] == "YJK"

    closed = originator.post(
        url + "confirm/", {"rating": "satisfied", "comment": "谢谢"}, format="json"
    ).json()
    assert closed["state"] == "closed" and closed["rating"] == "satisfied"
    assert closed["owner"] is None and closed["next_deadline"] is None

    timeline = originator.get(url + "timeline/").json()
    assert [e["type"] for e in timeline] == [
        "created",
        "submitted",
        "dispatched",
        "accepted",
        "contributed",
        "replied",
        "confirmed",
    ]
    accepted_event = timeline[3]
    assert accepted_event["actor"] == "zhuren"
    assert (accepted_event["from_state"], accepted_event["to_state"]) == ("dispatched", "accepted")
    assert accepted_event["department"] == "XXK" and accepted_event["at"]
    assert timeline[2]["reason"] == "请尽快处理"
    assert {"type", "actor", "at", "from_state", "to_state", "reason"} <= set(timeline[0])


def test_an_unsatisfied_confirmation_reopens_to_the_lead(hospital):
    matter = replied()
    client = api("lianluo")
    assert post(client, matter, "confirm", {"rating": "unsatisfied"}).status_code == 400
    answer = post(client, matter, "confirm", {"rating": "unsatisfied", "comment": "仍然不显示"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "accepted" and body["owner"] == "XXK"
    assert body["counts"]["reopens"] == 1


def test_the_detail_has_every_field(hospital):
    body = detail(api("zhuren"), dispatched())
    assert {
        "id",
        "number",
        "title",
        "description",
        "kind",
        "urgency",
        "state",
        "relation",
        "originator",
        "originator_department",
        "lead_department",
        "co_departments",
        "owner",
        "responsible_person",
        "next_deadline",
        "due",
        "escalation_level",
        "rating",
        "counts",
        "created_at",
        "allowed_actions",
    } <= set(body)
    assert body["kind"] == "coordination" and body["originator"] == "lianluo"
    assert body["originator_department"] == "YJK" and body["escalation_level"] == 0
    assert body["co_departments"][0]["code"] == "MZB"
    assert set(body["counts"]) >= {"returns", "transfers", "reopens", "attachments"}


def test_a_return_needs_a_reason_and_goes_back_to_the_dispatcher(hospital):
    matter = dispatched()
    head = api("zhuren")
    refused = post(head, matter, "return", {"reason": "  "})
    assert refused.status_code == 400 and refused.json()["detail"]
    assert detail(head, matter)["state"] == "dispatched"
    answer = post(head, matter, "return", {"reason": "不属于信息科职责"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "submitted" and body["owner"] == "YB"
    assert body["responsible_person"] == "yuanban" and body["counts"]["returns"] == 1
    # The dispatcher sees it again and re-dispatches it.
    again = post(api("yuanban"), matter, "dispatch", {"lead_department": "ZWHQK"})
    assert again.json()["owner"] == "ZWHQK"


def test_a_transfer_passes_the_matter_on(hospital):
    matter = dispatched()
    head = api("zhuren")
    assert post(head, matter, "transfer", {"lead_department": "ZWHQK"}).status_code == 400
    unknown = post(head, matter, "transfer", {"lead_department": "NOPE", "reason": "x"})
    assert unknown.status_code == 400 and "lead_department" in unknown.json()
    answer = post(head, matter, "transfer", {"lead_department": "ZWHQK", "reason": "属后勤设备"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["state"] == "dispatched" and body["lead_department"] == "ZWHQK"
    assert body["owner"] == "ZWHQK" and body["counts"]["transfers"] == 1


def test_an_extension_is_requested_and_decided(hospital):
    matter = accepted()
    old_due = matter.due
    proposed = (old_due + datetime.timedelta(days=10)).isoformat()
    head, office = api("zhuren"), api("yuanban")
    assert post(head, matter, "request-extension", {"due": "not a date"}).status_code == 400
    asked = post(head, matter, "request-extension", {"due": proposed, "reason": "等待供应商"})
    assert asked.status_code == 201, asked.json()
    assert asked.json()["state"] == "pending" and asked.json()["proposed_due"] == proposed
    assert detail(head, matter)["due"] == old_due.isoformat()

    assert "decide-extension" in detail(office, matter)["allowed_actions"]
    assert post(office, matter, "decide-extension", {"approve": "maybe"}).status_code == 400
    denied = post(office, matter, "decide-extension", {"approve": False})
    assert denied.status_code == 400 and denied.json()["detail"]
    approved = post(office, matter, "decide-extension", {"approve": True})
    assert approved.status_code == 200
    assert approved.json()["due"] == proposed
    assert approved.json()["extensions"][0]["state"] == "approved"


def test_escalation_and_withdrawal_need_reasons(hospital):
    matter = accepted()
    head = api("zhuren")
    assert post(head, matter, "escalate", {}).status_code == 400
    answer = post(head, matter, "escalate", {"reason": "涉及多个科室，协调困难"})
    assert answer.status_code == 200
    assert answer.json()["state"] == "escalated" and answer.json()["escalation_level"] == 1

    other = raised("请假系统无法登录")
    originator = api("lianluo")
    assert post(originator, other, "withdraw").status_code == 400
    withdrawn = post(originator, other, "withdraw", {"reason": "已自行解决"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"


def test_the_office_closes_a_submitted_matter_as_not_a_matter(hospital):
    matter = raised()
    answer = post(api("yuanban"), matter, "close", {"reason": "属个人事务"})
    assert answer.status_code == 200
    assert answer.json()["state"] == "closed" and answer.json()["resolution"] == "not_a_matter"


def test_internal_notes_are_hidden_from_the_originator(hospital):
    matter = accepted()
    head = api("zhuren")
    note = post(head, matter, "comment", {"text": "服务器需要更换，预算待批。", "internal": True})
    assert note.status_code == 201 and note.json()["internal"] is True
    public = post(head, matter, "comment", {"text": "正在处理，请稍候。"})
    assert public.status_code == 201 and public.json()["type"] == "commented"

    texts = [e["text"] for e in api("lianluo").get(f"{MATTERS}{matter.pk}/timeline/").json()]
    assert "正在处理，请稍候。" in texts and "服务器需要更换，预算待批。" not in texts
    texts = [e["text"] for e in head.get(f"{MATTERS}{matter.pk}/timeline/").json()]
    assert "服务器需要更换，预算待批。" in texts

    refused = post(api("lianluo"), matter, "comment", {"text": "内部", "internal": True})
    assert refused.status_code == 403


# Refusals.


def test_accepting_twice_answers_409_naming_who_accepted(hospital):
    matter = dispatched()
    head = api("zhuren", "en")
    assert post(head, matter, "accept").status_code == 200
    again = post(head, matter, "accept")
    assert again.status_code == 409
    message = again.json()["detail"]
    assert person("zhuren").name in message and matter.number in message
    assert Matter.objects.get(pk=matter.pk).state == State.ACCEPTED


def test_a_person_who_may_see_but_not_act_gets_403(hospital):
    matter = dispatched()
    supervision = api("duchaban", "en")
    assert supervision.get(f"{MATTERS}{matter.pk}/").status_code == 200
    assert "accept" not in detail(supervision, matter)["allowed_actions"]
    answer = post(supervision, matter, "accept")
    assert answer.status_code == 403
    assert answer.json()["detail"] == f"You may not do this on {matter.number}."
    assert Matter.objects.get(pk=matter.pk).state == State.DISPATCHED


def test_a_stranger_finds_nothing(hospital):
    matter = accepted()
    event = services.add_attachments(
        matter,
        person("zhuren"),
        [SimpleUploadedFile("方案.pdf", b"%PDF-1.4", content_type="application/pdf")],
    )
    attachment = event.attachments.get()
    stranger = api("yuangong")  # a nurse in 儿科
    assert stranger.get(f"{MATTERS}{matter.pk}/").status_code == 404
    assert stranger.get(f"{MATTERS}{matter.pk}/timeline/").status_code == 404
    assert stranger.get(f"{MATTERS}{matter.pk}/attachments/").status_code == 404
    assert post(stranger, matter, "comment", {"text": "?"}).status_code == 404
    assert post(stranger, matter, "reply", {"text": "?"}).status_code == 404
    assert stranger.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    assert matter.number not in str(stranger.get(MATTERS).json())
    assert api("zhuren").get(f"{MATTERS}999999/").status_code == 404
    assert api("zhuren").get("/api/v1/attachments/999999/download/").status_code == 404


# Lists.


def test_the_list_filters_by_state_kind_department_overdue_and_chinese_text(hospital):
    first = dispatched("锅炉房蒸汽阀门泄漏")
    second = raised("病区网络时断时续", kind_code="contact_form")
    third = accepted("洗衣房烘干机过热")
    Matter.objects.filter(pk=third.pk).update(
        next_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    office = api("yuanban")

    def numbers(**params):
        answer = office.get(MATTERS, params)
        assert answer.status_code == 200, answer.json()
        return {row["number"] for row in answer.json()["results"]}

    assert numbers(q="蒸汽") == {first.number}
    assert numbers(q="网络 时断") == {second.number}
    assert first.number in numbers(state="dispatched")
    assert second.number not in numbers(state="dispatched")
    assert {first.number, second.number, third.number} <= numbers(state="open")
    assert second.number in numbers(kind="contact_form")
    assert first.number not in numbers(kind="contact_form")
    assert {first.number, third.number} <= numbers(department="XXK")
    assert second.number not in numbers(department="XXK")
    assert numbers(overdue="true") >= {third.number}
    assert first.number not in numbers(overdue="1")
    assert numbers(q="烘干", overdue="true", department="XXK") == {third.number}
    row = office.get(MATTERS, {"q": "蒸汽"}).json()["results"][0]
    assert row["owner"] == "XXK" and row["state"] == "dispatched" and row["kind"] == "coordination"
    # Only what I may see; my to-do.
    assert first.number in {r["number"] for r in api("zhuren").get(MATTERS).json()["results"]}
    assert office.get(MATTERS, {"state": "nonsense"}).status_code == 400
    todo = api("zhuren").get(MATTERS, {"todo": "true"}).json()["results"]
    assert first.number in {r["number"] for r in todo}
    assert second.number not in {r["number"] for r in todo}


# Bad input and languages.


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("decide-extension", {"approve": [1, 2]}),
        ("request-extension", {"due": "2026-02-30", "reason": "x"}),
        ("request-extension", {"due": 20260101, "reason": "x"}),
        ("confirm", {"rating": "great"}),
        ("dispatch", {"lead_department": "XXK", "co_departments": "MZB"}),
        ("dispatch", {"lead_department": ["XXK"]}),
        ("dispatch", {"lead_department": "XXK", "responsible": "nobody-here"}),
        ("comment", {"text": {"a": 1}}),
        ("comment", {"text": "hi", "internal": "perhaps"}),
        ("transfer", ["not", "an", "object"]),
    ],
)
def test_bad_input_is_a_400_with_field_errors(hospital, action, body):
    matter = raised()
    answer = post(api("yuanban"), matter, action, body)
    assert answer.status_code == 400, answer.content
    assert answer.json()["detail"]
    assert Matter.objects.get(pk=matter.pk).state == State.SUBMITTED


def test_malformed_json_and_bad_dates_are_400(hospital):
    client = api("lianluo")
    broken = client.post(MATTERS, "{not json", content_type="application/json")
    assert broken.status_code == 400
    past = client.post(
        MATTERS, {"title": "t", "kind": "coordination", "due": "2020-01-01"}, format="json"
    )
    assert past.status_code == 400 and past.json()["detail"]
    assert client.post(MATTERS, {"kind": "coordination"}, format="json").status_code == 400


def test_messages_are_chinese_by_default_and_english_on_request(hospital):
    matter = dispatched()
    english = post(api("duchaban", "en"), matter, "accept").json()["detail"]
    chinese = post(api("duchaban"), matter, "accept").json()["detail"]
    assert english == f"You may not do this on {matter.number}."
    # Field errors come from DRF's own catalogue, translated already.
    body = {"rating": "great"}
    assert (
        "not a valid choice" in post(api("lianluo", "en"), matter, "confirm", body).json()["detail"]
    )
    assert (
        "not a valid choice" not in post(api("lianluo"), matter, "confirm", body).json()["detail"]
    )
    assert chinese == f"您无权对{matter.number}执行此操作。"


# Attachments.


def test_attachments_upload_list_and_download_with_chinese_names(hospital):
    matter = accepted()
    head = api("zhuren")
    url = f"{MATTERS}{matter.pk}/attachments/"
    uploaded = head.post(
        url,
        {
            "file": [
                SimpleUploadedFile(
                    "会议纪要.pdf", b"%PDF-1.4 test", content_type="application/pdf"
                ),
                SimpleUploadedFile("说明.txt", "叫号系统说明".encode(), content_type="text/plain"),
            ],
            "text": "附上会议纪要",
        },
        format="multipart",
    )
    assert uploaded.status_code == 201, uploaded.json()
    assert [a["name"] for a in uploaded.json()] == ["会议纪要.pdf", "说明.txt"]

    listed = api("lianluo").get(url).json()
    assert [a["name"] for a in listed] == ["会议纪要.pdf", "说明.txt"]
    pdf, txt = listed
    assert pdf["size"] == len(b"%PDF-1.4 test") and pdf["uploaded_by"] == "zhuren"
    assert pdf["download_url"].endswith(f"/api/v1/attachments/{pdf['id']}/download/")
    assert detail(head, matter)["counts"]["attachments"] == 2

    download = api("lianluo").get(f"/api/v1/attachments/{pdf['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert quote("会议纪要.pdf") in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    text = api("lianluo").get(f"/api/v1/attachments/{txt['id']}/download/")
    assert text["Content-Type"] == "application/octet-stream"

    timeline = head.get(f"{MATTERS}{matter.pk}/timeline/").json()
    assert timeline[-1]["type"] == "attached" and len(timeline[-1]["attachments"]) == 2


def test_attachment_rules(hospital):
    matter = accepted()
    head = api("zhuren", "en")
    url = f"{MATTERS}{matter.pk}/attachments/"
    page = SimpleUploadedFile("页面.html", b"<script>alert(1)</script>", content_type="text/html")
    refused = head.post(url, {"file": [page]}, format="multipart")
    assert refused.status_code == 400 and ".html" in refused.json()["detail"]
    assert head.post(url, {"text": "no file"}, format="multipart").status_code == 400
    assert matter.attachments.count() == 0

    # A file on an internal note is hidden from the originator, like the note.
    note = head.post(
        f"{MATTERS}{matter.pk}/comment/",
        {
            "text": "内部报价",
            "internal": "true",
            "file": [
                SimpleUploadedFile("报价.xlsx", b"PK\x03\x04", content_type="application/zip")
            ],
        },
        format="multipart",
    )
    assert note.status_code == 201, note.json()
    attachment_id = note.json()["attachments"][0]["id"]
    assert api("lianluo").get(url).json() == []
    assert api("lianluo").get(f"/api/v1/attachments/{attachment_id}/download/").status_code == 404
    assert head.get(f"/api/v1/attachments/{attachment_id}/download/").status_code == 200


def test_contribute_and_reply_take_files(hospital):
    matter = accepted()
    answer = api(head_of("MZB")).post(
        f"{MATTERS}{matter.pk}/contribute/",
        {"text": "已通知患者", "file": [SimpleUploadedFile("通知.docx", b"PK\x03\x04")]},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    assert matter.attachments.get().original_name == "通知.docx"


def test_the_schema_documents_the_matters_api(hospital):
    answer = api("lianluo").get("/api/schema/")
    assert answer.status_code == 200
    schema = answer.content.decode()
    for path in (
        "/api/v1/matters/{id}/timeline/",
        "/api/v1/matters/{id}/request-extension/",
        "/api/v1/matters/{id}/return/",
        "/api/v1/matter-kinds/",
        "/api/v1/attachments/{id}/download/",
    ):
        assert path in schema


def test_a_draft_is_edited_with_patch_by_its_originator_only(hospital):
    draft = raised("药房冷库温度报警", submit=False)
    url = f"{MATTERS}{draft.pk}/"
    assert "edit" in api("lianluo").get(url).json()["allowed_actions"]
    response = api("lianluo").patch(
        url, {"title": "药房冷库温度报警（夜间）", "lead_department": "ZWHQK"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["title"] == "药房冷库温度报警（夜间）"
    assert body["lead_department"] == "ZWHQK" and body["state"] == "draft"
    assert body["description"] == draft.description  # left out: unchanged

    refused = api("lianluo", "en").patch(url, {"due": "2020-01-01"}, format="json")
    assert refused.status_code == 400
    assert "cannot be in the past" in refused.json()["detail"]

    post(api("lianluo"), draft, "submit")
    late = api("lianluo", "en").patch(url, {"title": "再改"}, format="json")
    assert late.status_code == 409
    # Someone else's draft does not even exist for them.
    other = raised("门诊导诊屏不亮", submit=False)
    assert api("yuanban").patch(f"{MATTERS}{other.pk}/", {}, format="json").status_code == 404


def test_links_through_the_api(hospital):
    first = dispatched("门诊叫号屏不亮")
    second = dispatched("门诊叫号屏黑屏")
    office = api("yuanban")
    response = post(office, second, "link", {"target": first.number, "kind": "duplicate_of"})
    assert response.status_code == 200, response.json()
    assert response.json()["links"] == [
        {
            "kind": "duplicate_of",
            "direction": "outgoing",
            "id": first.pk,
            "number": first.number,
            "title": "门诊叫号屏不亮",
            "state": "dispatched",
        }
    ]
    assert detail(office, first)["links"][0]["direction"] == "incoming"
    again = post(api("yuanban", "en"), second, "link", {"target": first.number})
    assert again.status_code == 400 and "already linked" in again.json()["detail"]
    assert post(office, first, "unlink", {"target": second.number}).json()["links"] == []


def test_a_nurse_is_refused_a_supervision_item_and_the_kinds_say_who_may_raise_them(hospital):
    def may_raise(who):
        kinds = api(who).get("/api/v1/matter-kinds/").json()
        return {k["code"]: k["may_raise"] for k in kinds}

    nurse = may_raise("yuangong")
    assert nurse["coordination"] is True and nurse["supervision"] is False
    assert nurse["rectification"] is False and nurse["task_deployment"] is False
    assert may_raise("duchaban")["supervision"] is True
    refused = api("yuangong", "en").post(
        MATTERS,
        {"title": "急诊血常规报告超时", "kind": "supervision", "urgency": "emergency"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["detail"] == (
        "Supervision item: only the coordinating office, the supervision office and leaders "
        "may raise this kind of matter."
    )
    assert not Matter.objects.filter(title="急诊血常规报告超时").exists()

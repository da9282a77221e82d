import pytest
from rest_framework.test import APIClient

from liaison.suggestions import services
from liaison.suggestions.models import Suggestion

from .factories import write


def api(person=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if person is not None:
        client.force_authenticate(person.user)
    return client


LETTER = {
    "mailbox": "leader",
    "kind": "complaint",
    "subject": "检验报告出得太慢",
    "body": "上午抽的血常规下午四点还没出报告，超过了三十分钟的承诺。",
    "department": "MZB",
}


def test_staff_write_a_signed_letter(h):
    response = api(h.p["outsider"]).post("/api/v1/suggestions/", LETTER, format="json")

    assert response.status_code == 201
    body = response.data
    assert body["writer"] == h.p["outsider"].name
    assert body["channel"] == "api"
    assert body["department"]["code"] == "MZB"
    assert services.find_by_code(body["retrieval_code"]).pk == body["id"]


def test_an_anonymous_letter_answers_only_its_code(h):
    response = api(h.p["outsider"]).post(
        "/api/v1/suggestions/", {**LETTER, "anonymous": True}, format="json"
    )

    assert response.status_code == 201
    assert response.data["writer"] is None and response.data["anonymous"] is True
    suggestion = Suggestion.objects.get()
    assert suggestion.writer is None
    assert services.find_by_code(response.data["retrieval_code"]) == suggestion


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "praise", "department": None}, "Praise is for a department"),
        ({"department": "NOPE"}, "Unknown department"),
        ({"kind": "thanks"}, "kind"),
        ({"subject": ""}, "subject"),
    ],
)
def test_bad_letters_are_refused_with_a_reason(h, change, message):
    response = api(h.p["outsider"]).post(
        "/api/v1/suggestions/", {**LETTER, **change}, format="json"
    )

    assert response.status_code == 400
    assert message.lower() in str(response.data).lower()
    assert not Suggestion.objects.exists()


def test_writing_needs_a_login(h):
    assert api().post("/api/v1/suggestions/", LETTER, format="json").status_code in (401, 403)


def test_handlers_list_their_letters_and_others_their_own(h):
    box, _code = write(h, subject="箱")
    leader, _code = write(h, writer="xxk_staff", mailbox="leader", subject="信")

    office = api(h.p["office"]).get("/api/v1/suggestions/").data["results"]
    president = api(h.p["president"]).get("/api/v1/suggestions/?mailbox=leader").data["results"]
    staff = api(h.p["xxk_staff"]).get("/api/v1/suggestions/").data["results"]

    assert {row["id"] for row in office} == {box.pk, leader.pk}
    assert [row["id"] for row in president] == [leader.pk]
    assert [row["id"] for row in staff] == [leader.pk]


def test_others_get_404_for_a_letter(h):
    suggestion, _code = write(h)

    assert api(h.p["xxk_head"]).get(f"/api/v1/suggestions/{suggestion.pk}/").status_code == 404
    assert api(h.p["office"]).get(f"/api/v1/suggestions/{suggestion.pk}/").status_code == 200


def test_the_office_replies_routes_and_publishes(h):
    suggestion, _code = write(h, kind="praise", department="YJK")
    client = api(h.p["office"])
    url = f"/api/v1/suggestions/{suggestion.pk}"

    replied = client.post(f"{url}/reply/", {"text": "感谢肯定。"}, format="json")
    routed = client.post(f"{url}/route/", {"lead_department": "YJK"}, format="json")
    published = client.post(f"{url}/publish/", {}, format="json")
    again = client.post(f"{url}/route/", {}, format="json")
    withdrawn = client.post(f"{url}/publish/", {"published": False}, format="json")

    assert replied.status_code == 200 and replied.data["status"] == "answered"
    assert routed.status_code == 200 and routed.data["matter"]["number"].startswith("JY-")
    assert published.data["published"] is True
    assert again.status_code == 409
    assert withdrawn.data["published"] is False


def test_the_writer_may_not_reply(h):
    suggestion, _code = write(h)

    response = api(h.p["outsider"]).post(
        f"/api/v1/suggestions/{suggestion.pk}/reply/", {"text": "自己回复"}, format="json"
    )

    assert response.status_code == 403
    assert "Only the office" in response.data["detail"]


def test_publishing_without_a_reply_is_a_conflict(h):
    suggestion, _code = write(h)

    response = api(h.p["office"]).post(f"/api/v1/suggestions/{suggestion.pk}/publish/")

    assert response.status_code == 409


def test_anyone_with_the_code_reads_the_reply(h):
    suggestion, code = write(h, anonymous=True)
    services.reply(suggestion, h.p["office"], text="已处理。")
    matter = services.route(suggestion, h.p["office"], lead_department=h.d["ZWK"])

    response = api().get(f"/api/v1/suggestions/by-code/{code}/")

    assert response.status_code == 200
    assert response.data["reply"] == "已处理。"
    assert response.data["status"] == "answered"
    assert response.data["matter"]["number"] == matter.number
    assert "writer" not in response.data
    assert "no-store" in response["Cache-Control"]


def test_a_wrong_code_is_404(h):
    response = api().get("/api/v1/suggestions/by-code/2345-6789-ABCD/")

    assert response.status_code == 404
    assert response.data["detail"] == "No letter has this code."


def test_reading_by_code_is_throttled(h):
    client = api()
    codes = [
        client.get("/api/v1/suggestions/by-code/2345-6789-ABCD/").status_code for _ in range(31)
    ]

    assert codes[-1] == 429
    assert set(codes[:30]) == {404}


def test_the_api_is_described_in_openapi(h):
    response = api(h.p["office"]).get("/api/schema/", {"format": "json"})

    paths = response.json()["paths"]
    assert "/api/v1/suggestions/by-code/{code}/" in paths
    assert "/api/v1/suggestions/{id}/route/" in paths
    created = paths["/api/v1/suggestions/"]["post"]["responses"]["201"]
    assert created["content"]["application/json"]["schema"]["$ref"].endswith("/Created")

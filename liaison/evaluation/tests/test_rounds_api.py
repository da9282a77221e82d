"""The peer evaluation API and pages: shapes and status codes, who may do what, the
external answer by code without a login, and anonymity to the evaluated department."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from liaison.evaluation.models import PeerBallot, PeerRound, RoundState
from liaison.evaluation.services import rounds

from .test_api import api
from .test_rounds import GOOD, RATERS, answer_all, at_the_round, opened, worked_hospital  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def page(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person.user)
    return client


def test_the_office_opens_a_round_and_sees_progress_with_raters(worked):
    h = worked
    answer = api(h.p["office"]).post("/api/v1/evaluation-rounds/", {"period": "2026-Q4"})
    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {"id", "period", "opens", "closes", "state", "progress"}
    assert body["period"] == "2026-Q4" and body["state"] == "open"
    xxk = next(row for row in body["progress"] if row["department"] == "XXK")
    assert xxk == {
        "department": "XXK",
        "name": "信息科",
        "asked": 5,
        "answered": 0,
        "ranked": False,
        "score": None,
        "raters": [],
    }
    again = api(h.p["office"]).post("/api/v1/evaluation-rounds/", {"period": "2026-Q4"})
    assert again.status_code == 409
    listed = api(h.p["office"]).get("/api/v1/evaluation-rounds/")
    assert [r["period"] for r in listed.json()] == ["2026-Q4"]
    assert api(h.p["outsider"]).get("/api/v1/evaluation-rounds/").json() == []


@pytest.mark.parametrize(
    ("key", "status"), [("xxk_head", 403), ("outsider", 403), ("president", 403)]
)
def test_only_the_office_opens_rounds(worked, key, status):
    answer = api(worked.p[key]).post("/api/v1/evaluation-rounds/", {"period": "2026-Q4"})
    assert answer.status_code == status


def test_a_bad_period_is_refused(worked):
    answer = api(worked.p["office"]).post("/api/v1/evaluation-rounds/", {"period": "2026-11"})
    assert answer.status_code == 400


def test_the_evaluated_department_never_sees_who_rated(worked):
    h = worked
    peer_round = opened(h)
    answer_all(h, peer_round, "XXK", [100, 100, 80, 80, 60])
    office = api(h.p["office"]).get(f"/api/v1/evaluation-rounds/{peer_round.pk}/").json()
    xxk = next(row for row in office["progress"] if row["department"] == "XXK")
    assert sorted(xxk["raters"]) == sorted(RATERS) and xxk["score"] == 84.0
    for key in ("xxk_head", "xxk_liaison", "president"):
        seen = api(h.p[key]).get(f"/api/v1/evaluation-rounds/{peer_round.pk}/")
        assert seen.status_code == 200
        assert all("raters" not in row for row in seen.json()["progress"])
    own = api(h.p["xxk_head"]).get(f"/api/v1/evaluation-rounds/{peer_round.pk}/").json()
    assert [row["department"] for row in own["progress"]] == ["XXK"]
    assert (
        api(h.p["outsider"]).get(f"/api/v1/evaluation-rounds/{peer_round.pk}/").status_code == 403
    )
    # Nor on the page: no rater department's name appears for 信息科's head.
    html = page(h.p["xxk_head"]).get(f"/evaluation/rounds/{peer_round.pk}/").content.decode()
    assert "84.0" in html
    assert not any(h.d[code].name in html for code in RATERS)
    office_html = page(h.p["office"]).get(f"/evaluation/rounds/{peer_round.pk}/").content.decode()
    assert 'data-testid="raters"' in office_html and "EK" in office_html
    # Nor through the ballots: 信息科 rates nobody in this round.
    ballots = api(h.p["xxk_head"]).get(f"/api/v1/evaluation-rounds/{peer_round.pk}/ballots/")
    assert ballots.status_code == 200
    assert all(b["rater_department"] == "XXK" for b in ballots.json())


def test_a_rater_lists_and_answers_its_ballots(worked):
    h = worked
    peer_round = opened(h)
    url = f"/api/v1/evaluation-rounds/{peer_round.pk}/ballots/"
    mine = api(h.p["yjk_liaison"]).get(url).json()
    assert {(b["department"], b["rater_department"]) for b in mine} == {
        ("XXK", "YJK"),
        ("MZB", "YJK"),
    }
    assert mine[0]["answered_at"] is None
    ballot = next(b for b in mine if b["department"] == "XXK")["id"]
    refused = api(h.p["yjk_liaison"]).post(url, {"ballot": ballot, **GOOD, "overall": 20})
    assert refused.status_code == 400 and "comment" in refused.json()["detail"].lower()
    done = api(h.p["yjk_liaison"]).post(url, {"ballot": ballot, **GOOD, "comment": ""})
    assert done.status_code == 200 and done.json()["overall"] == 80
    assert api(h.p["yjk_head"]).post(url, {"ballot": ballot, **GOOD}).status_code == 409
    # Somebody else's ballot is not found.
    assert api(h.p["mzb_head"]).post(url, {"ballot": ballot, **GOOD}).status_code == 404
    assert api(h.p["yjk_head"]).post(url, {"ballot": ballot, "overall": 70}).status_code == 400


def test_external_codes_by_api_single_use_without_login(worked):
    h = worked
    peer_round = opened(h)
    issued = api(h.p["office"]).post(
        f"/api/v1/evaluation-rounds/{peer_round.pk}/codes/",
        {"rater": "患者代表李某", "departments": ["XXK", "MZB"]},
    )
    assert issued.status_code == 201
    codes = {row["department"]: row["code"] for row in issued.json()}
    assert set(codes) == {"XXK", "MZB"}
    stored = set(
        PeerBallot.objects.filter(rater_label="患者代表李某").values_list("code_hash", flat=True)
    )
    assert not stored & set(codes.values())
    assert (
        api(h.p["xxk_head"])
        .post(
            f"/api/v1/evaluation-rounds/{peer_round.pk}/codes/",
            {"rater": "x", "departments": ["XXK"]},
        )
        .status_code
        == 403
    )
    anonymous = APIClient()
    url = "/api/v1/evaluation-rounds/ballots/by-code/"
    assert anonymous.post(url, {"code": "ZZZZ-ZZZZ-ZZZZ", **GOOD}).status_code == 400
    assert anonymous.post(url, {"code": codes["XXK"], **GOOD}).status_code == 201
    assert anonymous.post(url, {"code": codes["XXK"], **GOOD}).status_code == 400
    assert PeerBallot.objects.filter(evaluated=h.d["XXK"], answered_at__isnull=False).count() == 1


def test_the_external_page_refuses_without_comment_and_keeps_what_was_typed(worked):
    h = worked
    peer_round = opened(h)
    [(_department, code)] = rounds.issue_codes(peer_round, h.p["office"], "某企业", [h.d["MZB"]])
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    form = {"code": code, **GOOD, "overall": 40, "comment": ""}
    refused = client.post("/evaluation/rate/", form)
    html = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="comment-error"' in html
    assert code in html
    assert re.search(r'<input type="radio" name="overall" value="40"[^>]*checked', html)
    done = client.post("/evaluation/rate/", form | {"comment": "协调慢。"})
    assert 'data-testid="thanks"' in done.content.decode()
    wrong = client.post("/evaluation/rate/", form | {"comment": "协调慢。"})
    assert 'data-testid="code-error"' in wrong.content.decode()


def test_the_pages_of_a_rater(worked):
    h = worked
    peer_round = opened(h)
    listed = page(h.p["ek_head"]).get("/evaluation/rounds/to-rate/")
    assert listed.status_code == 200 and "信息科" in listed.content.decode()
    ballot = peer_round.ballots.get(evaluated=h.d["XXK"], rater_department=h.d["EK"])
    url = f"/evaluation/rounds/ballots/{ballot.pk}/"
    assert page(h.p["xxk_head"]).get(url).status_code == 404
    refused = page(h.p["ek_head"]).post(url, {**GOOD, "cooperation": 20, "comment": " "})
    assert 'data-testid="comment-error"' in refused.content.decode()
    done = page(h.p["ek_head"]).post(url, {**GOOD, "cooperation": 20, "comment": "不配合。"})
    assert done.status_code == 302
    assert page(h.p["ek_head"]).get(url).content.decode().count('data-testid="answered"') == 1


def test_the_office_opens_a_round_and_issues_codes_on_the_pages(worked):
    h = worked
    office = page(h.p["office"])
    assert office.post("/evaluation/rounds/open/", {"period": "2026-Q4"}).status_code == 302
    peer_round = PeerBallot.objects.first().round
    shown = office.post(
        f"/evaluation/rounds/{peer_round.pk}/",
        {"rater": "某企业", "departments": [h.d["ZWK"].pk]},
    )
    assert shown.content.decode().count('data-testid="code"') == 1
    assert "no-store" in shown["Cache-Control"]
    assert (
        page(h.p["xxk_head"])
        .post(
            f"/evaluation/rounds/{peer_round.pk}/", {"rater": "x", "departments": [h.d["ZWK"].pk]}
        )
        .status_code
        == 403
    )
    assert page(h.p["outsider"]).get("/evaluation/rounds/").status_code == 403


def test_a_closed_round_offers_no_codes(worked):
    h = worked
    office = page(h.p["office"])
    office.post("/evaluation/rounds/open/", {"period": "2026-Q4"})
    peer_round = PeerBallot.objects.first().round
    url = f"/evaluation/rounds/{peer_round.pk}/"
    assert 'data-testid="codes-form"' in office.get(url).content.decode()
    PeerRound.objects.filter(pk=peer_round.pk).update(state=RoundState.CLOSED)
    assert 'data-testid="codes-form"' not in office.get(url).content.decode()

"""The evaluation API: the contract's paths and shapes, computing on demand, the records
behind a figure (exact in number, masked where the matter is not visible), refusals."""

import pytest
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.core.indicators import Direction, Measure
from liaison.evaluation.models import Scorecard, Target
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory

from .conftest import PAST, fake, record

pytestmark = pytest.mark.django_db


def api(person, language: str = "en") -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {tokens.issue(person.user).key}", HTTP_ACCEPT_LANGUAGE=language
    )
    return client


def get(person, path: str, language: str = "en", **params):
    return api(person, language).get(f"/api/v1/{path}", params)


@pytest.fixture
def figures(h):
    fake(h, "on_time", {"XXK": (9, 10), "YJK": (1, 2)}, target=0.9)
    fake(h, "overdue", {"XXK": (3, 0)}, direction=Direction.LOWER, measure=Measure.COUNT)


def test_the_indicators_with_the_targets_in_force(h, figures):
    Target.objects.create(organization=h.organization, indicator="on_time", target=0.95)
    answer = get(h.p["outsider"], "indicators/")
    assert answer.status_code == 200
    assert answer.json() == [
        {
            "code": "on_time",
            "name": "on_time name",
            "definition": "on_time definition",
            "direction": "higher",
            "measure": "rate",
            "target": 0.95,
        },
        {
            "code": "overdue",
            "name": "overdue name",
            "definition": "overdue definition",
            "direction": "lower",
            "measure": "count",
            "target": None,
        },
    ]


def test_a_scorecard_is_computed_on_demand_then_read(h, figures):
    answer = get(h.p["president"], "scorecards/", period=PAST)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert body["period"] == PAST and body["computed_at"] and body["state"] == "draft"
    xxk = next(d for d in body["departments"] if d["department"] == "XXK")
    assert xxk["kind"] == "functional" and xxk["ranked"] is True and xxk["rank"] == 1
    assert xxk["score"] == 75.0 and xxk["reason"] == ""  # (90 + 60) / 2
    assert xxk["indicators"]["on_time"] == {
        "value": 0.9,
        "numerator": 9,
        "denominator": 10,
        "score": 90.0,
        "met": True,
    }
    assert xxk["indicators"]["overdue"]["value"] == 3
    assert [point["period"] for point in xxk["trend"]] == [
        "2024-Q4",
        "2025-Q1",
        "2025-Q2",
        "2025-Q3",
    ]
    assert (
        get(h.p["office"], "scorecards/", period=PAST).json()["computed_at"] == body["computed_at"]
    )
    assert Scorecard.objects.count() == 1


def test_an_unranked_department_says_why(h, figures):
    yjk = next(
        d
        for d in get(h.p["president"], "scorecards/", period=PAST).json()["departments"]
        if d["department"] == "YJK"
    )
    assert (yjk["ranked"], yjk["rank"], yjk["reason"]) == (False, None, "Sample too small")
    assert yjk["indicators"]["on_time"]["value"] == 0.5 and yjk["units"] == 2


def test_a_month_is_a_period_too_and_a_bad_period_is_refused(h, figures):
    assert get(h.p["office"], "scorecards/", period="2025-11").json()["period"] == "2025-11"
    refused = get(h.p["office"], "scorecards/", period="2025-Q9")
    assert refused.status_code == 400 and "2026-Q4" in refused.json()["detail"]


def test_the_office_computes_again_and_others_may_not(h, figures):
    first = get(h.p["office"], "scorecards/", period=PAST).json()
    answer = api(h.p["office"]).post("/api/v1/scorecards/", {"period": PAST}, format="json")
    assert answer.status_code == 201
    assert answer.json()["computed_at"] > first["computed_at"]
    assert get(h.p["office"], "scorecards/", period=PAST).json() == answer.json()
    for key in ("president", "xxk_head"):
        refused = api(h.p[key]).post("/api/v1/scorecards/", {"period": PAST}, format="json")
        assert refused.status_code == 403 and refused.json()["detail"]
    bad = api(h.p["office"]).post("/api/v1/scorecards/", {"period": "soon"}, format="json")
    assert bad.status_code == 400
    assert Scorecard.objects.count() == 2


@pytest.fixture
def matters(h):
    """Led by 信息科, and one led by 药剂科 (信息科's people do not see it)."""
    return (
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED),
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, lead=h.d["YJK"]),
    )


def test_the_records_behind_a_figure(h, matters):
    own, other = matters
    rows = [
        record(own, counted=True),
        record(other, counted=False),
        record(number="N-1", counted=True),
    ]
    fake(h, "on_time", {"XXK": (2, 3)}, records={"XXK": rows})
    answer = get(
        h.p["office"], "scorecards/records/", period=PAST, department="XXK", indicator="on_time"
    )
    assert answer.status_code == 200
    body = answer.json()
    assert len(body) == 3 and sum(row["counted"] for row in body) == 2
    assert body[0] == {
        "matter": own.pk,
        "number": own.number,
        "counted": True,
        "due": "2025-11-04T01:00:00+08:00",
        "at": "2025-11-04T00:00:00+08:00",
        "adjusted": "",  # not adjusted by an appeal
    }
    assert body[1]["matter"] == other.pk and body[2]["number"] == "N-1"


def test_records_of_matters_a_head_may_not_see_are_counted_but_masked(h, matters):
    own, other = matters
    rows = [record(own, counted=True), record(other, counted=False)]
    fake(h, "on_time", {"XXK": (1, 2)}, records={"XXK": rows})
    body = get(
        h.p["xxk_head"], "scorecards/records/", period=PAST, department="XXK", indicator="on_time"
    ).json()
    assert [(row["matter"], row["number"], row["counted"]) for row in body] == [
        (own.pk, own.number, True),
        (None, "", False),
    ]
    assert body[1]["due"] == "2025-11-04T01:00:00+08:00"


def test_records_refusals(h, figures):
    def records(who, **params):
        return get(h.p[who], "scorecards/records/", **{"period": PAST, **params})

    assert records("office", department="XXK", indicator="nope").status_code == 400
    assert records("office", department="NOPE", indicator="on_time").status_code == 400
    assert records("office", department="XXK", indicator="on_time", period="x").status_code == 400
    assert records("xxk_head", department="YJK", indicator="on_time").status_code == 403
    assert records("outsider", department="XXK", indicator="on_time").status_code == 403


def test_the_schema_documents_the_evaluation_api(h):
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/indicators/", "/api/v1/scorecards/", "/api/v1/scorecards/records/"):
        assert path in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/scorecards/"]

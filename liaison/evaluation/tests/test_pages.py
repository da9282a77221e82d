"""The scorecard pages through the test client, role by role: who sees which lines (403
for others), computing again, a department's card, the drill-down whose rows are exactly
the figure clicked (masked where the matter is not visible), and the XLSX ledger."""

import io
import re

import openpyxl
import pytest
from django.test import Client

from liaison.core.indicators import Direction, Measure, Record
from liaison.evaluation import periods, services
from liaison.evaluation.models import Scorecard
from liaison.evaluation.services.lifecycle import advance
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory

from .conftest import PAST, fake, record

pytestmark = pytest.mark.django_db


def client(person) -> Client:
    signed = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed.force_login(person.user)
    return signed


def page(person, path: str, **params):
    return client(person).get(f"/evaluation/{path}", {"period": PAST, **params})


@pytest.fixture
def matters(h):
    """Led by 信息科, and one led by 药剂科 (信息科's people do not see it)."""
    return (
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED),
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, lead=h.d["YJK"]),
    )


@pytest.fixture
def figures(h, matters):
    own, other = matters
    rows = [
        record(own, counted=True),
        record(other, counted=False),
        record(number="N-1", counted=True),
    ]
    fake(
        h,
        "on_time",
        {"XXK": (2, 3), "MZB": (9, 10), "YB": (5, 6), "YJK": (1, 2)},
        target=0.9,
        records={"XXK": rows},
    )
    fake(
        h,
        "overdue",
        {"XXK": (1, 0)},
        direction=Direction.LOWER,
        measure=Measure.COUNT,
        records={"XXK": [record(own, counted=True)]},
    )
    shown(h)


def shown(h):
    """The period's scorecard (computed on demand) shown to the departments: a draft is
    the office's and the leaders' only."""
    advance(services.scorecard_for(h.organization, periods.parse(PAST)), h.p["office"])


def lines(response) -> list[str]:
    return re.findall(r'data-testid="line-([A-Z]+)"', response.content.decode())


def test_the_office_and_leaders_see_every_department(h, figures):
    for key in ("office", "president", "vp"):
        response = page(h.p[key], "")
        assert response.status_code == 200
        shown = lines(response)
        assert {"XXK", "MZB", "YB", "YJK", "ZWK"} <= set(shown), key
        assert b'data-testid="red-list-functional"' in response.content


def test_a_head_sees_their_department_only_and_no_lists(h, figures):
    response = page(h.p["xxk_head"], "")
    assert response.status_code == 200
    assert lines(response) == ["XXK"]
    assert b"red-list-" not in response.content and b"scorecard-compute" not in response.content


def test_others_are_refused(h, figures):
    assert page(h.p["outsider"], "").status_code == 403
    assert page(h.p["outsider"], "departments/XXK/").status_code == 403
    assert page(h.p["outsider"], "departments/XXK/on_time/").status_code == 403
    assert page(h.p["outsider"], "scorecard.xlsx").status_code == 403
    assert page(h.p["xxk_head"], "departments/YJK/").status_code == 403
    assert page(h.p["xxk_head"], "departments/YJK/on_time/").status_code == 403


def test_the_page_shows_ranks_badges_and_the_sample_too_small(h, figures):
    body = page(h.p["office"], "").content.decode()
    yjk = body.split('data-testid="line-YJK"')[1].split("</tr>")[0]
    assert "Sample too small" in yjk and "<strong>" not in yjk.split("</td>")[0]
    xxk = body.split('data-testid="line-XXK"')[1].split("</tr>")[0]
    assert "66.7%" in xxk and 'data-testid="not-met"' in xxk
    mzb = body.split('data-testid="line-MZB"')[1].split("</tr>")[0]
    assert "90.0%" in mzb and 'data-testid="met"' in mzb
    assert "on_time definition" in body and 'data-testid="weights"' in body
    assert "Computed on demand" in body


def test_the_office_computes_again_and_a_head_may_not(h, figures):
    page(h.p["office"], "")
    response = client(h.p["office"]).post("/evaluation/compute/", {"period": PAST})
    assert response.status_code == 302 and response["Location"].endswith(f"?period={PAST}")
    latest = Scorecard.objects.order_by("-computed_at", "-pk").first()
    assert latest.computed_by == h.p["office"] and Scorecard.objects.count() == 2
    assert "Computed by 张三" in page(h.p["office"], "").content.decode()
    refused = client(h.p["xxk_head"]).post("/evaluation/compute/", {"period": PAST})
    assert refused.status_code == 403 and Scorecard.objects.count() == 2


def test_a_bad_period_falls_back_to_the_running_quarter(h, figures):
    response = page(h.p["office"], "", period="2025-Q9")
    assert response.status_code == 200
    assert "A period is a quarter such as" in response.content.decode()


def test_a_department_card_with_its_trend_against_its_kind(h, figures):
    response = page(h.p["xxk_head"], "departments/XXK/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="indicator-on_time"' in body and 'id="scorecard-trend"' in body
    assert response.context["trend"]["periods"][-1] == PAST
    assert len(response.context["trend"]["score"]) == 5
    # 信息科 is functional: the kind pools 信息科, 门诊部 and 院办 (16 of 19).
    assert {c.column.code: f for c, f in response.context["cells"]}["on_time"] == "84.2%"
    assert 'data-testid="appeal-slot"' in body


def drill(person, href: str):
    return client(person).get(href.replace("&amp;", "&"))


def test_each_figure_opens_exactly_its_records(h, figures):
    body = page(h.p["office"], "").content.decode()
    for name in ("numerator-XXK-on_time", "denominator-XXK-on_time", "numerator-XXK-overdue"):
        link = re.search(rf'href="([^"]+)" data-testid="{name}" data-count="(\d+)"', body)
        response = drill(h.p["office"], link[1])
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="record"') == int(link[2]), name
    assert [
        int(n) for n in re.findall(r'data-testid="numerator-XXK-on_time" data-count="(\d+)"', body)
    ] == [2]


def test_records_of_matters_a_head_may_not_see_are_counted_but_masked(h, figures, matters):
    own, other = matters
    body = page(h.p["xxk_head"], "departments/XXK/on_time/").content.decode()
    assert body.count('data-testid="record"') == 3
    assert own.number in body and other.number not in body
    assert body.count('data-testid="record-masked"') == 1
    office = page(h.p["office"], "departments/XXK/on_time/").content.decode()
    assert other.number in office and f"/matters/{other.pk}/" in office


def test_a_unit_that_is_not_a_matter_says_what_it_is(h):
    seat = Record(None, "", True, None, None, label="周例会（赵信息）", url="/meetings/7/")
    fake(h, "attendance", {"XXK": (1, 1)}, records={"XXK": [seat]})
    shown(h)
    body = page(h.p["xxk_head"], "departments/XXK/attendance/").content.decode()
    assert '<a href="/meetings/7/">周例会（赵信息）</a>' in body and "record-masked" not in body


def test_the_scorecard_leads_to_the_peer_evaluation_rounds(h, figures):
    body = page(h.p["xxk_head"], "").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="rounds-link"', body)
    assert client(h.p["xxk_head"]).get(link[1]).status_code == 200


def test_a_mean_score_shows_its_value_and_opens_its_ballots(h):
    """The peer score's numerator is a sum of points: the page shows the mean and n, and n
    opens the n ballots behind it."""
    ballots = [Record(None, "", True, None, None, label=f"ballot {n}", url="") for n in range(5)]
    fake(h, "peer", {"XXK": (420, 5)}, measure=Measure.SCORE, records={"XXK": ballots})
    shown(h)
    body = page(h.p["office"], "").content.decode()
    assert "84.0" in body and ">420<" not in body
    link = re.search(r'href="([^"]+)" data-testid="denominator-XXK-peer" data-count="5"', body)
    records = drill(h.p["office"], link[1]).content.decode()
    assert records.count('data-testid="record"') == 5
    card = page(h.p["office"], "departments/XXK/").content.decode()
    assert 'data-testid="numerator-XXK-peer"' not in card and "84.0" in card


def test_the_ledger_opens_in_a_spreadsheet(h, figures):
    response = page(h.p["office"], "scorecard.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["考核台账"]
    assert PAST in sheet["A1"].value and sheet["A3"].value == "序号"
    rows = {row[3]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert {"信息科", "门诊部", "药剂科"} <= set(rows)
    assert rows["药剂科"][-1] == "样本不足" and "on_time name" in rows["信息科"][-3]
    assert book["指标口径"]["A2"].value == "on_time name"
    mine = page(h.p["xxk_head"], "scorecard.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(mine.streaming_content)))["考核台账"]
    assert [row[3] for row in sheet.iter_rows(min_row=4, values_only=True)] == ["信息科"]


def test_the_navigation_offers_scorecards_to_who_may_see_them(h, figures):
    for key, shown in (("office", True), ("xxk_head", True), ("outsider", False)):
        body = client(h.p[key]).get("/matters/").content
        assert (b'data-testid="nav-scorecards"' in body) is shown, key

"""Appeals (申诉) through the API: filed only in the window and only for one's own
department, naming a record of the figure; decided by the office, not the appellant; an
accepted one adjusts exactly that record (audited) and recomputes the scorecard, whose
figure and drill-down agree. Then the pages: the department card's form in the window
only, "appeal this record" from the drill-down pre-filling it, forms that keep what was
typed, the office's queue, and the next step behind its confirmation."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.evaluation import selectors
from liaison.evaluation.models import (
    Adjustment,
    Appeal,
    AppealState,
    Scorecard,
    ScorecardEvent,
    ScorecardState,
)
from liaison.evaluation.services import lifecycle
from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory

from .conftest import PAST, fake, record

pytestmark = pytest.mark.django_db
ADVANCE = "/api/v1/scorecards/advance/"


def api(person) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(person.user).key}")
    return client


@pytest.fixture
def monday():
    moment = timezone.make_aware(datetime.datetime(2026, 3, 2, 10))
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


@pytest.fixture
def matters(h, monday):
    """Three matters led by 信息科: late, on time, late."""
    return [MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED) for _ in "abc"]


@pytest.fixture
def card(h, matters):
    """2025-Q4 computed by the office and open for appeal: 信息科 on time 1 of 3, 院办 2 of 2."""
    late, on_time, later = matters
    rows = [
        record(late, counted=False),
        record(on_time, counted=True),
        record(later, counted=False),
    ]
    fake(
        h,
        "on_time",
        {"XXK": (1, 3), "YB": (2, 2)},
        records={"XXK": rows, "YB": [record(on_time, counted=True)] * 2},
    )
    fake(h, "other", {"XXK": (3, 3)}, records={"XXK": [record(m, counted=True) for m in matters]})
    response = api(h.p["office"]).post("/api/v1/scorecards/", {"period": PAST}, format="json")
    assert response.status_code == 201
    scorecard = Scorecard.objects.get()
    for _ in range(2):  # provisional, then open for appeal
        answer = api(h.p["office"]).post(ADVANCE, {"scorecard": scorecard.pk}, format="json")
        assert answer.status_code == 200
    assert answer.json()["state"] == "appeal" and answer.json()["appeal_until"]
    return Scorecard.objects.get()


def appeal(person, matter, department="XXK", indicator="on_time", **extra):
    body = {"period": PAST, "department": department, "indicator": indicator}
    body |= {"matter": matter.pk, "reason": f"{matter.number} 延期已于3月1日批准。"} | extra
    return api(person).post("/api/v1/scorecards/appeals/", body, format="json")


def drill(person, indicator="on_time") -> list[dict]:
    params = {"period": PAST, "department": "XXK", "indicator": indicator}
    return api(person).get("/api/v1/scorecards/records/", params).json()


def figure(code="on_time", department="XXK") -> dict:
    latest = Scorecard.objects.order_by("-computed_at", "-pk").first()  # one organization
    return latest.lines.get(department__code=department).values[code]


def test_a_head_appeals_against_one_record_of_their_department(h, card, matters):
    response = appeal(h.p["xxk_liaison"], matters[0])
    assert response.status_code == 201
    body = response.json()
    assert {k: body[k] for k in ("department", "indicator", "matter", "number", "state")} == {
        "department": "XXK",
        "indicator": "on_time",
        "matter": matters[0].pk,
        "number": matters[0].number,
        "state": "pending",
    }
    assert body["filed_by"] == h.p["xxk_liaison"].name and body["scorecard"] == card.pk
    filed = ScorecardEvent.objects.get(type="appeal_filed")
    assert filed.actor == h.p["xxk_liaison"] and filed.reason.endswith("批准。")


@pytest.mark.parametrize(
    ("who", "department", "status"),
    [("xxk_staff", "XXK", 403), ("yjk_head", "XXK", 403), ("xxk_head", "YJK", 403)],
)
def test_only_a_departments_head_or_liaison_officer_appeals_for_it(
    h, card, matters, who, department, status
):
    assert appeal(h.p[who], matters[0], department=department).status_code == status


def test_the_record_must_be_one_of_the_figure(h, card, matters):
    other = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    response = appeal(h.p["xxk_head"], other)
    assert response.status_code == 400 and "not among the records" in response.json()["detail"]
    assert appeal(h.p["xxk_head"], matters[0], indicator="nope").status_code == 400
    assert appeal(h.p["xxk_head"], matters[0], reason=" ").status_code == 400


def test_appeals_only_while_the_window_is_open(h, card, matters, monday):
    monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(seconds=1))
    response = appeal(h.p["xxk_head"], matters[0])
    assert response.status_code == 409 and "not open for appeal" in response.json()["detail"]


def test_no_appeal_before_the_window(h, matters, monday):
    fake(h, "on_time", {"XXK": (0, 1)}, records={"XXK": [record(matters[0], counted=False)]})
    api(h.p["office"]).post("/api/v1/scorecards/", {"period": PAST}, format="json")
    scorecard = Scorecard.objects.get()
    api(h.p["office"]).post(ADVANCE, {"scorecard": scorecard.pk}, format="json")  # provisional
    assert appeal(h.p["xxk_head"], matters[0]).status_code == 409


def decide(person, appeal_id, **body):
    url = f"/api/v1/scorecards/appeals/{appeal_id}/decide/"
    return api(person).post(url, {"reason": "延期审批记录属实。"} | body, format="json")


def test_an_accepted_appeal_counts_exactly_that_record_as_met(h, card, matters):
    filed = appeal(h.p["xxk_head"], matters[0]).json()
    before_other = figure("other")
    response = decide(h.p["office"], filed["id"], accept=True, effect="met")
    assert response.status_code == 200
    assert response.json()["state"] == "accepted" and response.json()["effect"] == "met"
    latest = selectors.latest_scorecard(h.organization, PAST)
    assert latest.pk != card.pk and latest.state == ScorecardState.APPEAL
    assert figure()["numerator"] == 2 and figure()["denominator"] == 3
    assert figure("on_time", "YB")["numerator"] == 2 and figure("other") == before_other
    rows = drill(h.p["xxk_head"])
    assert [(r["matter"], r["counted"], r["adjusted"]) for r in rows] == [
        (matters[0].pk, True, "met"),
        (matters[1].pk, True, ""),
        (matters[2].pk, False, ""),
    ]
    adjustment = Adjustment.objects.get()
    assert (adjustment.indicator, adjustment.department, adjustment.matter) == (
        "on_time",
        h.d["XXK"],
        matters[0],
    )
    assert adjustment.made_by == h.p["office"] and adjustment.reason == "延期审批记录属实。"
    assert latest.events.get(type="recomputed").data["replaces"] == card.pk
    assert card.events.get(type="appeal_accepted").actor == h.p["office"]


def test_an_excluded_record_leaves_the_units_and_the_drill_down(h, card, matters):
    filed = appeal(h.p["xxk_head"], matters[1]).json()
    decide(h.p["office"], filed["id"], accept=True, effect="excluded")
    assert (figure()["numerator"], figure()["denominator"]) == (0, 2)
    rows = drill(h.p["office"])
    assert [r["matter"] for r in rows] == [matters[0].pk, matters[2].pk]
    assert len(rows) == figure()["denominator"]
    assert sum(r["counted"] for r in rows) == figure()["numerator"]


def test_a_rejected_appeal_changes_nothing(h, card, matters):
    filed = appeal(h.p["xxk_head"], matters[0]).json()
    response = decide(h.p["office"], filed["id"], accept=False)
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    assert selectors.latest_scorecard(h.organization, PAST).pk == card.pk
    assert not Adjustment.objects.exists() and figure()["numerator"] == 1
    assert decide(h.p["office"], filed["id"], accept=True).status_code == 409  # decided


def test_the_office_decides_never_the_appellant(h, card, matters):
    filed = appeal(h.p["office_head"], matters[1], department="YB").json()
    assert decide(h.p["office_head"], filed["id"], accept=True).status_code == 403
    assert decide(h.p["xxk_head"], filed["id"], accept=True).status_code == 403
    assert decide(h.p["office"], filed["id"], accept=False).status_code == 200


def test_the_review_waits_for_every_appeal(h, card, matters, monday):
    filed = appeal(h.p["xxk_head"], matters[0]).json()
    monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
    refused = api(h.p["office_head"]).post(ADVANCE, {"scorecard": card.pk}, format="json")
    assert refused.status_code == 409 and "Decide every appeal" in refused.json()["detail"]
    decide(h.p["office"], filed["id"], accept=True)
    latest = selectors.latest_scorecard(h.organization, PAST)
    # The recomputation is the office's: its reviewer is somebody else.
    mine = api(h.p["office"]).post(ADVANCE, {"scorecard": latest.pk}, format="json")
    assert mine.status_code == 403
    answer = api(h.p["office_head"]).post(ADVANCE, {"scorecard": latest.pk}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "reviewed"
    replaced = api(h.p["office_head"]).post(ADVANCE, {"scorecard": card.pk}, format="json")
    assert replaced.status_code == 409


def test_the_list_shows_the_office_all_and_a_head_their_own(h, card, matters):
    appeal(h.p["xxk_head"], matters[0])
    appeal(h.p["office_head"], matters[1], department="YB")

    def listed(who):
        answer = api(h.p[who]).get("/api/v1/scorecards/appeals/", {"period": PAST})
        return answer.status_code, sorted(a["department"] for a in answer.json()) if (
            answer.status_code == 200
        ) else None

    assert listed("office") == (200, ["XXK", "YB"])
    assert listed("xxk_head") == (200, ["XXK"])
    assert listed("yjk_head") == (200, [])
    assert listed("outsider") == (200, [])


def test_advancing_is_refused_to_a_head_and_names_a_scorecard(h, card):
    refused = api(h.p["xxk_head"]).post(ADVANCE, {"scorecard": card.pk, "reason": "x"})
    assert refused.status_code == 403 and refused.json()["detail"]
    assert api(h.p["office"]).post(ADVANCE, {"scorecard": 999999}).status_code == 404
    assert api(h.p["office"]).post(ADVANCE, {}).status_code == 400
    by_period = api(h.p["office_head"]).post(ADVANCE, {"period": PAST}, format="json")
    assert by_period.status_code == 409 and "still open" in by_period.json()["detail"]


# The pages.


def page_client(person) -> Client:
    signed = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed.force_login(person.user)
    return signed


def get_page(person, path: str, **params):
    return page_client(person).get(f"/evaluation/{path}", {"period": PAST, **params})


def post_page(person, path: str, data: dict):
    return page_client(person).post(f"/evaluation/{path}?period={PAST}", data)


def test_the_card_offers_the_form_in_the_window_to_who_appeals(h, card, monday):
    body = get_page(h.p["xxk_liaison"], "departments/XXK/").content.decode()
    assert 'data-testid="appeal-form"' in body
    assert (
        'data-testid="appeal-form"'
        not in get_page(h.p["office"], "departments/XXK/").content.decode()
    )
    monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
    closed = get_page(h.p["xxk_liaison"], "departments/XXK/").content.decode()
    assert 'data-testid="appeal-form"' not in closed and 'data-testid="appeal-closed"' in closed


def test_a_drill_down_row_prefills_the_form_and_a_refused_one_keeps_the_text(h, card, matters):
    body = get_page(h.p["xxk_head"], "departments/XXK/on_time/").content.decode()
    assert body.count('data-testid="appeal-record"') == 3
    link = f"indicator=on_time&amp;matter={matters[0].number}"
    assert link in body
    form = get_page(h.p["xxk_head"], "appeal/XXK/", indicator="on_time", matter=matters[0].number)
    assert f'value="{matters[0].number}"' in form.content.decode()
    typed = {"indicator": "on_time", "matter": "XT-NOPE", "reason": "延期已批准。"}
    refused = post_page(h.p["xxk_head"], "appeal/XXK/", typed)
    assert refused.status_code == 400
    assert (
        'value="XT-NOPE"' in refused.content.decode() and "延期已批准。" in refused.content.decode()
    )
    filed = post_page(h.p["xxk_head"], "appeal/XXK/", typed | {"matter": matters[0].number})
    assert filed.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.matter, appeal.filed_by) == (matters[0], h.p["xxk_head"])


def test_only_the_departments_handlers_open_its_appeal_form(h, card):
    assert get_page(h.p["xxk_staff"], "appeal/XXK/").status_code == 403
    assert get_page(h.p["yjk_head"], "appeal/XXK/").status_code == 403


def test_the_office_accepts_from_its_queue_and_a_refusal_keeps_the_choice(h, card, matters):
    post_page(
        h.p["xxk_head"],
        "appeal/XXK/",
        {"indicator": "on_time", "matter": matters[0].number, "reason": "r"},
    )
    appeal = Appeal.objects.get()
    queue = get_page(h.p["office"], "appeals/").content.decode()
    assert f'data-testid="appeal-{appeal.pk}"' in queue and 'data-testid="accept"' in queue
    assert 'data-testid="accept"' not in get_page(h.p["xxk_head"], "appeals/").content.decode()
    refused = post_page(
        h.p["office"],
        f"appeals/{appeal.pk}/decide/",
        {"decision": "accept", "effect": "excluded", "reason": " "},
    )
    assert refused.status_code == 400
    assert '<option value="excluded" selected>' in refused.content.decode()
    done = post_page(
        h.p["office"],
        f"appeals/{appeal.pk}/decide/",
        {"decision": "accept", "effect": "met", "reason": "属实"},
    )
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert appeal.state == AppealState.ACCEPTED
    latest = selectors.latest_scorecard(h.organization, PAST)
    assert latest.lines.get(department__code="XXK").values["on_time"]["numerator"] == 2
    timeline = get_page(h.p["office"], "appeals/").content.decode()
    for kind in ("provisional", "appeal", "appeal_filed", "appeal_accepted", "recomputed"):
        assert f'data-testid="event-{kind}"' in timeline
    assert (
        'data-testid="scorecard-record"'
        not in get_page(h.p["xxk_head"], "appeals/").content.decode()
    )
    drill = get_page(h.p["xxk_head"], "departments/XXK/on_time/").content.decode()
    assert drill.count('data-testid="record-adjusted"') == 1


def test_the_next_step_says_what_it_does_before_it_is_taken(h, card, monday):
    monday.move_to(lifecycle.appeal_until(card) + datetime.timedelta(minutes=1))
    lifecycle.advance(card, h.p["office_head"])
    lifecycle.advance(card, h.p["president"])
    page = get_page(h.p["office"], "").content.decode()
    assert 'data-testid="scorecard-advance"' in page
    assert 'data-testid="scorecard-advance"' not in get_page(h.p["xxk_head"], "").content.decode()
    confirm = get_page(h.p["office"], f"scorecards/{card.pk}/advance/").content.decode()
    assert "A notice with the results is sent to all departments" in confirm
    assert get_page(h.p["xxk_head"], f"scorecards/{card.pk}/advance/").status_code == 403
    assert (
        post_page(h.p["office"], f"scorecards/{card.pk}/advance/", {"reason": ""}).status_code
        == 302
    )
    card.refresh_from_db()
    assert card.state == ScorecardState.PUBLISHED


def test_the_admin_shows_appeals_and_adjustments_read_only(h, card, matters, client):
    filed = appeal(h.p["xxk_head"], matters[0]).json()
    decide(h.p["office"], filed["id"], accept=True)
    get_user_model().objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    for name, obj in (("appeal", Appeal.objects.get()), ("adjustment", Adjustment.objects.get())):
        assert client.get(reverse(f"admin:evaluation_{name}_changelist")).status_code == 200
        change = reverse(f"admin:evaluation_{name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
        assert client.get(reverse(f"admin:evaluation_{name}_add")).status_code == 403
    assert client.get(reverse("admin:evaluation_talk_changelist")).status_code == 200

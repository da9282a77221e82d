"""The clocks as people and other tools see them: the matter page's time limits, the
ask-the-originator pause through the page and the API, and the API's contract fields."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from liaison.deadlines.sweep import run_sweep
from liaison.matters import services
from liaison.matters.models import EventType, State
from liaison.matters.tests.factories import MatterFactory, build_hospital

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_9 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture
def h(db):
    return build_hospital()


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY_9, tick=False) as traveller:
        yield traveller


def accepted(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED)
    return services.accept(matter, h.p["xxk_head"])


def api(person) -> APIClient:
    client = APIClient()
    client.force_authenticate(person.user)
    return client


def test_the_matter_page_shows_each_clock_and_whether_it_runs(h, client):
    matter = accepted(h)
    client.force_login(h.p["xxk_head"].user)
    page = client.get(f"/matters/{matter.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="clock-accept"' not in page  # accepted: that limit is behind it
    assert 'data-testid="clock-reply" data-status="running"' in page
    assert "Ask the originator" in page


def test_asking_the_originator_through_the_page_pauses_the_reply_clock(h, client, clock):
    matter = accepted(h)
    client.force_login(h.p["xxk_head"].user)
    response = client.post(f"/matters/{matter.pk}/act/ask-originator/", {"text": "哪台电脑？"})
    assert response.status_code == 302
    matter.refresh_from_db()
    assert matter.paused_at is not None
    client.force_login(h.p["mzb_staff"].user)
    page = client.get(f"/matters/{matter.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-status="paused"' in page and "哪台电脑？" in page
    assert 'data-testid="paused"' in page and 'data-testid="overdue"' not in page
    listed = client.get("/matters/?tab=raised", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Paused" in listed
    clock.move_to(matter.next_deadline + dt.timedelta(days=2))
    matter.refresh_from_db()
    assert not matter.is_overdue  # long past the deadline, but no clock runs
    clock.move_to(MONDAY_9)
    response = client.post(f"/matters/{matter.pk}/act/give-information/", {"text": "  "})
    assert response.status_code == 400  # refused, the form back as typed
    matter.refresh_from_db()
    assert matter.paused_at is not None  # a blank answer changes nothing
    client.post(f"/matters/{matter.pk}/act/give-information/", {"text": "门诊二楼 3 号诊室"})
    matter.refresh_from_db()
    assert matter.paused_at is None


def test_the_api_detail_carries_the_contract_fields(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED)
    body = api(h.p["xxk_head"]).get(f"/api/v1/matters/{matter.pk}/").json()
    assert body["level"] == 0 and body["supervised"] is False and body["paused"] is False
    assert body["accept_due"].startswith("2026-11-24T09:00") and body["reply_due"] is None


def test_the_api_timeline_has_reminded_breached_and_escalated_with_level_and_reason(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.DISPATCHED)
    first_reminder = matter.next_check_at
    run_sweep(first_reminder)
    run_sweep(matter.accept_due)
    events = api(h.p["xxk_head"]).get(f"/api/v1/matters/{matter.pk}/timeline/").json()
    by_type = {e["type"]: e for e in events}
    assert {"reminded", "breached", "escalated"} <= set(by_type)
    assert by_type["escalated"]["level"] == 1 and by_type["escalated"]["reason"]
    assert by_type["breached"]["facts"]["step"] == "accept"
    body = api(h.p["xxk_head"]).get(f"/api/v1/matters/{matter.pk}/").json()
    assert body["level"] == 1


def test_the_api_pause_actions(h):
    matter = accepted(h)
    url = f"/api/v1/matters/{matter.pk}/"
    assert api(h.p["mzb_staff"]).post(url + "ask-originator/", {"text": "x"}).status_code == 403
    assert api(h.p["xxk_head"]).post(url + "ask-originator/", {"text": ""}).status_code == 400
    response = api(h.p["xxk_head"]).post(url + "ask-originator/", {"text": "请补充"})
    assert response.status_code == 200 and response.json()["paused"] is True
    response = api(h.p["mzb_staff"]).post(url + "give-information/", {"text": "已补充"})
    assert response.status_code == 200 and response.json()["paused"] is False
    assert matter.events.filter(type=EventType.INFO_GIVEN).count() == 1

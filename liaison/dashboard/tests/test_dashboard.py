"""The dashboard per role: what each sees and does not, every count equal to the number of
rows of the list it opens, and a number of queries that does not grow with the matters."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from liaison.matters import services
from liaison.matters.models import Matter, State
from liaison.matters.tests.factories import MatterFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard:dashboard")


def overdue(matter, days=2):
    Matter.objects.filter(pk=matter.pk).update(
        next_deadline=timezone.now() - datetime.timedelta(days=days)
    )


def escalated_to_leader(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    for who in ("xxk_liaison", "xxk_head", "office"):
        matter = services.escalate(matter, h.p[who], reason="协调困难")
    return matter


@pytest.fixture
def matters(h):
    """At 信息科: two overdue, one in time, one escalated to its leader in charge; at 总务科
    one overdue; at the office one waiting three days, one today, one returned."""
    late = [
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED) for _ in range(2)
    ]
    for matter in late:
        overdue(matter)
    MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    escalated_to_leader(h)
    zwk = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, lead=h.d["ZWK"])
    overdue(zwk)
    old = MatterFactory(originator=h.p["yjk_staff"])
    Matter.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    MatterFactory(originator=h.p["yjk_staff"])
    returned = MatterFactory(originator=h.p["yjk_staff"], by=h, state=State.DISPATCHED)
    services.return_matter(returned, h.p["xxk_head"], reason="不属本科职责")
    return h


def page(client, person, url=DASHBOARD):
    client.force_login(person.user)
    return client.get(url)


def counted(response, testid: str) -> list[tuple[int, str]]:
    """(count, link) of each element of that test id."""
    html = response.content.decode()
    pattern = rf'href="([^"]+)"[^>]*data-testid="{testid}" data-count="(\d+)"'
    return [(int(n), url.replace("&amp;", "&")) for url, n in re.findall(pattern, html)]


def rows_of(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    if url.startswith(reverse("supervision:board")):
        return response.content.decode().count('data-testid="board-row"')
    rows = response.content.decode().count('data-testid="matter-row"')
    assert rows == response.context["page"].paginator.count
    return rows


def assert_counts_open_their_lists(client, response, testids):
    checked = 0
    for testid in testids:
        for count, url in counted(response, testid):
            assert rows_of(client, url) == count, (testid, url)
            checked += 1
    return checked


def test_the_president_sees_the_hospital_and_each_count_opens_exactly_its_matters(client, matters):
    h = matters
    h.p["president"].title = "院长"
    h.p["president"].save(update_fields=["title"])
    response = page(client, h.p["president"])
    assert response.context["role"] == "leader"
    html = response.content.decode()
    assert counted(response, "tile-overdue")[0][0] == 3
    assert counted(response, "tile-escalated")[0][0] == 1
    rows = dict(
        re.findall(
            r'data-department="(\w+)">\s*<td>[^<]*</td>\s*<td[^>]*><a[^>]*data-count="(\d+)"', html
        )
    )
    assert rows == {"XXK": "2", "ZWK": "1", "YLD": "0"}  # 院领导 holds the escalated one
    assert [n for n, _url in counted(response, "rung")] == [0, 0, 1, 0]
    checked = assert_counts_open_their_lists(
        client,
        response,
        [
            "tile-overdue",
            "tile-escalated",
            "tile-waiting",
            "row-overdue",
            "row-escalated",
            "rung",
            "light-red",
        ],
    )
    assert checked >= 10
    assert 'id="dashboard-trend"' in html and "<script>" not in html.replace("<script src", "")


def test_a_leader_in_charge_sees_only_the_departments_they_lead(client, matters):
    h = matters
    response = page(client, h.p["secretary"])  # in charge of 总务科 and 保卫科
    assert response.context["role"] == "leader"
    departments = re.findall(
        r'data-testid="department-row" data-department="(\w+)"', response.content.decode()
    )
    assert departments == ["ZWK"]
    assert_counts_open_their_lists(
        client, response, ["tile-overdue", "row-overdue", "rung", "tile-waiting"]
    )


def test_the_coordinating_office_sees_its_queue_by_age_and_this_week_s_returns(client, matters):
    h = matters
    response = page(client, h.p["office"])
    assert response.context["role"] == "office"
    html = response.content.decode()
    assert 'data-testid="queue"' in html and 'data-testid="ladder"' not in html
    assert counted(response, "tile-returned")[0][0] == 1
    queue = [n for n, _url in counted(response, "queue-count")]
    # Awaiting dispatch (the returned one is back at the office): today, 1–2, 3–6, 7+ days.
    assert queue == [2, 0, 1, 0, 0, 0, 0, 0]
    assert_counts_open_their_lists(
        client, response, ["tile-returned", "tile-transferred", "tile-overdue", "queue-count"]
    )


def test_a_department_head_sees_their_department_s_card_and_nothing_of_others(client, matters):
    h = matters
    response = page(client, h.p["xxk_head"])
    assert response.context["role"] == "head"
    html = response.content.decode()
    assert 'data-testid="by-department"' not in html and 'data-testid="queue"' not in html
    assert "总务科" not in html
    assert counted(response, "tile-overdue")[0][0] == 2
    assert_counts_open_their_lists(client, response, ["tile-open", "tile-overdue"])


def test_staff_have_no_dashboard_nor_its_entry_in_the_navigation(client, matters):
    h = matters
    response = page(client, h.p["outsider"])
    assert response.status_code == 403
    assert 'data-testid="nav-dashboard"' not in response.content.decode()
    assert 'data-testid="nav-dashboard"' in page(client, h.p["xxk_head"]).content.decode()


@pytest.mark.parametrize("who", ["president", "secretary", "office", "xxk_head"])
def test_the_number_of_queries_does_not_grow_with_the_matters(
    client, h, who, django_assert_max_num_queries
):
    client.force_login(h.p[who].user)
    MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DASHBOARD).status_code == 200
    for lead in ("ZWK", "YJK", "XXK", "MZB"):
        matter = MatterFactory(
            originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, lead=h.d[lead]
        )
        overdue(matter)
    escalated_to_leader(h)
    MatterFactory(originator=h.p["yjk_staff"])
    with django_assert_max_num_queries(len(few)):
        assert client.get(DASHBOARD).status_code == 200


def test_the_list_a_count_opens_says_which_of_the_dashboard_s_filters_it_applies(client, matters):
    h = matters
    client.force_login(h.p["office"].user)
    html = client.get(
        "/matters/?tab=all&holder=XXK&overdue=on", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'data-testid="filter-chip">Held by 信息科<' in html
    assert '<input type="hidden" name="holder" value="XXK">' in html  # kept when refiltered
    html = client.get("/matters/?tab=all&level=3", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="filter-chip">Escalated to: Leader in charge<' in html

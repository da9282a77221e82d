"""The communication API: projects with their registers and plans, a project's
distributions, mine, and marking one sent or skipped; status codes and bodies."""

import pytest
from rest_framework.test import APIClient

from liaison.communication import services
from liaison.communication.models import Distribution, DistributionState, Project
from liaison.core import tokens
from liaison.matters.tests.factories import build_hospital

from .conftest import at
from .factories import make_row

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/communication-plans/"


def api(person, language: str = "en") -> APIClient:
    token = tokens.issue(person.user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def plan_body(h, **extra) -> dict:
    return {
        "name": "HIS升级改造项目",
        "owner_department": "XXK",
        "manager": h.p["xxk_head"].user.username,
        "stakeholders": [
            {"person": h.p["president"].user.username, "layer": "decision", "influence": "high"},
            {"department": "YJK", "layer": "management", "influence": "medium"},
            {
                "external_name": "李工",
                "external_unit": "某医疗软件有限公司",
                "layer": "execution",
                "influence": "low",
                "preferred_channel": "group",
            },
        ],
        "rows": [
            {
                "information": "项目周报",
                "to": [0, 1],
                "rule": "FREQ=WEEKLY;BYDAY=FR",
                "start_date": "2026-03-06",
                "due_time": "16:00",
                "channel": "email",
                "owner": h.p["xxk_liaison"].user.username,
            }
        ],
        **extra,
    }


def test_a_head_posts_a_whole_plan(h, monday):
    response = api(h.p["xxk_head"]).post(PLANS, plan_body(h), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["owner_department"] == "XXK" and body["manager"] == h.p["xxk_head"].user.username
    assert [s["kind"] for s in body["stakeholders"]] == ["person", "department", "external"]
    (row,) = body["rows"]
    assert row["schedule"] == "Every week on Fridays at 16:00"
    assert row["next_due_at"] == "2026-03-06T16:00:00+08:00"
    assert len(row["stakeholders"]) == 2


def test_a_refused_plan_leaves_nothing_behind(h, monday):
    body = plan_body(h)
    body["rows"][0]["rule"] = "FREQ=HOURLY"
    response = api(h.p["xxk_head"]).post(PLANS, body, format="json")
    assert response.status_code == 400
    assert "at most once a day" in response.json()["detail"]
    assert not Project.objects.exists()


def test_a_row_naming_a_missing_stakeholder_is_a_bad_request(h, monday):
    body = plan_body(h)
    body["rows"][0]["to"] = [7]
    response = api(h.p["xxk_head"]).post(PLANS, body, format="json")
    assert response.status_code == 400 and "not in the list" in response.json()["detail"]


def test_someone_who_may_not_start_it_gets_403(h, monday):
    response = api(h.p["xxk_staff"]).post(PLANS, plan_body(h), format="json")
    assert response.status_code == 403
    assert not Project.objects.exists()


@pytest.fixture
def due(h, project, president, pharmacy, monday):
    make_row(project, h.p["xxk_head"], to=[president, pharmacy], owner=h.p["xxk_liaison"])
    monday.move_to(at("2026-03-06", "09:00"))
    services.sweep()
    return Distribution.objects.get()


def test_everyone_in_the_organization_lists_projects_and_their_distributions(h, due):
    client = api(h.p["outsider"])
    body = client.get(PLANS).json()
    assert body["count"] == 1 and body["results"][0]["name"] == "HIS升级改造项目"
    project = body["results"][0]["id"]
    assert client.get(f"{PLANS}{project}/").json()["rows"][0]["information"] == "项目周报"
    listed = client.get(f"{PLANS}{project}/distributions/", {"state": "due"}).json()
    assert listed["count"] == 1
    (item,) = listed["results"]
    assert item["state"] == "due" and item["overdue"] is False
    assert item["due_at"] == "2026-03-06T09:00:00+08:00"
    assert item["owner"] == h.p["xxk_liaison"].user.username


def test_another_organization_gets_404(h, due):
    other = build_hospital("h2")
    client = api(other.p["president"])
    assert client.get(f"{PLANS}{due.row.project_id}/").status_code == 404
    assert client.post(f"/api/v1/distributions/{due.pk}/sent/", {}).status_code == 404
    assert client.get(PLANS).json()["count"] == 0


def test_the_owner_lists_and_marks_a_distribution_sent(h, due, president):
    client = api(h.p["xxk_liaison"])
    mine = client.get("/api/v1/distributions/").json()
    assert [d["id"] for d in mine] == [due.pk]
    response = client.post(
        f"/api/v1/distributions/{due.pk}/sent/",
        {"sent_to": [president.pk], "note": "第10周周报", "link": "https://pan.example.com/s/1"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "sent" and body["sent_to"] == [president.pk]
    assert body["sent_by"] == h.p["xxk_liaison"].user.username
    again = client.post(f"/api/v1/distributions/{due.pk}/sent/", {}, format="json")
    assert again.status_code == 409 and "marked it sent" in again.json()["detail"]


def test_marking_refusals(h, due, project):
    other_project = services.create_project(
        h.p["xxk_head"],
        services.ProjectInput(name="其他", owner_department=h.d["XXK"], manager=h.p["xxk_head"]),
    )
    stranger = services.add_stakeholder(
        other_project,
        h.p["xxk_head"],
        services.StakeholderInput(person=h.p["vp"], layer="decision", influence="high"),
    )
    url = f"/api/v1/distributions/{due.pk}/sent/"
    assert api(h.p["outsider"]).post(url, {}, format="json").status_code == 403
    response = api(h.p["xxk_liaison"]).post(url, {"sent_to": [stranger.pk]}, format="json")
    assert response.status_code == 400
    skip = f"/api/v1/distributions/{due.pk}/skip/"
    assert api(h.p["xxk_liaison"]).post(skip, {"reason": ""}, format="json").status_code == 400
    response = api(h.p["xxk_liaison"]).post(skip, {"reason": "本周停更"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "skipped"
    due.refresh_from_db()
    assert due.state == DistributionState.SKIPPED


def test_the_schema_has_the_communication_paths(h):
    schema = api(h.p["outsider"]).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/communication-plans/",
        "/api/v1/communication-plans/{id}/",
        "/api/v1/communication-plans/{id}/distributions/",
        "/api/v1/distributions/",
        "/api/v1/distributions/{id}/sent/",
        "/api/v1/distributions/{id}/skip/",
    ):
        assert path in schema

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from liaison.notices.models import Notice, Receipt


@pytest.fixture
def api(h):
    def as_(key):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(h.p[key].user)
        return client

    return as_


def test_the_whole_round_through_the_api(h, api):
    office = api("office_head")
    created = office.post(
        "/api/v1/notices/",
        {
            "title": "关于开展消防演练的通知",
            "body": "周三下午全院消防演练。",
            "author_department": "YB",
            "departments": ["XXK", "YJK", "MZB"],
            "positions": ["head"],
            "usernames": [h.p["bwk_staff"].user.username],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert created.data["state"] == "draft"
    published = office.post(f"/api/v1/notices/{pk}/publish/")
    assert published.status_code == 200 and published.data["state"] == "published"

    liaison = api("xxk_liaison")
    relayed = liaison.post(f"/api/v1/notices/{pk}/relay/", {"note": "请阅"}, format="json")
    assert relayed.status_code == 200
    again = liaison.post(f"/api/v1/notices/{pk}/relay/", {}, format="json")
    assert again.status_code == 409 and again.data["detail"] == "It has been relayed already."

    staff = api("xxk_staff")
    listed = staff.get("/api/v1/notices/")
    assert [n["id"] for n in listed.data["results"]] == [pk]
    assert listed.data["results"][0]["read"] is False
    read = staff.post(f"/api/v1/notices/{pk}/read/")
    assert read.status_code == 200 and read.data["first"] is True
    assert staff.post(f"/api/v1/notices/{pk}/read/").data["first"] is False
    assert Receipt.objects.get(notice_id=pk, person=h.p["xxk_staff"]).read_via == "api"

    stats = office.get(f"/api/v1/notices/{pk}/stats/")
    assert stats.status_code == 200
    rows = {row["department"]: row for row in stats.data["departments"]}
    assert rows["XXK"]["relayed"] is True and rows["XXK"]["read"] == 1
    assert rows["XXK"]["relayed_by"] == h.p["xxk_liaison"].user.username
    assert h.p["xxk_staff"].user.username not in rows["XXK"]["unread"]
    assert rows["YJK"]["relayed"] is False
    assert h.p["yjk_staff"].user.username in rows["YJK"]["unread"]
    assert rows["BWK"]["total"] == 1  # named directly, counted under 保卫科

    reminded = office.post(f"/api/v1/notices/{pk}/remind/", {"department": "YJK"}, format="json")
    assert reminded.status_code == 200
    assert reminded.data["relayers"] == 1

    own = liaison.get(f"/api/v1/notices/{pk}/stats/")
    assert [row["department"] for row in own.data["departments"]] == ["XXK"]
    assert staff.get(f"/api/v1/notices/{pk}/stats/").status_code == 403
    assert api("outsider").get(f"/api/v1/notices/{pk}/").status_code == 404

    withdrawn = office.post(f"/api/v1/notices/{pk}/withdraw/", {"reason": "改期"}, format="json")
    assert withdrawn.data["state"] == "withdrawn"


def test_task_deployment_published_at_once_and_bad_input(h, api):
    office = api("office_head")
    due = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    created = office.post(
        "/api/v1/notices/",
        {
            "kind": "task_deployment",
            "title": "上报本科室设备清单",
            "author_department": "YB",
            "departments": ["XXK"],
            "require_action": True,
            "action_due": due,
            "publish": True,
        },
        format="json",
    )
    assert created.status_code == 201 and created.data["state"] == "published"
    stats = office.get(f"/api/v1/notices/{created.data['id']}/stats/").data
    assert stats["departments"][0]["matter"].startswith("RW-")
    unknown = office.post(
        "/api/v1/notices/",
        {"title": "x", "author_department": "YB", "departments": ["NOPE"]},
        format="json",
    )
    assert unknown.status_code == 400 and "departments" in unknown.data
    refused = office.post(
        "/api/v1/notices/",
        {"title": "x", "author_department": "YB", "departments": ["XXK"], "require_action": True},
        format="json",
    )
    assert refused.status_code == 400 and "date" in refused.data["detail"]
    staff = api("xxk_staff")
    draft = staff.post(
        "/api/v1/notices/",
        {"title": "科内通知", "departments": ["MZB"]},
        format="json",
    )
    assert draft.status_code == 201
    assert staff.post(f"/api/v1/notices/{draft.data['id']}/publish/").status_code == 403
    assert Notice.objects.get(pk=draft.data["id"]).author_department.code == "XXK"

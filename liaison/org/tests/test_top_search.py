"""The top search finds matters (by number, title or title's pinyin initials), employee
numbers, meetings and notices, each only for who may see it."""

import re

import pytest
from django.urls import reverse

from liaison.matters.models import State
from liaison.matters.tests.factories import PASSWORD, MatterFactory
from liaison.meetings.models import Attendance
from liaison.meetings.tests.factories import RoomFactory, SeriesFactory, call_emergency
from liaison.notices.tests.factories import publish
from liaison.testing import small_hospital  # noqa: F401 (the fixture h)

pytestmark = pytest.mark.django_db


@pytest.fixture
def search(client, h):
    def as_(key, query):
        assert client.login(username=h.p[key].user.username, password=PASSWORD)
        response = client.get(reverse("org:search"), {"q": query}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        return set(re.findall(r'href="([^"]+)"', response.content.decode()))

    return as_


@pytest.fixture
def kiosk(h):
    """门诊部's matter about the self-service kiosks, led by 信息科: 儿科's nurse
    (outsider) may not see it."""
    return MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="门诊自助机无法打印发票"
    )


def test_a_matter_is_found_by_number_title_and_initials_by_who_may_see_it(search, kiosk):
    link = reverse("matters:detail", args=[kiosk.pk])
    for query in (kiosk.number, "自助机", "zzj"):
        assert link in search("mzb_staff", query), query
        assert link in search("office", query), query
        assert link not in search("outsider", query), query


def test_an_employee_number_finds_the_person(search, h):
    person = h.p["yjk_staff"]
    assert reverse("org:person", args=[person.pk]) in search("outsider", person.employee_number)


def test_meetings_are_found_by_title_and_never_by_a_hidden_matter(search, h, kiosk):
    room = RoomFactory(organization=h.organization)
    series = SeriesFactory(
        by=h.p["xxk_head"], organizer=h.d["XXK"], room=room, title="信息化建设周例会"
    )
    weekly = reverse("meetings:detail", args=[series.meetings.order_by("start").first().pk])
    assert weekly in search("outsider", "信息化建设")
    emergency = call_emergency(
        h.p["xxk_head"],
        h.d["XXK"],
        room=room,
        departments=[(h.d["XXK"], Attendance.HEAD)],
        matter=kiosk,
        title=f"紧急会议：{kiosk.title}",
    )
    called = reverse("meetings:detail", args=[emergency.pk])
    assert called in search("xxk_head", "自助机")
    assert called not in search("outsider", "自助机")


def test_notices_are_found_only_by_those_they_reached(search, h):
    notice = publish(h, title="关于自助机巡检的通知", departments=("XXK",))
    link = reverse("notices:detail", args=[notice.pk])
    assert link in search("xxk_head", "巡检")  # reached as head of 信息科
    assert link in search("office_head", "巡检")  # who issued it
    assert link not in search("outsider", "巡检")

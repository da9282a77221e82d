"""Who reads the minutes: drafts only the organizers, the recorder and the chair; approved
minutes also those invited (by name or through their department, and whoever they were
sent to), the coordinating and supervision offices and the leaders, and everyone in the
organization when the series is open to it. The same rule on the page, the print view,
the Word file and the API (404 for minutes one may not read, as for none)."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from liaison.matters.tests.factories import build_hospital
from liaison.meetings import policy, selectors, services
from liaison.meetings.api import MeetingViewSet
from liaison.meetings.models import Attendance, MeetingSeries

from .factories import SeriesFactory
from .test_api import api
from .test_pages import EN, login, series_form

pytestmark = pytest.mark.django_db

#: 信息科 organizes, 沈院长 chairs, 周药师 records; 门诊部's head is invited with his
#: department; 朱督查 is the supervision office, 魏书记 a leader of other departments.
DRAFT_READERS = {"xxk_head", "xxk_liaison", "president", "yjk_head", "office", "vp"}
APPROVED_ONLY = {"mzb_head", "mzb_staff", "xxk_staff", "supervisor", "secretary"}
NEVER_UNLESS_OPEN = {"outsider", "zwk_staff", "bwk_liaison"}


def make_series(h, room, **kwargs):
    return SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
        **kwargs,
    )


@pytest.fixture
def meeting(h, room):
    """During the first meeting of the series, with draft minutes recorded by 周药师."""
    meeting = make_series(h, room).meetings.order_by("start").first()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=30), tick=False):
        services.save_minutes(
            meeting,
            h.p["xxk_head"],
            services.MinutesInput(summary="会议讨论了门诊叫号系统。", recorder=h.p["yjk_head"]),
        )
        yield meeting


def readers(h, meeting) -> set[str]:
    minutes = selectors.minutes_of(meeting)
    return {key for key, person in h.p.items() if policy.may_read_minutes(person, meeting, minutes)}


def approve(h, meeting):
    services.approve_minutes(meeting, h.p["president"])
    meeting.refresh_from_db()


def test_draft_minutes_are_for_the_organizers_the_recorder_and_the_chair(h, meeting):
    found = readers(h, meeting)
    assert found >= DRAFT_READERS
    assert not found & (APPROVED_ONLY | NEVER_UNLESS_OPEN)


def test_approved_minutes_are_also_for_the_invited_the_offices_and_the_leaders(h, meeting):
    approve(h, meeting)
    found = readers(h, meeting)
    assert found >= DRAFT_READERS | APPROVED_ONLY
    assert not found & NEVER_UNLESS_OPEN


def test_a_substitute_the_minutes_were_sent_to_reads_them(h, meeting):
    services.record_attendance(
        meeting,
        h.p["xxk_head"],
        [services.PresenceInput(h.p["mzb_head"], "substituted", substitute=h.p["outsider"])],
    )
    assert "outsider" not in readers(h, meeting)
    approve(h, meeting)
    assert "outsider" in readers(h, meeting)


def test_an_open_series_shares_approved_minutes_with_the_whole_organization(h, room):
    meeting = make_series(h, room, minutes_open_to_organization=True).meetings.first()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=30), tick=False):
        services.save_minutes(meeting, h.p["xxk_head"], services.MinutesInput(summary="纪要"))
        assert "outsider" not in readers(h, meeting)  # a draft stays with its writers
        approve(h, meeting)
    assert set(h.p) == readers(h, meeting)
    stranger = build_hospital("h2").p["president"]
    assert not policy.may_read_minutes(stranger, meeting, selectors.minutes_of(meeting))


def test_nobody_reads_minutes_that_are_not_written(h, room):
    meeting = make_series(h, room).meetings.first()
    assert not policy.may_read_minutes(h.p["president"], meeting, None)


def test_the_page_hides_draft_minutes_from_the_invited(client, h, meeting):
    html = login(client, h.p["mzb_head"]).get(f"/meetings/{meeting.pk}/", **EN).content.decode()
    assert 'data-testid="minutes-hidden"' in html
    assert "会议讨论了门诊叫号系统。" not in html and 'data-testid="minutes-print"' not in html
    html = login(client, h.p["yjk_head"]).get(f"/meetings/{meeting.pk}/", **EN).content.decode()
    assert "会议讨论了门诊叫号系统。" in html and 'data-testid="minutes-hidden"' not in html


def test_print_view_and_word_file_follow_the_rule(client, h, meeting):
    print_url, docx_url = (
        f"/meetings/{meeting.pk}/minutes/print/",
        f"/meetings/{meeting.pk}/minutes.docx",
    )
    login(client, h.p["mzb_head"])
    assert client.get(print_url).status_code == 404
    assert client.get(docx_url).status_code == 404
    approve(h, meeting)
    assert client.get(print_url).status_code == 200
    assert client.get(docx_url).status_code == 200
    login(client, h.p["outsider"])
    assert client.get(print_url).status_code == 404
    assert client.get(docx_url).status_code == 404


def test_the_api_answers_404_for_minutes_one_may_not_read(h, meeting):
    url = f"/api/v1/meetings/{meeting.pk}/minutes/"
    response = api(h.p["mzb_head"]).get(url)
    assert response.status_code == 404 and response.data["detail"]
    assert api(h.p["yjk_head"]).get(url).data["summary"] == "会议讨论了门诊叫号系统。"
    approve(h, meeting)
    assert api(h.p["mzb_head"]).get(url).status_code == 200
    assert api(h.p["outsider"]).get(url).status_code == 404
    # Writing stays with the organizers and the recorder: refused, not hidden.
    assert api(h.p["outsider"]).put(url, {"summary": "x"}, format="json").status_code == 403


def test_the_agenda_carries_the_previous_decisions_only_for_their_readers(h, meeting):
    services.save_minutes(
        meeting,
        h.p["xxk_head"],
        services.MinutesInput(
            summary="纪要",
            decisions=(
                services.DecisionInput(
                    "更换叫号服务器",
                    h.d["XXK"],
                    h.p["xxk_staff"],
                    timezone.localdate() + datetime.timedelta(days=20),
                ),
            ),
        ),
    )
    approve(h, meeting)
    following = meeting.series.meetings.filter(start__gt=meeting.start).order_by("start").first()
    assert len(selectors.carried_actions(following, h.p["mzb_head"])[1]) == 1
    assert selectors.carried_actions(following, h.p["outsider"]) == (None, [])


def test_the_browsable_api_shows_the_minutes(h, meeting, monkeypatch):
    monkeypatch.setattr(MeetingViewSet, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    client = api(h.p["president"])
    for what in ("minutes", "agenda", "attendance"):
        response = client.get(f"/api/v1/meetings/{meeting.pk}/{what}/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200, what
        assert response["Content-Type"].startswith("text/html")
    html = client.get(f"/api/v1/meetings/{meeting.pk}/minutes/", HTTP_ACCEPT="text/html")
    assert "会议讨论了门诊叫号系统。" in html.content.decode()


# The series setting.


def test_the_api_opens_a_series_minutes_to_the_organization(h, room):
    series = make_series(h, room)
    assert (
        api(h.p["xxk_head"])
        .get(f"/api/v1/meeting-series/{series.pk}/")
        .data["minutes_open_to_organization"]
        is False
    )
    response = api(h.p["xxk_head"]).patch(
        f"/api/v1/meeting-series/{series.pk}/",
        {"minutes_open_to_organization": True},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["minutes_open_to_organization"] is True
    series.refresh_from_db()
    assert series.minutes_open_to_organization
    change = series.events.order_by("-pk").first().data["changes"]
    assert change["minutes_open_to_organization"] == [False, True]


def test_the_series_form_and_page_show_the_setting(client, h, room):
    login(client, h.p["xxk_liaison"])
    response = client.post(
        "/meetings/series/new/", series_form(h, room, minutes_open_to_organization="on"), **EN
    )
    assert response.status_code == 302
    series = MeetingSeries.objects.get(title="医疗质量专项工作会")
    assert series.minutes_open_to_organization
    html = client.get(response["Location"], **EN).content.decode()
    assert 'data-testid="minutes-readers" data-open="1"' in html
    response = client.post(f"/meetings/series/{series.pk}/edit/", series_form(h, room), **EN)
    assert response.status_code == 302
    series.refresh_from_db()
    assert not series.minutes_open_to_organization

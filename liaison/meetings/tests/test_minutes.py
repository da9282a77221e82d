"""Attendance and minutes (会议纪要): the recorder writes, the chair approves, every
decision becomes a matter dispatched to its owner with its responsible person and due
date and on their to-do list, the meeting is held, the minutes are archived and sent
with read receipts; the DOCX export read back with python-docx."""

import datetime
import io

import docx
import pytest
import time_machine
from django.utils import timezone, translation

from liaison.inbox.models import Ask, Notification
from liaison.matters import selectors as matter_selectors
from liaison.matters.models import State
from liaison.matters.services import InvalidInput, NotAllowed, WrongState
from liaison.meetings import minutes_docx, selectors, services
from liaison.meetings.models import (
    Attendance,
    EventType,
    MeetingState,
    MinutesReceipt,
    MinutesState,
    Presence,
)

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(h, room):
    """信息科's meeting with 门诊部 (heads), chaired by 沈院长; we are during it."""
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )
    meeting = series.meetings.order_by("start").first()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=30), tick=False):
        yield meeting


def decision(h, title="更换叫号服务器", department="XXK", person="xxk_staff", days=14):
    return services.DecisionInput(
        title, h.d[department], h.p[person], timezone.localdate() + datetime.timedelta(days)
    )


def write(meeting, person, *decisions, summary="会议讨论了门诊叫号系统。", recorder=None):
    return services.save_minutes(
        meeting,
        person,
        services.MinutesInput(summary=summary, recorder=recorder, decisions=tuple(decisions)),
    )


def test_attendance_records_present_absent_with_reason_and_substitute(h, meeting):
    P = services.PresenceInput
    services.record_attendance(
        meeting,
        h.p["xxk_head"],
        [
            P(h.p["president"], Presence.PRESENT),
            P(h.p["xxk_liaison"], Presence.ABSENT, reason="外出培训"),
            P(h.p["mzb_head"], Presence.SUBSTITUTED, substitute=h.p["mzb_liaison"]),
        ],
    )
    records = {r.person.user.username[3:]: r for r in meeting.attendance.all()}
    assert records["president"].presence == Presence.PRESENT
    assert records["xxk_liaison"].reason == "外出培训"
    assert records["mzb_head"].substitute == h.p["mzb_liaison"]
    assert meeting.events.filter(type=EventType.ATTENDANCE).count() == 1


def test_attendance_refuses_an_absence_without_reason_and_strangers(h, meeting):
    P = services.PresenceInput
    with pytest.raises(InvalidInput, match="why"):
        services.record_attendance(meeting, h.p["xxk_head"], [P(h.p["mzb_head"], "absent")])
    with pytest.raises(InvalidInput, match="not expected"):
        services.record_attendance(meeting, h.p["xxk_head"], [P(h.p["outsider"], "present")])
    with pytest.raises(NotAllowed):
        services.record_attendance(meeting, h.p["mzb_head"], [P(h.p["mzb_head"], "present")])


def test_attendance_waits_for_the_meeting_to_begin(h, meeting):
    early = meeting.start - datetime.timedelta(days=1)
    with time_machine.travel(early), pytest.raises(WrongState, match="begins"):
        services.record_attendance(
            meeting, h.p["xxk_head"], [services.PresenceInput(h.p["mzb_head"], "present")]
        )


def test_the_organizer_names_the_recorder_who_then_writes(h, meeting):
    minutes = write(meeting, h.p["xxk_head"], recorder=h.p["xxk_staff"])
    assert minutes.recorder == h.p["xxk_staff"]
    minutes = write(meeting, h.p["xxk_staff"], decision(h), summary="改过的纪要")
    assert minutes.summary == "改过的纪要" and minutes.decisions.count() == 1
    with pytest.raises(NotAllowed):
        write(meeting, h.p["mzb_head"])


def test_a_decision_needs_owner_responsible_of_it_and_due(h, meeting):
    with pytest.raises(InvalidInput, match="responsible person of 信息科"):
        write(meeting, h.p["xxk_head"], decision(h, person="mzb_head"))
    with pytest.raises(InvalidInput, match="past"):
        write(meeting, h.p["xxk_head"], decision(h, days=-1))


def test_approval_turns_each_decision_into_a_matter_on_its_owners_list(h, meeting):
    write(
        meeting,
        h.p["xxk_head"],
        decision(h),
        decision(h, "导诊台增加叫号屏", "MZB", "mzb_liaison", 30),
    )
    minutes = services.approve_minutes(meeting, h.p["president"])
    meeting.refresh_from_db()
    minutes.refresh_from_db()
    assert meeting.state == MeetingState.HELD
    assert minutes.state == MinutesState.APPROVED and minutes.approved_by == h.p["president"]
    first, second = minutes.decisions.select_related("matter")
    for row, owner, person, days in (
        (first, "XXK", "xxk_staff", 14),
        (second, "MZB", "mzb_liaison", 30),
    ):
        matter = row.matter
        assert matter.state == State.DISPATCHED
        assert matter.lead_department == h.d[owner] and matter.owner_department == h.d[owner]
        assert matter.responsible_person == h.p[person]
        assert matter.due == timezone.localdate() + datetime.timedelta(days)
        assert matter.originator == h.p["president"]
        # A link to the minutes (the description is Markdown), not a bare path.
        assert f"see [the minutes]({services.meeting_url(meeting)})." in matter.description
        assert matter in matter_selectors.todo(h.p[person])
    event = meeting.events.get(type=EventType.MINUTES_APPROVED)
    assert event.data["matters"] == [first.matter.number, second.matter.number]
    # Sent straight to the owners: the coordinating office has nothing to dispatch.
    assert not Notification.objects.filter(ask=Ask.DISPATCH).exists()
    assert Notification.objects.filter(ask=Ask.ACCEPT, recipient=h.p["mzb_liaison"]).exists()


def test_only_the_chair_approves_and_approved_minutes_are_archived(h, meeting):
    write(meeting, h.p["xxk_head"], decision(h))
    with pytest.raises(NotAllowed, match="chair"):
        services.approve_minutes(meeting, h.p["xxk_head"])
    services.approve_minutes(meeting, h.p["president"])
    with pytest.raises(WrongState, match="archived"):
        write(meeting, h.p["xxk_head"], decision(h))
    with pytest.raises(WrongState):
        services.approve_minutes(meeting, h.p["president"])


def test_there_is_nothing_to_approve_before_the_minutes_are_written(h, meeting):
    with pytest.raises(WrongState, match="no minutes"):
        services.approve_minutes(meeting, h.p["president"])


def test_approved_minutes_are_sent_with_read_receipts(h, meeting):
    services.record_attendance(
        meeting,
        h.p["xxk_head"],
        [
            services.PresenceInput(
                h.p["mzb_head"], Presence.SUBSTITUTED, substitute=h.p["mzb_staff"]
            )
        ],
    )
    write(meeting, h.p["xxk_head"], decision(h))
    minutes = services.approve_minutes(meeting, h.p["president"])
    receivers = set(minutes.receipts.values_list("person__user__username", flat=True))
    assert {"h1-xxk_head", "h1-xxk_liaison", "h1-mzb_head", "h1-mzb_staff"} <= receivers
    assert "h1-president" not in receivers  # who approved them has read them
    assert Notification.objects.filter(
        recipient=h.p["mzb_staff"], url=services.meeting_url(meeting)
    ).exists()
    assert services.read_minutes(meeting, h.p["mzb_staff"]) is True
    assert services.read_minutes(meeting, h.p["mzb_staff"]) is False  # once
    receipt = MinutesReceipt.objects.get(minutes=minutes, person=h.p["mzb_staff"])
    assert receipt.read_at == timezone.now()
    assert [r.person for r in selectors.receipts_of(minutes) if r.read_at] == [h.p["mzb_staff"]]


def test_the_docx_has_the_official_layout_and_the_decisions(h, meeting):
    services.record_attendance(
        meeting,
        h.p["xxk_head"],
        [
            services.PresenceInput(h.p["president"], Presence.PRESENT),
            services.PresenceInput(h.p["mzb_head"], Presence.ABSENT, reason="门诊值班"),
        ],
    )
    write(meeting, h.p["xxk_head"], decision(h), recorder=h.p["xxk_liaison"])
    minutes = services.approve_minutes(meeting, h.p["president"])
    document = docx.Document(io.BytesIO(minutes_docx.render(meeting, minutes, h.p["president"])))
    paragraphs = [p for p in document.paragraphs if p.text]
    title = paragraphs[0]
    assert meeting.headline in title.text and title.alignment == 1  # centred
    run = title.runs[0]
    assert run.font.size.pt == 22
    assert run._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == ("方正小标宋简体")
    text = "\n".join(p.text for p in paragraphs)
    assert "沈院长" in text and "钱联络" in text  # chair and recorder
    assert "王门诊 (门诊值班)" in text  # absent, with the reason, bracketed as English writes
    matter = minutes.decisions.get().matter
    assert "1. 更换叫号服务器" in text and "信息科" in text and matter.number in text
    body = paragraphs[-1].runs[0]
    assert body._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    ) == ("仿宋_GB2312")


def test_the_docx_writes_dates_as_the_print_view_does_in_chinese(h, meeting, client):
    due = datetime.date(timezone.localdate().year + 1, 3, 6)  # no leading zeros: 3月6日
    chosen = services.DecisionInput("更换叫号服务器", h.d["XXK"], h.p["xxk_staff"], due)
    write(meeting, h.p["xxk_head"], chosen)
    minutes = services.approve_minutes(meeting, h.p["president"])
    start = timezone.localtime(meeting.start)
    approved = timezone.localtime(minutes.approved_at)
    expected = [
        f"{start.year}年{start.month}月{start.day}日 {start:%H:%M}–",
        f"{due.year}年3月6日",
        f"{approved.year}年{approved.month}月{approved.day}日",
    ]
    with translation.override("zh-hans"):
        rendered = minutes_docx.render(meeting, minutes, h.p["president"])
    document = docx.Document(io.BytesIO(rendered))
    text = "\n".join(p.text for p in document.paragraphs)
    client.force_login(h.p["president"].user)
    printed = client.get(f"/meetings/{meeting.pk}/minutes/print/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert printed.status_code == 200
    for date_text in expected:
        assert date_text in text
        assert date_text in printed.content.decode()


def test_the_print_view_lists_people_as_the_reader_writes(client, h, meeting):
    services.record_attendance(
        meeting,
        h.p["xxk_head"],
        [
            services.PresenceInput(h.p["president"], Presence.PRESENT),
            services.PresenceInput(h.p["mzb_head"], Presence.ABSENT, reason="门诊值班"),
        ],
    )
    write(meeting, h.p["xxk_head"], decision(h), recorder=h.p["xxk_liaison"])
    services.approve_minutes(meeting, h.p["president"])
    client.force_login(h.p["president"].user)
    url = f"/meetings/{meeting.pk}/minutes/print/"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "王门诊 (门诊值班)" in english and "（" not in english

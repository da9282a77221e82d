"""Work is never lost on the meeting page: a refused save of the minutes, the attendance
or an agenda item shows the form again as typed, the refusal next to its row or field;
the agenda form is offered only to who may propose (the others are told why); approving
the minutes first says what will happen."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from liaison.meetings.models import AttendanceRecord, Minutes

from .test_pages import EN, login, messages_of, page

pytestmark = pytest.mark.django_db


def url(meeting, suffix: str = "") -> str:
    return f"/meetings/{meeting.pk}/{suffix}"


def rows(html: str, testid: str) -> list[str]:
    return re.findall(rf'<tr data-testid="{testid}".*?</tr>', html, re.S)


def selected(row: str, name: str) -> str:
    """The chosen option of the select `name` in this row ("" for none)."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', row, re.S).group(0)
    chosen = re.search(r'<option[^>]* value="([^"]*)" selected>', select)
    return chosen.group(1) if chosen else ""


def test_a_refused_minutes_save_keeps_the_summary_and_every_decision_row(client, h, meeting):
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        response = login(client, h.p["xxk_head"]).post(
            url(meeting, "minutes/"),
            {
                "summary": "会议研究了门诊叫号系统改造。",
                "recorder": h.p["xxk_liaison"].pk,
                "decision_title": ["更换叫号服务器", "药剂科提交接口需求", ""],
                "decision_detail": ["先做预算", "", ""],
                "decision_owner": [h.d["XXK"].pk, h.d["YJK"].pk, ""],
                # The second row's responsible person works in 信息科, not 药剂科.
                "decision_responsible": [h.p["xxk_staff"].pk, h.p["xxk_staff"].pk, ""],
                "decision_due": [due, due, ""],
            },
            **EN,
        )
    assert response.status_code == 200
    assert not Minutes.objects.filter(meeting=meeting).exists()
    html = response.content.decode()
    assert "会议研究了门诊叫号系统改造。</textarea>" in html
    assert selected(html, "recorder") == str(h.p["xxk_liaison"].pk)
    first, second, blank = rows(html, "decision-row")
    assert 'value="更换叫号服务器"' in first and 'value="先做预算"' in first
    assert selected(first, "decision_owner") == str(h.d["XXK"].pk)
    assert selected(first, "decision_responsible") == str(h.p["xxk_staff"].pk)
    assert f'value="{due}"' in first and 'data-testid="decision-error"' not in first
    assert 'value="药剂科提交接口需求"' in second
    assert selected(second, "decision_owner") == str(h.d["YJK"].pk)
    assert selected(second, "decision_responsible") == str(h.p["xxk_staff"].pk)
    error = "Decision 2: choose a responsible person of 药剂科."
    assert 'data-error="responsible"' in second and error in second
    assert 'value=""' in blank and "data-error" not in blank  # a row to add one more
    assert error in messages_of(response)


def test_a_refused_summary_is_shown_next_to_it_with_the_rows_kept(client, h, meeting):
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        response = login(client, h.p["xxk_head"]).post(
            url(meeting, "minutes/"),
            {
                "summary": "  ",
                "decision_title": ["更换叫号服务器"],
                "decision_detail": [""],
                "decision_owner": [h.d["XXK"].pk],
                "decision_responsible": [""],
                "decision_due": [""],
            },
            **EN,
        )
    html = response.content.decode()
    summary = re.search(
        r'<textarea[^>]*name="summary".*?</textarea>\s*<div[^>]*>[^<]*</div>', html, re.S
    )
    assert "is-invalid" in summary.group(0)
    assert "Write the summary of the meeting." in summary.group(0)
    (row, _blank) = rows(html, "decision-row")
    assert 'value="更换叫号服务器"' in row and selected(row, "decision_owner") == str(h.d["XXK"].pk)


def test_a_refused_attendance_keeps_every_choice_and_names_the_row(client, h, meeting):
    absent, came, substituted = h.p["xxk_liaison"], h.p["president"], h.p["mzb_head"]
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        response = login(client, h.p["xxk_head"]).post(
            url(meeting, "attendance/"),
            {
                f"presence_{came.pk}": "present",
                f"presence_{absent.pk}": "absent",  # no reason given
                f"reason_{absent.pk}": "",
                f"presence_{substituted.pk}": "substituted",
                f"substitute_{substituted.pk}": h.p["mzb_liaison"].pk,
            },
            **EN,
        )
    assert response.status_code == 200
    assert not AttendanceRecord.objects.filter(meeting=meeting).exists()
    html = response.content.decode()
    by_person = {
        int(re.search(r'data-person="(\d+)"', row).group(1)): row
        for row in rows(html, "attendance-row")
    }
    assert selected(by_person[came.pk], f"presence_{came.pk}") == "present"
    assert selected(by_person[absent.pk], f"presence_{absent.pk}") == "absent"
    assert selected(by_person[substituted.pk], f"presence_{substituted.pk}") == "substituted"
    assert selected(by_person[substituted.pk], f"substitute_{substituted.pk}") == str(
        h.p["mzb_liaison"].pk
    )
    error = f"Say why {absent.name} was absent."
    assert error in by_person[absent.pk] and "is-invalid" in by_person[absent.pk]
    assert error not in by_person[came.pk]


def test_a_refused_agenda_item_keeps_its_text_and_shows_the_refusal_at_its_field(
    client, h, meeting
):
    typed = {
        "title": "门诊叫号系统改造",
        "description": "叫号屏与分诊台联动",
        "matter": "XT-2099-999999",
        "minutes": "20",
    }
    response = login(client, h.p["mzb_head"]).post(url(meeting, "agenda/"), typed, **EN)
    assert response.status_code == 200 and not meeting.agenda.exists()
    html = response.content.decode()
    form = re.search(r'data-testid="form-propose".*?</form>', html, re.S).group(0)
    assert 'value="门诊叫号系统改造"' in form and "叫号屏与分诊台联动</textarea>" in form
    assert 'value="20"' in form
    matter = re.search(r'id="new-item-matter".*?</div>\s*</div>', form, re.S).group(0)
    assert "No matter XT-2099-999999 that you can see." in matter
    assert "<details open>" in html

    # A field the form itself refuses keeps the text the same way.
    response = client.post(url(meeting, "agenda/"), {**typed, "matter": "", "minutes": "0"}, **EN)
    form = re.search(r'data-testid="form-propose".*?</form>', response.content.decode(), re.S)
    assert 'value="门诊叫号系统改造"' in form.group(0) and "invalid-feedback" in form.group(0)
    assert not meeting.agenda.exists()


def test_the_agenda_form_is_only_for_who_may_propose_and_the_others_are_told_why(
    client, h, meeting
):
    invited = page(login(client, h.p["mzb_head"]), url(meeting))
    assert 'data-testid="form-propose"' in invited
    assert 'data-testid="propose-refusal"' not in invited

    uninvited = page(login(client, h.p["yjk_head"]), url(meeting))
    assert 'data-testid="form-propose"' not in uninvited
    assert "Only the departments and people invited to this meeting propose" in uninvited

    with time_machine.travel(meeting.cutoff + datetime.timedelta(minutes=1)):
        late = page(login(client, h.p["mzb_head"]), url(meeting))
        organizer = page(login(client, h.p["xxk_head"]), url(meeting))
    assert 'data-testid="form-propose"' not in late
    assert "The agenda is closed for proposals" in late
    assert 'data-testid="form-propose"' in organizer  # the organizers may still add items


def test_approving_the_minutes_first_says_what_will_happen(client, h, meeting):
    due = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        login(client, h.p["xxk_head"]).post(
            url(meeting, "minutes/"),
            {
                "summary": "纪要",
                "decision_title": ["更换叫号服务器", "门诊导诊培训"],
                "decision_detail": ["", ""],
                "decision_owner": [h.d["XXK"].pk, h.d["MZB"].pk],
                "decision_responsible": [h.p["xxk_staff"].pk, h.p["mzb_staff"].pk],
                "decision_due": [due, due],
            },
            **EN,
        )
        html = page(login(client, h.p["president"]), url(meeting))
    # The button opens the confirmation; only the confirmation's form approves.
    button = re.search(r'<button[^>]*data-testid="approve-minutes"[^>]*>', html).group(0)
    assert 'type="button"' in button and 'data-bs-target="#minutes-approve"' in button
    confirm = re.search(r'id="minutes-approve".*?</form>', html, re.S).group(0)
    assert f'action="{url(meeting, "minutes/approve/")}"' in confirm
    assert "archived and can no longer be changed" in confirm
    assert "2 decisions become matters dispatched to 信息科, 门诊部" in confirm
    assert 'data-testid="do-approve-minutes"' in confirm
    assert Minutes.objects.get(meeting=meeting).state == "draft"


def test_who_may_not_record_is_refused_and_sees_the_attendance_as_recorded(client, h, meeting):
    came = h.p["president"]
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=60), tick=False):
        login(client, h.p["xxk_head"]).post(
            url(meeting, "attendance/"), {f"presence_{came.pk}": "present"}, **EN
        )
        response = login(client, h.p["mzb_head"]).post(
            url(meeting, "attendance/"), {f"presence_{came.pk}": "absent"}, follow=True, **EN
        )
    assert any("record it" in m for m in messages_of(response))
    (row,) = [r for r in rows(response.content.decode(), "attendance-row") if f'"{came.pk}"' in r]
    assert 'data-presence="present"' in row
    assert AttendanceRecord.objects.get(meeting=meeting, person=came).presence == "present"

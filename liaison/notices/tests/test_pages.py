import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from liaison.inbox.models import Ask, Notification
from liaison.matters.tests.factories import PASSWORD
from liaison.notices import services
from liaison.notices.models import Notice, NoticeState, Receipt

from .factories import publish


@pytest.fixture
def login(client, h):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def as_(key):
        client.logout()
        assert client.login(username=h.p[key].user.username, password=PASSWORD)
        return client

    return as_


def test_writing_and_publishing_a_notice_from_the_form(h, login):
    client = login("office_head")
    page = client.get(reverse("notices:new"))
    assert page.status_code == 200
    upload = SimpleUploadedFile("自查表.docx", b"PK\x03\x04", content_type="application/msword")
    response = client.post(
        reverse("notices:new"),
        {
            "kind": "task_deployment",
            "title": "关于开展院感自查的通知",
            "body": "请各科室完成自查。",
            "author_department": h.d["YB"].pk,
            "departments": [h.d["XXK"].pk, h.d["YJK"].pk],
            "require_read": "on",
            "require_action": "on",
            "action_due": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
            "attachments": [upload],
            "publish": "1",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    assert notice.state == NoticeState.PUBLISHED
    assert notice.attachments.get().original_name == "自查表.docx"
    assert notice.relays.exclude(matter=None).count() == 2
    detail = client.get(response["Location"])
    assert "Who has read it" in detail.content.decode()
    assert detail.content.decode().count('data-testid="stats-row"') == 2


def test_a_form_without_audience_is_refused_and_keeps_what_was_typed(h, login):
    client = login("office_head")
    response = client.post(
        reverse("notices:new"),
        {"kind": "notice", "title": "无对象的通知", "author_department": h.d["YB"].pk},
    )
    assert response.status_code == 200
    assert "Choose whom it is for" in response.content.decode()
    assert "无对象的通知" in response.content.decode()
    assert not Notice.objects.exists()


def test_staff_saving_a_draft_may_not_publish_it(h, login):
    client = login("xxk_staff")
    response = client.post(
        reverse("notices:new"),
        {
            "kind": "notice",
            "title": "系统升级通知",
            "author_department": h.d["XXK"].pk,
            "departments": [h.d["MZB"].pk],
            "publish": "1",
        },
        follow=True,
    )
    notice = Notice.objects.get()
    assert notice.state == NoticeState.DRAFT
    assert "Saved as a draft, not published" in response.content.decode()


def test_the_liaison_relays_staff_read_and_the_statistics_follow(h, login):
    notice = publish(h)
    staff = login("xxk_staff")
    assert staff.get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    liaison = login("xxk_liaison")
    desk = liaison.get(reverse("notices:desk"))
    assert notice.title in desk.content.decode()
    response = liaison.post(
        reverse("notices:relay", args=[notice.pk]),
        {"department": h.d["XXK"].pk, "note": "请尽快阅读", "next": reverse("notices:desk")},
    )
    assert response["Location"] == reverse("notices:desk")
    staff = login("xxk_staff")
    listing = staff.get(reverse("notices:list"))
    assert 'data-testid="unread-badge"' in listing.content.decode()
    page = staff.get(reverse("notices:detail", args=[notice.pk]))
    assert page.status_code == 200 and "请尽快阅读" not in page.content.decode()
    assert Receipt.objects.get(notice=notice, person=h.p["xxk_staff"]).read_via == "page"
    assert 'data-testid="notice-stats"' not in page.content.decode()  # staff see no stats
    office = login("office_head")
    stats = office.get(reverse("notices:stats", args=[notice.pk])).content.decode()
    assert "1 of 4 read" in stats  # XXK: head, deputy, liaison, staff
    assert "not relayed yet" in stats


def test_reminding_from_the_page(h, login):
    notice = publish(h)
    client = login("office_head")
    response = client.post(
        reverse("notices:remind", args=[notice.pk]), {"department": h.d["YJK"].pk}, follow=True
    )
    # Whom it reached in plain words, without "(s)", groups nobody was in left out.
    reached = re.search(r"Reminded ([^<]*)\.", response.content.decode()).group(1)
    assert re.fullmatch(
        r"(1 person who has|[2-9]\d* people who have) not read it and 1 liaison officer", reached
    ), reached
    assert Notification.objects.filter(
        recipient=h.p["yjk_liaison"], ask=Ask.RELAY, title__startswith="Reminder"
    ).exists()
    again = client.post(
        reverse("notices:remind", args=[notice.pk]), {"department": h.d["YJK"].pk}, follow=True
    )
    assert "Nobody needed a reminder just now" in again.content.decode()


def test_withdrawing_needs_a_reason(h, login):
    notice = publish(h)
    client = login("office_head")
    refused = client.post(
        reverse("notices:withdraw", args=[notice.pk]), {"reason": ""}, follow=True
    )
    assert "Say why" in refused.content.decode()
    client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "重复发送"})
    notice.refresh_from_db()
    assert notice.state == NoticeState.WITHDRAWN


def test_others_cannot_manage_or_download(h, login):
    notice = services.create_notice(
        h.p["office_head"],
        services.NoticeInput(
            title="附件通知", author_department=h.d["YB"], people=(h.p["xxk_head"],)
        ),
        attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")],
        publish=True,
    )
    attachment = notice.attachments.get()
    reader = login("xxk_head")
    assert reader.get(reverse("notices:attachment", args=[attachment.pk])).status_code == 200
    assert (
        reader.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "x"}).status_code
        == 302
    )
    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    outsider = login("outsider")
    assert outsider.get(reverse("notices:attachment", args=[attachment.pk])).status_code == 404
    assert outsider.get(reverse("notices:stats", args=[notice.pk])).status_code == 404


def test_reporting_from_the_liaison_desk(h, login):
    client = login("zwk_liaison")
    response = client.post(
        reverse("notices:desk"),
        {"department": h.d["ZWK"].pk, "title": "食堂排队时间过长", "description": "午餐高峰"},
        follow=True,
    )
    assert "the coordinating office dispatches it" in response.content.decode()
    assert "食堂排队时间过长" in response.content.decode()
    staff = login("zwk_staff")
    assert "You hold neither position" in staff.get(reverse("notices:desk")).content.decode()


def test_the_lists(h, login):
    publish(h, title="第一条")
    services.create_notice(
        h.p["office_head"],
        services.NoticeInput(title="草稿一则", author_department=h.d["YB"], to_everyone=True),
    )
    client = login("office_head")
    issued = client.get(reverse("notices:list") + "?tab=issued").content.decode()
    assert "第一条" in issued and "0 of" in issued
    drafts = client.get(reverse("notices:list") + "?tab=drafts").content.decode()
    assert "草稿一则" in drafts and "第一条" not in drafts
    head = login("xxk_head")
    mine = head.get(reverse("notices:list")).content.decode()
    assert "第一条" in mine and "草稿一则" not in mine


def test_publishing_a_draft_asks_first_saying_whom_it_reaches(h, login):
    data = services.NoticeInput(
        title="关于开展院感自查的通知",
        body="各科室于本周五前完成自查。",
        author_department=h.d["YB"],
        departments=(h.d["XXK"], h.d["YJK"]),
    )
    draft = services.create_notice(h.p["office_head"], data)
    departments, people = services.reach_counts(draft)

    page = login("office_head").get(reverse("notices:detail", args=[draft.pk])).content.decode()

    assert departments == 2 and people > 0
    confirmation = page.split('data-testid="publish-confirmation"', 1)[1].split("</form>", 1)[0]
    assert f"to {departments} departments." in confirmation
    assert f"That is {people} people in all." in confirmation
    assert "only withdrawn" in confirmation
    assert 'data-testid="publish"' in confirmation  # the only publishing button is in it
    assert page.count('data-testid="publish"') == 1
    assert Notice.objects.get(pk=draft.pk).state == NoticeState.DRAFT


def test_a_program_renamed_as_a_pdf_is_refused_and_the_form_kept(h, login, settings):
    settings.MATTER_ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    client = login("office_head")
    form = client.get(reverse("notices:new")).content.decode()
    assert 'data-max-bytes="5242880"' in form  # the browser refuses larger files first
    assert 'data-local-draft="notice"' in form

    response = client.post(
        reverse("notices:new"),
        {
            "kind": "notice",
            "title": "关于开展院感自查的通知",
            "body": "请各科室完成自查。",
            "author_department": h.d["YB"].pk,
            "departments": [h.d["XXK"].pk],
            "attachments": [SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 60)],
            "publish": "1",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "report.pdf is not really a .pdf file" in page
    assert "请各科室完成自查。" in page
    assert not Notice.objects.exists()

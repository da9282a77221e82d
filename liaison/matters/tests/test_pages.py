"""The matter pages through the test client, in Chinese (default) and English: the
to-do, raising a matter, every action from the matter page, attachments, the chain view,
the ledger export and the inbox.

The demo hospital is built once for the module inside a transaction that is rolled back
at the end; each test runs in a savepoint of it (so tests stay independent and fast).
"""

import datetime
import io
from types import SimpleNamespace
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from liaison.inbox.models import Notification
from liaison.matters import services
from liaison.matters.chain import build_chain
from liaison.matters.models import Attachment, Matter, MatterEvent, MatterKind, State
from liaison.matters.services import MatterInput
from liaison.org.demo import build_demo_hospital
from liaison.org.models import Department, Person
from liaison.org.roles import default_responsible

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(scope="module")
def hospital(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_demo_hospital()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def person(username: str) -> Person:
    return Person.objects.select_related("user", "organization").get(user__username=username)


def dept(code: str) -> Department:
    return Department.objects.get(organization__code="demo", code=code)


def head_of(code: str) -> Person:
    return default_responsible(dept(code))


def login(client, who: Person | str):
    who = person(who) if isinstance(who, str) else who
    client.force_login(who.user)
    return who


def raise_matter(title="药房叫号系统故障", submit=True, **fields) -> Matter:
    kind = MatterKind.objects.get(organization__code="demo", code="coordination")
    return services.create_matter(
        person("lianluo"), MatterInput(title=title, kind=kind, **fields), submit=submit
    )


def dispatched(title="药房叫号系统故障", co=("MZB",)) -> Matter:
    matter = raise_matter(title)
    return services.dispatch(
        matter, person("yuanban"), lead=dept("XXK"), co_departments=[dept(c) for c in co]
    )


def act(client, matter, action, data=None, **extra):
    """Post an action from the matter page, follow back to it, return the messages."""
    url = reverse("matters:act", args=[matter.pk, action])
    response = client.post(url, data or {}, follow=True, **extra)
    assert response.redirect_chain[0][1] == 302, response.content[:500]
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def refused(client, matter, action, data=None, **extra) -> str:
    """Post an action that is refused: the page comes back (no redirect) with the reason."""
    url = reverse("matters:act", args=[matter.pk, action])
    response = client.post(url, data or {}, **extra)
    assert response.status_code in (400, 403, 409), response.status_code
    return response.context["failed_error"]


def refresh(matter) -> Matter:
    return Matter.objects.get(pk=matter.pk)


def page(client, url, **extra) -> str:
    response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# Rendering, languages and who sees what.


def test_pages_need_a_login(client, hospital):
    for url in (reverse("matters:todo"), reverse("matters:new"), reverse("inbox:list")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_pages_are_chinese_by_default_and_english_on_request(client, hospital):
    matter = dispatched()
    login(client, "yuanban")
    for url in (
        reverse("matters:todo"),
        reverse("matters:todo") + "?tab=raised",
        reverse("matters:todo") + "?tab=queue",
        reverse("matters:todo") + "?tab=all",
        reverse("matters:new"),
        reverse("matters:detail", args=[matter.pk]),
        reverse("inbox:list"),
    ):
        assert '<html lang="zh-hans">' in page(client, url)
        assert '<html lang="en">' in page(client, url, **EN)
    todo = page(client, reverse("matters:todo"), **EN)
    assert "My to-do" in todo and "All matters" in todo and "Raise a matter" in todo
    detail = page(client, reverse("matters:detail", args=[matter.pk]), **EN)
    for text in ("Who has it now", "Chain", "Timeline", "Co-organizers", "Still missing"):
        assert text in detail
    assert "Raise a matter" in page(client, reverse("matters:new"), **EN)
    assert "Inbox" in page(client, reverse("inbox:list"), **EN)


def test_the_all_matters_tab_is_for_offices_and_leaders_only(client, hospital):
    dispatched()
    login(client, "yuangong")
    todo = page(client, reverse("matters:todo") + "?tab=all", **EN)
    assert "All matters" not in todo and "Nothing waits on you." in todo
    for who in ("yuanban", "duchaban", "yuanzhang", "fuyuanzhang"):
        login(client, who)
        assert "All matters" in page(client, reverse("matters:todo"), **EN), who


def test_the_to_do_says_what_is_asked(client, hospital):
    matter = dispatched()
    login(client, "yuanban")
    # Raised: it waited at the office; now it waits on 信息科.
    assert matter.title not in page(client, reverse("matters:todo"), **EN)
    login(client, "zhuren")
    todo = page(client, reverse("matters:todo"), **EN)
    assert matter.title in todo and "Accept or return it" in todo
    login(client, head_of("MZB"))
    todo = page(client, reverse("matters:todo"), **EN)
    assert matter.title in todo and "Give your department&#x27;s part" in todo
    login(client, "lianluo")
    assert matter.title in page(client, reverse("matters:todo") + "?tab=raised", **EN)
    login(client, "zhuren")
    assert matter.title in page(client, reverse("matters:todo") + "?tab=queue", **EN)


def test_the_all_list_filters_and_answers_htmx_with_the_list_only(client, hospital):
    first = dispatched("门诊叫号屏黑屏")
    second = raise_matter("食堂排队太长")
    login(client, "yuanban")
    url = reverse("matters:todo")
    listing = page(client, url + "?tab=all&q=叫号")
    assert first.title in listing and second.title not in listing
    listing = page(client, url + "?tab=all&state=submitted")
    assert second.title in listing and first.title not in listing
    listing = page(client, url + "?tab=all&department=XXK&state=open")
    assert first.title in listing and second.title not in listing
    partial = page(
        client, url + "?tab=all&q=食堂", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="matter-list"
    )
    assert "<html" not in partial and second.title in partial
    # A bad date is ignored, not an error.
    assert second.title in page(client, url + "?tab=all&created_from=not-a-date")


def test_overdue_rows_are_marked(client, hospital):
    matter = dispatched()
    Matter.objects.filter(pk=matter.pk).update(
        next_deadline=timezone.now() - datetime.timedelta(days=2)
    )
    login(client, "zhuren")
    todo = page(client, reverse("matters:todo"), **EN)
    assert "matter-overdue" in todo and "overdue" in todo


def test_an_invisible_matter_is_404_page_action_and_attachment(client, hospital):
    matter = raise_matter()
    login(client, "lianluo")
    act(client, matter, "comment", {"text": "附件", "attachments": [pdf("说明.pdf")]})
    attachment = Attachment.objects.get(matter=matter)
    login(client, "yuangong")  # a nurse of 儿科: not a party
    assert client.get(reverse("matters:detail", args=[matter.pk])).status_code == 404
    assert client.get(reverse("matters:attachment", args=[attachment.pk])).status_code == 404
    response = client.post(reverse("matters:act", args=[matter.pk, "withdraw"]), {"reason": "x"})
    assert response.status_code == 404
    assert refresh(matter).state == State.SUBMITTED


# Raising a matter.


def test_the_raise_form_saves_a_draft_or_submits(client, hospital):
    login(client, "lianluo")
    kind = MatterKind.objects.get(organization__code="demo", code="coordination")
    form = page(client, reverse("matters:new"), **EN)
    assert "Save draft" in form and "药剂科" in form
    data = {
        "title": "药房自助机打印故障",
        "kind": kind.pk,
        "urgency": "urgent",
        "description": "**打印机**无法出票",
        "originator_department": dept("YJK").pk,
    }
    response = client.post(reverse("matters:new"), {**data, "intent": "draft"})
    draft = Matter.objects.get(title="药房自助机打印故障")
    assert response.status_code == 302 and draft.state == State.DRAFT
    detail = page(client, reverse("matters:detail", args=[draft.pk]), **EN)
    assert "<strong>打印机</strong>" in detail and "This is a draft" in detail
    assert act(client, draft, "submit", **EN)[0].startswith("Submitted")
    assert refresh(draft).state == State.SUBMITTED

    response = client.post(
        reverse("matters:new"),
        {**data, "title": "发药窗口排队", "intent": "submit", "co_departments": [dept("MZB").pk]},
    )
    submitted = Matter.objects.get(title="发药窗口排队")
    assert submitted.state == State.SUBMITTED and submitted.owner_department == dept("YB")

    response = client.post(
        reverse("matters:new"),
        {**data, "title": "处方系统升级", "intent": "submit", "lead_department": dept("XXK").pk},
    )
    direct = Matter.objects.get(title="处方系统升级")
    assert direct.state == State.DISPATCHED and direct.owner_department == dept("XXK")


def test_the_raise_form_refuses_html_and_svg_files_and_creates_nothing(client, hospital):
    login(client, "lianluo")
    kind = MatterKind.objects.get(organization__code="demo", code="coordination")
    for name, content in (
        ("页面.html", b"<script>alert(1)</script>"),
        ("图.svg", b"<svg onload='alert(1)'/>"),
    ):
        response = client.post(
            reverse("matters:new"),
            {
                "title": f"带附件 {name}",
                "kind": kind.pk,
                "urgency": "normal",
                "originator_department": dept("YJK").pk,
                "intent": "submit",
                "attachments": [SimpleUploadedFile(name, content, content_type="text/html")],
            },
            **EN,
        )
        assert response.status_code == 200
        assert "cannot be attached" in response.content.decode()
        assert not Matter.objects.filter(title=f"带附件 {name}").exists()


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def test_a_chinese_file_name_downloads_as_an_attachment(client, hospital):
    login(client, "lianluo")
    kind = MatterKind.objects.get(organization__code="demo", code="coordination")
    client.post(
        reverse("matters:new"),
        {
            "title": "附件测试",
            "kind": kind.pk,
            "urgency": "normal",
            "originator_department": dept("YJK").pk,
            "intent": "submit",
            "attachments": [
                pdf("会议纪要（第3期）.pdf"),
                SimpleUploadedFile("数据.csv", b"a,b\n1,2\n", content_type="text/html"),
            ],
        },
    )
    matter = Matter.objects.get(title="附件测试")
    minutes, data = Attachment.objects.filter(matter=matter).order_by("pk")
    assert minutes.original_name == "会议纪要（第3期）.pdf"
    response = client.get(reverse("matters:attachment", args=[minutes.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert quote("会议纪要（第3期）.pdf") in disposition
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    # Whatever type the browser claimed, anything else is plain bytes.
    response = client.get(reverse("matters:attachment", args=[data.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    # The office sees the matter, so it may download too.
    login(client, "yuanban")
    assert client.get(reverse("matters:attachment", args=[minutes.pk])).status_code == 200


# Actions from the matter page.


def test_the_main_path_through_the_pages(client, hospital):
    matter = raise_matter()
    login(client, "yuanban")
    detail = page(client, reverse("matters:detail", args=[matter.pk]), **EN)
    assert 'data-testid="action-dispatch"' in detail
    assert 'data-testid="action-accept"' not in detail
    messages = act(
        client,
        matter,
        "dispatch",
        {"lead": dept("XXK").pk, "co": [dept("MZB").pk], "reason": "请信息科牵头"},
        **EN,
    )
    assert messages == ["Dispatched to 信息科."]
    matter = refresh(matter)
    assert matter.state == State.DISPATCHED and matter.lead_department == dept("XXK")

    login(client, "zhuren")
    detail = page(client, reverse("matters:detail", args=[matter.pk]), **EN)
    assert 'data-testid="action-accept"' in detail and 'data-testid="action-return"' in detail
    act(client, matter, "accept", {"responsible": person("zhuren").pk})
    assert refresh(matter).state == State.ACCEPTED

    login(client, head_of("MZB"))
    act(client, matter, "contribute", {"text": "门诊部已安排人工叫号。"})
    assert refresh(matter).co_organizers.get().contributed_at is not None

    login(client, "zhuren")
    due = refresh(matter).due
    act(
        client,
        matter,
        "request-extension",
        {"due": (due + datetime.timedelta(days=5)).isoformat(), "reason": "等待厂家配件"},
    )
    assert refresh(matter).extensions.get().state == "pending"
    login(client, "yuanban")
    assert act(client, matter, "decide-extension", {"approve": "yes"}, **EN) == [
        "Extension approved."
    ]
    assert refresh(matter).due == due + datetime.timedelta(days=5)

    login(client, "zhuren")
    act(client, matter, "reply", {"text": "已更换叫号服务器。", "attachments": [pdf("验收单.pdf")]})
    matter = refresh(matter)
    assert matter.state == State.REPLIED and matter.responsible_person == person("lianluo")

    login(client, "lianluo")
    todo = page(client, reverse("matters:todo"), **EN)
    assert matter.title in todo and "Confirm the reply and rate it" in todo
    messages = act(client, matter, "confirm", {"rating": "satisfied", "comment": "很快"}, **EN)
    assert messages == ["Thank you: the matter is closed."]
    matter = refresh(matter)
    assert matter.state == State.CLOSED and matter.rating == "satisfied"

    detail = page(client, reverse("matters:detail", args=[matter.pk]), **EN)
    assert "验收单.pdf" in detail and "Satisfied" in detail
    assert 'data-testid="action-' not in detail.replace('data-testid="action-reopen"', "")


def test_unsatisfied_sends_it_back_to_the_lead(client, hospital):
    matter = dispatched(co=())
    services.accept(matter, person("zhuren"))
    services.reply(matter, person("zhuren"), text="已处理")
    login(client, "lianluo")
    assert refused(client, matter, "confirm", {"rating": "unsatisfied"}, **EN) == (
        "Say what is still wrong."
    )
    assert refresh(matter).state == State.REPLIED
    act(client, matter, "confirm", {"rating": "unsatisfied", "comment": "仍然黑屏"})
    matter = refresh(matter)
    assert matter.state == State.ACCEPTED and matter.reopen_count == 1


def test_return_then_re_dispatch_and_transfer(client, hospital):
    matter = dispatched(co=())
    login(client, "zhuren")
    assert refused(client, matter, "return", {"reason": ""}, **EN) == (
        "Say why the matter is returned."
    )
    assert refresh(matter).state == State.DISPATCHED
    act(client, matter, "return", {"reason": "不属于信息科职责，应由总务后勤科处理"})
    matter = refresh(matter)
    assert matter.state == State.SUBMITTED and matter.owner_department == dept("YB")

    login(client, "yuanban")
    todo = page(client, reverse("matters:todo"), **EN)
    assert matter.title in todo and "Dispatch it to a lead department" in todo
    act(client, matter, "dispatch", {"lead": dept("ZWHQK").pk})
    matter = refresh(matter)
    assert matter.state == State.DISPATCHED and matter.lead_department == dept("ZWHQK")

    login(client, head_of("ZWHQK"))
    assert act(
        client, matter, "transfer", {"lead": dept("SBK").pk, "reason": "设备问题"}, **EN
    ) == ["Transferred to 设备科."]
    matter = refresh(matter)
    assert matter.lead_department == dept("SBK") and matter.transfer_count == 1

    # The chain reads in order: office → 信息科 (returned) → office → 总务后勤科 → 设备科.
    chain = page(client, reverse("matters:detail", args=[matter.pk]), **EN)
    steps = chain.split('data-testid="chain-steps"')[1]
    order = [steps.index(name) for name in ("院办", "信息科", "总务后勤科", "设备科")]
    assert order == sorted(order)
    assert "不属于信息科职责" in steps and "设备问题" in steps


def test_escalate_and_withdraw(client, hospital):
    matter = dispatched(co=())
    login(client, "lianluo")
    act(client, matter, "escalate", {"reason": "信息科三天未签收"})
    matter = refresh(matter)
    assert matter.state == State.ESCALATED and matter.escalation_level == 1

    other = raise_matter("撤回测试")
    assert act(client, other, "withdraw", {"reason": "已自行解决"}, **EN) == ["Withdrawn."]
    assert refresh(other).state == State.WITHDRAWN


def test_close_as_not_a_matter_and_reopen(client, hospital):
    matter = raise_matter("咨询停车位")
    login(client, "yuanban")
    assert act(client, matter, "close", {"reason": "非协调事项"}, **EN) == [
        "Closed as not a matter."
    ]
    assert refresh(matter).state == State.CLOSED


def test_a_refused_action_shows_why_and_changes_nothing(client, hospital):
    matter = dispatched()
    login(client, "zhuren")
    act(client, matter, "accept")
    events = MatterEvent.objects.filter(matter=matter).count()
    assert "already" in refused(client, matter, "accept", **EN)
    assert MatterEvent.objects.filter(matter=matter).count() == events

    login(client, "duchaban")  # sees everything, may not accept for 信息科
    error = refused(client, matter, "reply", {"text": "越权回复"}, **EN)
    assert error == f"You may not do this on {matter.number}."
    assert refresh(matter).state == State.ACCEPTED

    # Unknown department and bad date: the reason, no 500.
    login(client, "yuanban")
    assert refused(client, matter, "dispatch", {"lead": "999999"}, **EN) == "Unknown department."
    bad_date = {"lead": dept("YWK").pk, "due": "2026-13-45"}
    assert refused(client, matter, "dispatch", bad_date, **EN) == "Enter a valid date."
    assert client.post(reverse("matters:act", args=[matter.pk, "explode"])).status_code == 404
    assert refresh(matter).lead_department == dept("XXK")


def test_a_comment_mentions_a_person_and_internal_notes_stay_inside(client, hospital):
    matter = dispatched()
    mzb_head = head_of("MZB")
    login(client, "zhuren")
    act(client, matter, "comment", {"text": f"@{mzb_head.name} 请协助确认叫号屏位置"})
    assert Notification.objects.filter(recipient=mzb_head, ask="mention").exists()
    detail = page(client, reverse("matters:detail", args=[matter.pk]))
    assert f'<span class="mention">@{mzb_head.name}</span>' in detail

    act(
        client,
        matter,
        "comment",
        {"text": "内部：厂家报价偏高", "internal": "1", "attachments": [pdf("报价单.pdf")]},
    )
    assert "厂家报价偏高" in page(client, reverse("matters:detail", args=[matter.pk]))
    quote_file = Attachment.objects.get(matter=matter, original_name="报价单.pdf")
    login(client, "lianluo")
    detail = page(client, reverse("matters:detail", args=[matter.pk]))
    assert "厂家报价偏高" not in detail and "请协助确认叫号屏位置" in detail
    assert "报价单.pdf" not in detail
    assert client.get(reverse("matters:attachment", args=[quote_file.pk])).status_code == 404
    assert 'data-testid="internal-checkbox"' not in detail
    # The originator cannot write an internal note either.
    refused(client, matter, "comment", {"text": "我也要内部", "internal": "1"})
    assert not MatterEvent.objects.filter(matter=matter, text="我也要内部").exists()


# The chain view.


def _event(pk, type_, at, owner, actor_dept=None, reason="", text=""):
    return SimpleNamespace(
        pk=pk,
        type=type_,
        at=at,
        owner_department=owner,
        actor_department=actor_dept,
        actor=SimpleNamespace(name=f"人{pk}"),
        reason=reason,
        text=text,
        data={},
    )


def test_the_chain_of_the_work_clothes_case():
    """A team asks stores for work clothes; stores refuses; the office sends it to HR; HR
    transfers it to planning; planning returns it; the office closes it: the team buys
    them itself."""
    team, office, stores, hr, planning = (
        SimpleNamespace(pk=n, name=name)
        for n, name in enumerate(["班组", "院办", "物资部", "人力资源科", "计划科"], 1)
    )
    t0 = timezone.now() - datetime.timedelta(days=10)

    def at(hours):
        return t0 + datetime.timedelta(hours=hours)

    events = [
        _event(1, "created", at(0), None, team),
        _event(2, "submitted", at(1), office, team),
        _event(3, "dispatched", at(3), stores, office),
        _event(4, "returned", at(27), office, stores, reason="预算制度不允许"),
        _event(5, "dispatched", at(30), hr, office),
        _event(6, "commented", at(31), hr, hr, text="闲聊"),
        _event(7, "transferred", at(50), planning, hr, reason="需计划科出具表单"),
        _event(8, "returned", at(98), office, planning, reason="焊工不是本院职工"),
        _event(9, "closed", at(100), None, office, reason="班组自行购买，修改合同模板"),
    ]
    chain = build_chain(events, now=at(200))
    assert [s.department.name for s in chain] == [
        "班组",
        "院办",
        "物资部",
        "院办",
        "人力资源科",
        "计划科",
        "院办",
    ]
    assert chain[0].is_origin and chain[0].outcome.type == "submitted"
    assert [s.outcome.type for s in chain[1:]] == [
        "dispatched",
        "returned",
        "dispatched",
        "transferred",
        "returned",
        "closed",
    ]
    assert chain[2].outcome.text == "预算制度不允许" and chain[2].outcome.target is office
    assert chain[2].duration == datetime.timedelta(hours=24)
    assert chain[4].outcome.target is planning and chain[4].notes == []  # comments left out
    assert chain[5].duration == datetime.timedelta(hours=48)
    assert all(not s.is_current for s in chain)


def test_the_chain_merges_stays_and_keeps_co_organizer_parts():
    lead, co, origin = (
        SimpleNamespace(pk=n, name=name) for n, name in enumerate(["信息科", "门诊部", "药剂科"], 1)
    )
    t0 = timezone.now() - datetime.timedelta(days=3)
    events = [
        _event(1, "submitted", t0, origin, origin),  # direct coordination: no office
        _event(2, "dispatched", t0, lead, origin),
        _event(3, "accepted", t0 + datetime.timedelta(hours=2), lead, lead),
        _event(4, "contributed", t0 + datetime.timedelta(hours=5), lead, co, text="已通知患者"),
    ]
    chain = build_chain(events, now=t0 + datetime.timedelta(hours=10))
    assert [s.department.name for s in chain] == ["药剂科", "信息科"]
    assert chain[1].is_current and chain[1].duration == datetime.timedelta(hours=10)
    assert [n.type for n in chain[1].notes] == ["accepted", "contributed"]
    assert chain[1].notes[1].department is co


# The ledger.


def test_the_ledger_exports_the_filtered_list_with_chinese_headers(client, hospital):
    first = dispatched("门诊叫号屏黑屏")
    raise_matter("食堂排队太长")
    services.accept(first, person("zhuren"))
    login(client, "yuanban")
    response = client.get(reverse("matters:ledger") + "?tab=all&q=叫号", **EN)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == [
        "序号",
        "编号",
        "事项",
        "类别",
        "紧急程度",
        "发起科室",
        "牵头科室",
        "协办科室",
        "责任人",
        "时限",
        "办理情况",
        "状态",
        "创建时间",
        "办结时间",
    ]
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == first.number and row[2] == "门诊叫号屏黑屏"
    assert row[5] == "药剂科" and row[6] == "信息科" and row[7] == "门诊部"
    assert row[8] == person("zhuren").name and row[10] == "办理中" and row[11] == "在办"


def test_the_ledger_shows_only_what_the_person_sees(client, hospital):
    dispatched("门诊叫号屏黑屏")
    login(client, "yuangong")
    response = client.get(reverse("matters:ledger"))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.active.max_row == 1  # the headers only


def test_the_originator_edits_a_draft_then_submits_it(client, hospital):
    draft = raise_matter("药房冷库温度报警", submit=False)
    login(client, "lianluo")
    detail = page(client, reverse("matters:detail", args=[draft.pk]), **EN)
    assert 'data-testid="action-edit"' in detail
    edit_url = reverse("matters:edit", args=[draft.pk])
    form = page(client, edit_url, **EN)
    assert f"Edit draft {draft.number}" in form and "药房冷库温度报警" in form
    data = {
        "title": "药房冷库温度报警（夜间）",
        "kind": draft.kind.pk,
        "urgency": "urgent",
        "description": "夜间多次报警",
        "originator_department": dept("YJK").pk,
        "lead_department": dept("ZWHQK").pk,
    }
    response = client.post(edit_url, {**data, "intent": "draft"})
    assert response.status_code == 302
    draft = refresh(draft)
    assert (draft.title, draft.urgency, draft.state) == (
        "药房冷库温度报警（夜间）",
        "urgent",
        "draft",
    )
    timeline = page(client, reverse("matters:detail", args=[draft.pk]), **EN)
    assert "Draft edited" in timeline and "Lead department" in timeline

    # A bad date is refused with the reason, and nothing changes.
    response = client.post(edit_url, {**data, "due": "2020-01-01", "intent": "submit"}, **EN)
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert refresh(draft).state == State.DRAFT

    response = client.post(edit_url, {**data, "intent": "submit"})
    draft = refresh(draft)
    assert draft.state == State.DISPATCHED and draft.owner_department == dept("ZWHQK")

    # Not editable any more: the page says so instead of showing the form.
    response = client.get(edit_url, follow=True, **EN)
    assert "only as a draft" in response.content.decode()


def test_someone_else_cannot_open_a_draft_to_edit(client, hospital):
    draft = raise_matter("药房冷库温度报警", submit=False)
    login(client, "yuanban")
    assert client.get(reverse("matters:edit", args=[draft.pk])).status_code == 404


def test_links_from_the_matter_page(client, hospital):
    first = dispatched("门诊叫号屏不亮")
    second = dispatched("门诊叫号屏黑屏")
    login(client, "yuanban")
    detail_url = reverse("matters:detail", args=[second.pk])
    assert 'data-testid="link-form"' in page(client, detail_url, **EN)
    messages = act(client, second, "link", {"target": first.number, "kind": "duplicate_of"}, **EN)
    assert messages == [f"Linked to {first.number}."]
    assert "Duplicate of" in page(client, detail_url, **EN)
    assert "Duplicated by" in page(client, reverse("matters:detail", args=[first.pk]), **EN)

    error = refused(client, second, "link", {"target": "XT-1999-000009"}, **EN)
    assert error == "There is no matter XT-1999-000009 that you can see."

    messages = act(client, first, "unlink", {"target": second.number}, **EN)
    assert messages == [f"The link to {second.number} is removed."]
    assert 'data-testid="link"' not in page(client, detail_url, **EN)


def test_the_all_list_stops_counting_at_the_cap(client, hospital, monkeypatch):
    from liaison.matters.views import lists

    monkeypatch.setattr(lists, "LIST_COUNT_CAP", 4)
    monkeypatch.setattr(lists, "PAGE_SIZE", 2)
    for n in range(5):
        raise_matter(f"药房叫号系统故障{n}")
    login(client, "yuanban")
    first = page(client, reverse("matters:todo") + "?tab=all", **EN)
    assert "1–2 of more than 4" in first
    last = page(client, reverse("matters:todo") + "?tab=all&page=2", **EN)
    assert "3–4 of more than 4" in last and "export the ledger" in last
    assert "page=3" not in last


def test_the_raise_form_offers_a_nurse_only_the_kinds_she_may_raise(client, hospital):
    nurse = login(client, "yuangong")
    supervision = MatterKind.objects.get(organization__code="demo", code="supervision")
    form = page(client, reverse("matters:new"), **EN)
    assert ">Coordination request</option>" in form
    assert ">Supervision item</option>" not in form and ">Task deployment</option>" not in form
    forged = client.post(
        reverse("matters:new"),
        {
            "title": "急诊血常规报告超时",
            "description": "本周多份报告超过45分钟。",
            "kind": supervision.pk,
            "urgency": "emergency",
            "originator_department": nurse.positions.first().department_id,
            "intent": "submit",
        },
        **EN,
    )
    assert forged.status_code == 200
    body = forged.content.decode()
    assert "Supervision item: only the coordinating office, the supervision office" in body
    assert 'value="急诊血常规报告超时"' in body and "本周多份报告超过45分钟。" in body
    assert not Matter.objects.filter(title="急诊血常规报告超时").exists()

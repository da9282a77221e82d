"""The morning brief: sent at 07:30 on the organization's working days only, once a day,
with what each role answers for, in the reader's language, with absolute links."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone, translation

from liaison.dashboard import brief
from liaison.dashboard.models import SentBrief
from liaison.deadlines.sweep import run_sweep
from liaison.inbox.models import (
    Delivery,
    NotificationPreference,
    WebhookChannel,
    WebhookPlatform,
)
from liaison.matters import services
from liaison.matters.models import Matter, State
from liaison.matters.tests.factories import MatterFactory, build_hospital
from liaison.worktime.models import CalendarDay, DayKind

pytestmark = pytest.mark.django_db

ZONE = zoneinfo.ZoneInfo(settings.TIME_ZONE)
MONDAY = datetime.date(2026, 12, 7)
HOLIDAY = datetime.date(2026, 12, 8)  # a Tuesday the calendar says is a holiday
SATURDAY = datetime.date(2026, 12, 12)
WORKING_SATURDAY = datetime.date(2026, 12, 19)  # 调休: a Saturday worked


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def clock():
    with time_machine.travel(at(MONDAY, 6), tick=False) as traveller:
        yield traveller


@pytest.fixture
def h(clock, settings):
    """At 6:00 on Monday: 信息科 holds an overdue matter and one escalated to its leader in
    charge (韩副院长); 儿科 holds nothing."""
    settings.SITE_URL = "https://liaison.example"
    h = build_hospital()
    for day, kind in ((HOLIDAY, DayKind.HOLIDAY), (WORKING_SATURDAY, DayKind.WORKDAY)):
        CalendarDay.objects.update_or_create(
            organization=h.organization, date=day, defaults={"kind": kind, "name": "测试"}
        )
    late = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="机房漏水")
    Matter.objects.filter(pk=late.pk).update(
        next_deadline=timezone.now() - datetime.timedelta(days=2)
    )
    up = MatterFactory(
        originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title="挂号网络中断"
    )
    for who in ("xxk_liaison", "xxk_head", "office"):
        up = services.escalate(up, h.p[who], reason="协调困难")
    h.late, h.up = late, up
    return h


def briefs_of(person) -> list[dict]:
    return [
        d.payload
        for d in Delivery.objects.filter(recipient=person, notification__isnull=True).order_by("pk")
    ]


def test_sent_at_half_past_seven_on_a_working_day_and_not_before(h, clock):
    clock.move_to(at(MONDAY, 7, 29))
    assert brief.send_briefs() == {}
    assert not briefs_of(h.p["xxk_head"])
    clock.move_to(at(MONDAY, 7, 30))
    run_sweep()  # the step is registered in the sweep
    assert len(briefs_of(h.p["xxk_head"])) == 1


@pytest.mark.parametrize("day", [HOLIDAY, SATURDAY])
def test_not_on_a_holiday_nor_on_a_normal_saturday(h, clock, day):
    clock.move_to(at(day, 9))
    brief.send_briefs()
    assert not Delivery.objects.filter(notification__isnull=True).exists()
    assert not SentBrief.objects.exists()


def test_sent_on_a_working_saturday(h, clock):
    clock.move_to(at(WORKING_SATURDAY, 7, 45))
    brief.send_briefs()
    assert len(briefs_of(h.p["xxk_head"])) == 1


def test_once_a_day_however_often_the_sweep_runs(h, clock):
    clock.move_to(at(MONDAY, 7, 35))
    first = brief.send_briefs()["briefs"]
    assert first >= 3
    clock.move_to(at(MONDAY, 7, 40))
    assert brief.send_briefs() == {"briefs": 0}
    assert len(briefs_of(h.p["xxk_head"])) == 1
    clock.move_to(at(MONDAY + datetime.timedelta(days=1 + 2), 7, 30))  # Thursday
    brief.send_briefs()
    assert len(briefs_of(h.p["xxk_head"])) == 2


def english(h, *keys):
    for key in keys:
        NotificationPreference.objects.create(person=h.p[key], language="en")


def test_a_head_is_told_of_their_departments_overdue_matters(h, clock):
    english(h, "xxk_head", "yjk_head")
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    [mail] = briefs_of(h.p["xxk_head"])
    overdue = mail["body"].split("Most overdue")[1]
    assert "机房漏水" in overdue
    assert "Waiting for you" in mail["body"]
    assert not briefs_of(h.p["yjk_head"]) or "机房漏水" not in briefs_of(h.p["yjk_head"])[0]["body"]


def test_a_leader_is_told_of_the_decisions_waiting_for_them(h, clock):
    english(h, "vp")
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    [mail] = briefs_of(h.p["vp"])
    waiting = mail["body"].split("Waiting for you")[1].split("■")[0]
    assert "挂号网络中断" in waiting
    since = mail["body"].split("since the last brief")[1].split("■")[0]
    assert "挂号网络中断" in since and "Escalated" in since


def test_in_the_readers_language_with_absolute_links(h, clock):
    english(h, "xxk_head")
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    [english_mail] = briefs_of(h.p["xxk_head"])
    [chinese_mail] = briefs_of(h.p["xxk_deputy"])  # no preference: the site's language
    assert english_mail["subject"] == "[Liaison] Morning brief Monday 7 December 2026"
    with translation.override("zh-hans"):
        liaison = translation.gettext("Liaison")
        escalated = str(State.ESCALATED.label)
    assert liaison != "Liaison" and chinese_mail["subject"].startswith(f"[{liaison}]")
    assert escalated in chinese_mail["body"] or "机房漏水" in chinese_mail["body"]
    for mail in (english_mail, chinese_mail):
        links = re.findall(r"https?://\S+", mail["body"])
        assert links and all(u.startswith("https://liaison.example/") for u in links)
        assert "https://liaison.example/dashboard/" in links


def test_nobody_gets_an_empty_brief(h, clock):
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    assert not briefs_of(h.p["ek_head"])  # 儿科: nothing to tell
    assert SentBrief.objects.get(person=h.p["ek_head"]).empty
    assert not briefs_of(h.p["xxk_staff"])  # no dashboard: no brief


def test_e_mail_turned_off_means_no_brief(h, clock):
    NotificationPreference.objects.create(person=h.p["xxk_head"], email_enabled=False)
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    assert not briefs_of(h.p["xxk_head"])
    assert briefs_of(h.p["xxk_deputy"])


def test_a_heads_brief_goes_as_figures_to_their_departments_group_robot(h, clock):
    xxk, yjk = (
        WebhookChannel.objects.create(
            organization=h.organization,
            department=h.d[code],
            platform=WebhookPlatform.WECOM,
            name=code,
            url=f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={code}",
        )
        for code in ("XXK", "YJK")
    )
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    brief.send_briefs()
    [copy] = Delivery.objects.filter(channel=xxk)  # the head's, not the deputy's too
    assert "信息科" in copy.payload["title"] and "机房漏水" not in copy.payload["text"]
    assert copy.payload["url"].startswith("https://liaison.example/matters/")
    assert not Delivery.objects.filter(channel=yjk).exists()  # 药剂科: nothing to tell


def test_replies_due_today_or_the_next_working_day(h, clock):
    english(h, "xxk_head")
    wednesday, thursday = MONDAY + datetime.timedelta(days=2), MONDAY + datetime.timedelta(days=3)
    for title, due in (("门禁失灵", at(wednesday, 10)), ("打印机卡纸", at(thursday, 10))):
        matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, title=title)
        Matter.objects.filter(pk=matter.pk).update(reply_due=due)
    clock.move_to(at(MONDAY, 7, 30))
    brief.send_briefs()
    [mail] = briefs_of(h.p["xxk_head"])
    due = mail["body"].split("Replies due today or the next working day")[1].split("■")[0]
    # Tuesday is a holiday: Wednesday is the next working day, Thursday is not yet.
    assert "门禁失灵" in due and "打印机卡纸" not in due

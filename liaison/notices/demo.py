"""Demo notices: a task deployment half relayed, a pinned notice to every head and liaison
officer, a notice from 信息科 about a system stop that expires within the week, a notice to
four clinical departments (儿科's nurses can read it) and a draft, each published one with
some readers. Call after the demo hospital exists: `build_demo_notices(organization)`; it
answers how many it published."""

import datetime
import random

from django.utils import timezone

from liaison.org.models import Department, Organization, Person, PositionRole

from . import services
from .models import Receipt

DEMO_SEED = 6


def _person(organization: Organization, username: str) -> Person:
    return Person.objects.get(organization=organization, user__username=username)


def _read_some(notice, rng: random.Random, share: float) -> None:
    """Some of those who can see it have opened it, at times after it was published."""
    receipts = list(
        Receipt.objects.filter(notice=notice, delivered_at__isnull=False, read_at__isnull=True)
    )
    chosen = [r for r in receipts if rng.random() < share]
    for receipt in chosen:
        receipt.read_at = receipt.delivered_at + datetime.timedelta(minutes=rng.randint(5, 600))
        receipt.read_via = "page"
    Receipt.objects.bulk_update(chosen, ["read_at", "read_via"])


def build_demo_notices(organization: Organization) -> int:
    rng = random.Random(DEMO_SEED)
    office = _person(organization, "yuanban")
    it_head = _person(organization, "zhuren")
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    today = timezone.localdate()
    notices = []

    deployment = services.create_notice(
        office,
        services.NoticeInput(
            kind="task_deployment",
            title="关于开展第四季度院感与药事联合自查的通知",
            body=(
                "为落实医院感染管理与合理用药要求，请下列科室对照自查表完成本科室自查，"
                "并于截止日前在本系统中回复自查结果及整改计划。\n"
                "一、自查范围：手卫生、医疗废物、抗菌药物使用。\n"
                "二、联络员负责将本通知转达至科室全体人员。"
            ),
            author_department=departments["YB"],
            departments=tuple(departments[c] for c in ("YJK", "JYK", "XXK", "JZK")),
            require_action=True,
            action_due=today + datetime.timedelta(days=7),
        ),
        publish=True,
    )
    for relay in deployment.relays.select_related("department")[:2]:
        if relay.relayer_id is not None and relay.department.code != "YJK":
            services.relay_notice(
                deployment,
                Person.objects.get(pk=relay.relayer_id),
                department=relay.department,
                note="请全科人员本周内阅读并配合自查。",
            )
    _read_some(deployment, rng, 0.6)
    notices.append(deployment)

    pinned = services.create_notice(
        office,
        services.NoticeInput(
            title="关于调整院周会时间的通知",
            body="自下月起，院周会改为每周一上午八点在行政楼第一会议室召开，请各科主任、联络员准时参加。",
            author_department=departments["YB"],
            roles=(PositionRole.HEAD, PositionRole.LIAISON_OFFICER),
            pinned=True,
        ),
        publish=True,
    )
    _read_some(pinned, rng, 0.75)
    notices.append(pinned)

    outage = services.create_notice(
        it_head,
        services.NoticeInput(
            title="HIS系统本周六凌晨停机维护",
            body="本周六 02:00—04:00 HIS 系统升级，期间请使用应急预案中的手工单据，恢复后补录。",
            author_department=departments["XXK"],
            departments=(departments["MZB"], departments["JZK"], departments["YJK"]),
            expires_at=timezone.now() + datetime.timedelta(days=6),
        ),
        publish=True,
    )
    _read_some(outage, rng, 0.4)
    notices.append(outage)

    nursing = services.create_notice(
        office,
        services.NoticeInput(
            title="关于加强病区陪护与探视管理的通知",
            body=(
                "近期病区陪护人员较多，影响诊疗秩序。自下周一起，每位住院患者限一名陪护，"
                "探视时间为每日 15:00—19:00。请各病区护士长组织学习，并做好患者及家属的解释工作。"
            ),
            author_department=departments["YB"],
            departments=tuple(departments[c] for c in ("EK", "FK", "CK", "GK")),
        ),
        publish=True,
    )
    for relay in nursing.relays.select_related("department"):
        if relay.relayer_id is not None and relay.department.code != "GK":
            services.relay_notice(
                nursing, Person.objects.get(pk=relay.relayer_id), department=relay.department
            )
    _read_some(nursing, rng, 0.3)
    notices.append(nursing)

    services.create_notice(
        office,
        services.NoticeInput(
            title="关于做好元旦期间值班安排的通知（草稿）",
            body="请各科室于本月25日前报送元旦值班表。",
            author_department=departments["YB"],
            departments=tuple(d for d in departments.values() if d.kind == "clinical")[:10],
        ),
    )
    return len(notices)

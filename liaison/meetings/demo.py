"""Demo meetings: the demo hospital's rooms and its meeting series at the cadences of the
seeds (mechanism 8), made through the services, with a meeting moved, one cancelled, and
an emergency meeting for an open matter that two of the people called have confirmed.
The last weekly management meeting was held: its agenda, attendance and approved minutes,
whose decisions became matters, which the next meeting carries as open actions; the next
one has items proposed. The hospital-wide coordination meeting is the leading group's:
matters escalated to the leading group are on its agenda.

Call after the demo hospital exists (liaison.org.demo.build_demo_hospital), and after its
matters if the emergency meeting should have one: `build_demo_meetings(organization)`.
Idempotent: nothing happens when the organization already has meeting series.
"""

import datetime

import time_machine
from django.db import transaction
from django.utils import timezone

from liaison.matters import services as matter_services
from liaison.matters.models import OPEN_STATES, EscalationLevel, Matter, Urgency
from liaison.org.models import Department, DepartmentKind, Organization, Person, Position
from liaison.org.models import PositionRole as Role
from liaison.org.roles import default_responsible, leader_in_charge

from . import services
from .models import (
    AGENDA_CUTOFF,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingSeries,
    MeetingState,
    Presence,
    Room,
)

A = Attendance

# code, name, location, seats
ROOMS = [
    ("main-hall", "行政楼大会议室", "行政楼5层", 120),
    ("admin-1", "行政楼第一会议室", "行政楼3层", 30),
    ("xxk", "信息科会议室", "行政楼4层", 16),
    ("teaching", "医技楼示教室", "医技楼2层", 40),
]

#: The seeds' cadences: the information department's hospital-wide coordination meeting
#: twice a year and its local discussion meetings every two months (000, 篇1), the weekly
#: management meeting (001), the Friday project meeting and the monthly quality meeting
#: (002). Departments as (code, who attends); "*" is every internal department's head.
SERIES = [
    {
        "title": "全院信息化建设沟通协调会",
        "kind": MeetingKind.COORDINATION,
        "organizer": "XXK",
        "chair": "leader:XXK",
        "rule": "FREQ=YEARLY;BYMONTH=1,7;BYDAY=3TH",
        "time": datetime.time(14, 30),
        "duration": 120,
        "room": "main-hall",
        "departments": "*",
        "people": ["head:YLD"],
        "description": "各科室提出本科或相关科室在信息工作中存在的问题，分析讨论，制定解决方案。",
        "for_leading_group": True,
    },
    {
        "title": "信息化建设局部讨论会",
        "kind": MeetingKind.LOCAL_DISCUSSION,
        "organizer": "XXK",
        "chair": "head:XXK",
        "rule": "FREQ=MONTHLY;INTERVAL=2;BYDAY=2WE",
        "time": datetime.time(15, 0),
        "duration": 90,
        "room": "xxk",
        "departments": [
            ("XXK", A.BOTH),
            ("YWK", A.LIAISON_OFFICER),
            ("HLB", A.LIAISON_OFFICER),
            ("MZB", A.LIAISON_OFFICER),
            ("JYK", A.LIAISON_OFFICER),
            ("YXYXK", A.LIAISON_OFFICER),
            ("YJK", A.LIAISON_OFFICER),
        ],
        "description": "信息化建设联络员反映本科室信息系统应用中的问题和需求。",
    },
    {
        "title": "院周管理例会",
        "kind": MeetingKind.WEEKLY_MANAGEMENT,
        "organizer": "YB",
        "chair": "head:YLD",
        "rule": "FREQ=WEEKLY;BYDAY=MO",
        "time": datetime.time(8, 0),
        "duration": 60,
        "room": "admin-1",
        "departments": [
            (code, A.HEAD)
            for code in ("YB", "YWK", "HLB", "ZLKZK", "XXK", "RLZYK", "CWK", "ZWHQK", "MZB")
        ],
        "people": ["leader:YWK", "leader:HLB", "leader:XXK"],
        "description": "就一段时期内沟通中出现的问题集体讨论分析，提出改善措施。",
    },
    {
        "title": "HIS升级项目周例会",
        "kind": MeetingKind.PROJECT,
        "organizer": "XXK",
        "chair": "head:XXK",
        "rule": "FREQ=WEEKLY;BYDAY=FR",
        "time": datetime.time(15, 0),
        "duration": 60,
        "room": "xxk",
        "online_link": "https://meeting.demo-hospital.example/his-upgrade",
        "departments": [
            ("XXK", A.BOTH),
            ("YWK", A.LIAISON_OFFICER),
            ("HLB", A.LIAISON_OFFICER),
            ("MZB", A.LIAISON_OFFICER),
            ("CWK", A.LIAISON_OFFICER),
        ],
        "description": "汇报上周整改情况、本周计划和存在的问题，会后形成项目会议纪要。",
    },
    {
        "title": "医疗质量专项工作会",
        "kind": MeetingKind.QUALITY,
        "organizer": "ZLKZK",
        "chair": "leader:YWK",
        "rule": "FREQ=MONTHLY;BYDAY=-1TH",
        "time": datetime.time(14, 30),
        "duration": 90,
        "room": "teaching",
        "departments": [
            ("ZLKZK", A.BOTH),
            ("YWK", A.HEAD),
            ("HLB", A.HEAD),
            ("YGB", A.HEAD),
            ("MZB", A.HEAD),
            ("JZK", A.HEAD),
            ("NK", A.HEAD),
            ("WK", A.HEAD),
        ],
        "description": "每月召开一次质量专项工作会，总结改进并提出下一步工作措施。",
    },
]


def _head(department: Department) -> Person | None:
    position = (
        Position.objects.current()
        .filter(department=department, role=Role.HEAD, person__is_active=True)
        .select_related("person")
        .first()
    )
    return position.person if position is not None else None


def _who(key: str, departments: dict[str, Department]) -> Person | None:
    kind, code = key.split(":")
    department = departments[code]
    return leader_in_charge(department) if kind == "leader" else _head(department)


@transaction.atomic
def build_demo_meetings(organization: Organization) -> list[MeetingSeries]:
    if MeetingSeries.objects.filter(organization=organization).exists():
        return []
    departments = {
        d.code: d for d in Department.objects.filter(organization=organization, is_active=True)
    }
    rooms = {
        code: Room.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={"name": name, "location": location, "capacity": seats},
        )[0]
        for code, name, location, seats in ROOMS
    }
    today = timezone.localdate()
    made = []
    for plan in SERIES:
        organizer = departments[plan["organizer"]]
        if plan["departments"] == "*":
            invited = [
                (d, A.HEAD)
                for d in departments.values()
                if d.kind != DepartmentKind.EXTERNAL and d.code != "YLD"
            ]
        else:
            invited = [(departments[code], who) for code, who in plan["departments"]]
        yearly = plan["rule"].startswith("FREQ=YEARLY")
        series, _clashes = services.create_series(
            default_responsible(organizer),
            services.SeriesInput(
                title=plan["title"],
                kind=plan["kind"],
                organizer=organizer,
                rule=plan["rule"],
                # A few past meetings to look back on (the twice-yearly one from January).
                start_date=today.replace(month=1, day=1)
                if yearly
                else today - datetime.timedelta(days=70),
                start_time=plan["time"],
                duration=plan["duration"],
                room=rooms[plan["room"]],
                online_link=plan.get("online_link", ""),
                chair=_who(plan["chair"], departments),
                departments=tuple(invited),
                people=tuple(
                    p for p in (_who(key, departments) for key in plan.get("people", ())) if p
                ),
                description=plan["description"],
                for_leading_group=plan.get("for_leading_group", False),
            ),
        )
        made.append(series)
    _exceptions(made, rooms)
    _emergency(organization, departments, rooms)
    management = next(s for s in made if s.kind == MeetingKind.WEEKLY_MANAGEMENT)
    _held(management, departments)
    _proposed(management, departments)
    _escalated(organization)
    return made


def _next(series: MeetingSeries, skip: int = 0) -> Meeting:
    return series.meetings.filter(
        start__gt=timezone.now(), state=MeetingState.SCHEDULED, overridden=False
    ).order_by("start")[skip]


def _exceptions(made: list[MeetingSeries], rooms: dict[str, Room]) -> None:
    """One weekly management meeting cancelled, one Friday project meeting moved."""
    management = next(s for s in made if s.kind == MeetingKind.WEEKLY_MANAGEMENT)
    services.cancel_meeting(
        _next(management, 2),
        management.chair or default_responsible(management.organizer),
        reason="院领导外出参加上级会议，本周管理例会停开一次。",
    )
    project = next(s for s in made if s.kind == MeetingKind.PROJECT)
    meeting = _next(project, 1)
    services.move_meeting(
        meeting,
        default_responsible(project.organizer),
        start=meeting.start - datetime.timedelta(days=1),
        room=rooms["admin-1"],
        online_link=meeting.online_link,
        reason="周五下午全院消防演练，项目例会提前一天，改在行政楼第一会议室。",
    )


def _emergency(organization: Organization, departments, rooms: dict[str, Room]) -> None:
    """An emergency meeting called twenty minutes ago for the newest open emergency (or
    urgent) matter; two of the people called have confirmed."""
    open_matters = Matter.objects.filter(
        organization=organization,
        state__in=[s.value for s in OPEN_STATES],
        lead_department__isnull=False,
    ).select_related("lead_department", "originator_department")
    matter = None
    for urgency in (Urgency.EMERGENCY, Urgency.URGENT):
        matter = matter or open_matters.filter(urgency=urgency).order_by("-created_at").first()
    if matter is None:
        return
    lead = matter.lead_department
    caller = default_responsible(lead)
    called_at = timezone.now() - datetime.timedelta(minutes=20)
    with time_machine.travel(called_at, tick=False):
        meeting, _clashes = services.call_emergency_meeting(
            caller,
            services.EmergencyInput(
                title=f"紧急会议：{matter.title}",
                organizer=lead,
                start=called_at + datetime.timedelta(minutes=30),
                duration=60,
                room=rooms["admin-1"],
                departments=tuple(
                    (d, A.HEAD)
                    for d in dict.fromkeys([lead, matter.originator_department, departments["YWK"]])
                ),
                people=tuple(p for p in (leader_in_charge(lead),) if p is not None),
                description="事态紧急，请相关科室负责人立即到场协调处置。",
                matter=matter,
            ),
        )
    for minutes, call in zip((3, 7), meeting.calls.order_by("pk")[:2], strict=False):
        with time_machine.travel(called_at + datetime.timedelta(minutes=minutes), tick=False):
            services.confirm_attendance(meeting, call.person)


def _held(series: MeetingSeries, departments: dict[str, Department]) -> None:
    """The last weekly management meeting, held: items proposed three days before and
    accepted, attendance with an absence and a substitute, minutes written by the office's
    liaison officer and approved by the chair, whose decisions became matters; a few
    participants have read them."""
    meeting = (
        series.meetings.filter(start__lt=timezone.now() - datetime.timedelta(hours=2))
        .exclude(state=MeetingState.CANCELLED)
        .order_by("-start")
        .first()
    )
    if meeting is None or series.chair is None:
        return
    organizer = default_responsible(series.organizer)
    with time_machine.travel(meeting.start - datetime.timedelta(days=3), tick=False):
        for code, title, minutes in (
            ("YWK", "门诊与住院检查预约衔接不畅", 20),
            ("HLB", "夜间护理人力调配方案", 15),
        ):
            item = services.propose_item(
                meeting,
                _head(departments[code]) or default_responsible(departments[code]),
                services.ItemInput(title=title, minutes=minutes),
            )
            services.decide_item(item, organizer, accept=True)
    expected = list(services.seats_of(meeting))
    people = {p.pk: p for p in Person.objects.filter(pk__in=expected)}
    nursing = _head(departments["HLB"])
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=50), tick=False):
        rows = []
        for pk in expected:
            if nursing is not None and pk == nursing.pk:
                deputy = _liaison(departments["HLB"])
                rows.append(
                    services.PresenceInput(people[pk], Presence.SUBSTITUTED, substitute=deputy)
                    if deputy is not None
                    else services.PresenceInput(people[pk], Presence.ABSENT, reason="外出学习")
                )
            elif len(rows) == 3 and pk != series.chair_id:
                rows.append(services.PresenceInput(people[pk], Presence.ABSENT, reason="院外会诊"))
            else:
                rows.append(services.PresenceInput(people[pk], Presence.PRESENT))
        services.record_attendance(meeting, organizer, rows)
        day = timezone.localdate()
        decisions = [
            ("XXK", "开通门诊检查预约与住院床位信息共享接口", 21),
            ("YWK", "制定门诊转住院检查预约衔接流程", 14),
            ("HLB", "试行夜间护理人力弹性调配方案", 30),
        ]
        services.save_minutes(
            meeting,
            organizer,
            services.MinutesInput(
                summary="会议听取了医务科、护理部的议题汇报，讨论了门诊与住院检查预约衔接、"
                "夜间护理人力调配两个问题，形成以下决议。",
                recorder=_liaison(series.organizer) or organizer,
                decisions=tuple(
                    services.DecisionInput(
                        title,
                        departments[code],
                        default_responsible(departments[code]),
                        day + datetime.timedelta(days=days),
                    )
                    for code, title, days in decisions
                ),
            ),
        )
        minutes = services.approve_minutes(meeting, series.chair)
    # The owners accept all but the last decision the same afternoon.
    with time_machine.travel(meeting.start + datetime.timedelta(hours=6), tick=False):
        for decision in list(minutes.decisions.select_related("matter", "responsible"))[:-1]:
            matter_services.accept(decision.matter, decision.responsible)
    readers = list(Meeting.objects.get(pk=meeting.pk).minutes.receipts.order_by("pk")[:4])
    for hours, receipt in enumerate(readers, start=3):
        with time_machine.travel(meeting.end + datetime.timedelta(hours=hours), tick=False):
            services.read_minutes(meeting, receipt.person)


def _liaison(department: Department) -> Person | None:
    position = (
        Position.objects.current()
        .filter(department=department, role=Role.LIAISON_OFFICER, person__is_active=True)
        .select_related("person")
        .first()
    )
    return position.person if position is not None else None


def _proposed(series: MeetingSeries, departments: dict[str, Department]) -> None:
    """The next management meeting whose agenda is still open has two items proposed,
    one with a pre-briefing for the chair."""
    meeting = (
        series.meetings.filter(
            state=MeetingState.SCHEDULED,
            start__gt=timezone.now() + AGENDA_CUTOFF + datetime.timedelta(hours=1),
        )
        .order_by("start")
        .first()
    )
    if meeting is None:
        return
    services.propose_item(
        meeting,
        _head(departments["ZLKZK"]) or default_responsible(departments["ZLKZK"]),
        services.ItemInput(title="三季度病历质量检查结果通报", minutes=15),
    )
    services.propose_item(
        meeting,
        _head(departments["RLZYK"]) or default_responsible(departments["RLZYK"]),
        services.ItemInput(
            title="临床科室护士编制调整",
            minutes=20,
            prebriefing="涉及两个科室编制核减，会前请院长先了解情况，会上再议。",
            prebriefed=tuple(p for p in (series.chair,) if p is not None),
        ),
    )


def _escalated(organization: Organization) -> None:
    """Matters already with the leading group go on its next meeting's agenda, as those
    escalated from now on will by themselves."""
    for matter in Matter.objects.filter(
        organization=organization,
        state__in=[s.value for s in OPEN_STATES],
        escalation_level=EscalationLevel.LEADING_GROUP,
    ).order_by("pk"):
        services.put_on_leading_group_agenda(matter, None)

"""Demo meetings: the demo hospital's rooms and its meeting series at the cadences of the
seeds (mechanism 8), made through the services, with a meeting moved, one cancelled, and
an emergency meeting for an open matter that two of the people called have confirmed.

Call after the demo hospital exists (liaison.org.demo.build_demo_hospital), and after its
matters if the emergency meeting should have one: `build_demo_meetings(organization)`.
Idempotent: nothing happens when the organization already has meeting series.
"""

import datetime

import time_machine
from django.db import transaction
from django.utils import timezone

from liaison.matters.models import OPEN_STATES, Matter, Urgency
from liaison.matters.services import default_responsible, leader_in_charge
from liaison.org.models import Department, DepartmentKind, Organization, Person, Position
from liaison.org.models import PositionRole as Role

from . import services
from .models import Attendance, Meeting, MeetingKind, MeetingSeries, MeetingState, Room

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
            ),
        )
        made.append(series)
    _exceptions(made, rooms)
    _emergency(organization, departments, rooms)
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

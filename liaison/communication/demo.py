"""Demo communication plans (mechanism 14), drawn from the seeds' IT projects (000, 004):
a register of stakeholders in the decision, management and execution layers and a plan
of weekly status by e-mail, monthly performance reports and quarterly phase summaries.

The projects began some weeks ago: the plan was run day by day through the services and
the sweep, the owners marked what they sent (one team meeting's minutes skipped over a
holiday), and last week's status report of the HIS upgrade was not sent: it is overdue.

Call after the demo hospital exists (liaison.org.demo.build_demo_hospital):
`build_demo_communication(organization)`. Idempotent: nothing happens when the
organization already has projects. Returns how many projects it drew up.
"""

import datetime

import time_machine
from django.utils import timezone

from liaison.org.models import Department, Organization, Person, Position, PositionRole
from liaison.org.roles import leader_in_charge

from . import schedule, services
from .models import Distribution, DistributionState, PlanRow, Project

#: How long ago each project began.
HIS_WEEKS = 10
MEDICAL_INSURANCE_WEEKS = 4


def _holder(department: Department, role: str) -> Person:
    position = (
        Position.objects.current()
        .filter(department=department, role=role, person__is_active=True)
        .select_related("person")
        .order_by("start", "pk")
        .first()
    )
    return position.person


def _stakeholders(project: Project, by: Person, entries: list[dict]) -> dict:
    made = {}
    for key, entry in entries:
        made[key] = services.add_stakeholder(project, by, services.StakeholderInput(**entry))
    return made


def _his(organization: Organization, d: dict, start: datetime.date) -> Project:
    manager = Person.objects.get(organization=organization, user__username="zhuren")
    project = services.create_project(
        manager,
        services.ProjectInput(
            name="医院信息系统（HIS）升级改造项目",
            owner_department=d["XXK"],
            manager=manager,
            description=(
                "门诊、住院、电子病历与检验检查系统整体升级，分需求分析、设计开发、集成测试、"
                "安装实施、试运行和验收六个阶段。各阶段书面提交阶段总结，向决策层汇报。"
            ),
            start_date=start,
            end_date=start + datetime.timedelta(days=270),
        ),
    )
    s = _stakeholders(
        project,
        manager,
        [
            (
                "president",
                {
                    "person": _holder(d["YLD"], PositionRole.HEAD),
                    "role": "项目决策者",
                    "layer": "decision",
                    "influence": "high",
                    "interest": "medium",
                    "information_needs": "项目整体进度、投资执行情况和重大风险；需要决策的问题。",
                    "preferred_channel": "report",
                },
            ),
            (
                "leader",
                {
                    "person": leader_in_charge(d["XXK"]),
                    "role": "分管领导，项目发起人",
                    "layer": "decision",
                    "influence": "high",
                    "interest": "high",
                    "information_needs": "阶段目标完成情况、跨科室协调难点、实际进度与计划的偏差。",
                    "preferred_channel": "email",
                },
            ),
            (
                "xxk",
                {
                    "department": d["XXK"],
                    "role": "项目实施与管理",
                    "layer": "management",
                    "influence": "high",
                    "interest": "high",
                    "information_needs": "每一步计划与安排、变更事项、测试问题清单。",
                    "preferred_channel": "meeting",
                },
            ),
            (
                "ywk",
                {
                    "department": d["YWK"],
                    "role": "医疗业务需求方",
                    "layer": "management",
                    "influence": "medium",
                    "interest": "high",
                    "information_needs": "上线对诊疗流程的影响、医生培训安排。",
                    "preferred_channel": "email",
                },
            ),
            (
                "hlb",
                {
                    "department": d["HLB"],
                    "role": "护理业务需求方",
                    "layer": "management",
                    "influence": "medium",
                    "information_needs": "护理模块上线计划、护士培训与切换安排。",
                    "preferred_channel": "email",
                },
            ),
            (
                "mzb",
                {
                    "department": d["MZB"],
                    "role": "一线使用科室",
                    "layer": "execution",
                    "influence": "low",
                    "interest": "high",
                    "information_needs": "切换当天的门诊应急预案和排班。",
                    "preferred_channel": "group",
                },
            ),
            (
                "vendor",
                {
                    "external_name": "王经理",
                    "external_unit": "浙江康联医疗信息技术有限公司",
                    "external_contact": "0571-8765 4321",
                    "role": "承建方项目经理",
                    "layer": "execution",
                    "influence": "medium",
                    "interest": "high",
                    "information_needs": "需求确认结果、接口规范、测试问题与整改要求。",
                    "preferred_channel": "group",
                },
            ),
        ],
    )
    liaison = _holder(d["XXK"], PositionRole.LIAISON_OFFICER)
    for information, content, to, rule, at, channel, owner in (
        (
            "项目周报",
            "上周进展与整改情况、本周工作计划、遗留问题。",
            ("leader", "xxk", "ywk", "hlb", "vendor"),
            "FREQ=WEEKLY;BYDAY=FR",
            datetime.time(16, 0),
            "email",
            manager,
        ),
        (
            "月度绩效报告",
            "进度偏差、投资执行、质量指标和完成预测，书面报送决策层。",
            ("president", "leader"),
            "FREQ=MONTHLY;BYMONTHDAY=-1",
            datetime.time(10, 0),
            "report",
            manager,
        ),
        (
            "阶段总结",
            "本阶段目标、成果、问题和经验教训，书面提交并当面汇报。",
            ("president", "leader"),
            "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1",
            datetime.time(15, 0),
            "report",
            manager,
        ),
        (
            "项目碰头会纪要",
            "每周一碰头会：总结本周工作、分析问题、商定纠正措施和下周任务。",
            ("xxk", "mzb", "vendor"),
            "FREQ=WEEKLY;BYDAY=MO",
            datetime.time(17, 0),
            "group",
            liaison,
        ),
    ):
        services.add_row(
            project,
            manager,
            services.RowInput(
                information=information,
                content=content,
                stakeholders=[s[key] for key in to],
                rule=rule,
                start_date=start,
                due_time=at,
                channel=channel,
                owner=owner,
            ),
        )
    return project


def _medical_insurance(organization: Organization, d: dict, start: datetime.date) -> Project:
    manager = _holder(d["YBB"], PositionRole.HEAD)
    project = services.create_project(
        manager,
        services.ProjectInput(
            name="城乡居民医保结算系统对接项目",
            owner_department=d["YBB"],
            manager=manager,
            description="与市医疗保障局结算平台对接，实现城乡居民医保住院、门诊即时结算。",
            start_date=start,
        ),
    )
    s = _stakeholders(
        project,
        manager,
        [
            (
                "leader",
                {
                    "person": leader_in_charge(d["YBB"]),
                    "role": "分管领导",
                    "layer": "decision",
                    "influence": "high",
                    "information_needs": "对接进度、结算风险与患者影响。",
                    "preferred_channel": "report",
                },
            ),
            (
                "bureau",
                {
                    "external_name": "信息中心",
                    "external_unit": "市医疗保障局",
                    "external_contact": "0571-8500 1234",
                    "role": "上级业务主管部门",
                    "layer": "management",
                    "influence": "high",
                    "information_needs": "接口联调进度、测试结算结果。",
                    "preferred_channel": "email",
                },
            ),
            (
                "cwk",
                {
                    "department": d["CWK"],
                    "layer": "management",
                    "influence": "medium",
                    "information_needs": "结算对账规则与上线时间。",
                    "preferred_channel": "email",
                },
            ),
            (
                "xxk",
                {
                    "department": d["XXK"],
                    "role": "技术支持",
                    "layer": "execution",
                    "influence": "medium",
                    "information_needs": "接口规范、网络与前置机安排。",
                    "preferred_channel": "group",
                },
            ),
        ],
    )
    services.add_row(
        project,
        manager,
        services.RowInput(
            information="对接进度周报",
            content="本周联调进展、问题清单、下周计划。",
            stakeholders=[s["leader"], s["bureau"], s["cwk"], s["xxk"]],
            rule="FREQ=WEEKLY;BYDAY=TH",
            start_date=start,
            due_time=datetime.time(17, 0),
            channel="email",
            owner=_holder(d["YBB"], PositionRole.LIAISON_OFFICER),
        ),
    )
    return project


def _note(distribution: Distribution, number: int) -> str:
    information = distribution.row.information
    day = timezone.localtime(distribution.due_at).date()
    if information in ("项目周报", "对接进度周报"):
        left = number % 3 + 1
        return f"第{number}期{information}已发送：本周按计划推进，遗留问题{left}项已列入清单。"
    if information == "项目碰头会纪要":
        return f"{day:%m月%d日}碰头会纪要已发项目群。"
    return f"{day:%Y年%m月}{information}已书面报送。"


def _run(projects: list[Project], start: datetime.date, now: datetime.datetime) -> None:
    """Run the plans day by day up to now: the sweep at the end of each day and the
    owners sending what fell due, but last week's HIS status report and anything due
    today; the first team meeting's minutes are skipped."""
    weekly = PlanRow.objects.get(project=projects[0], information="项目周报")
    today = timezone.localdate(now)
    fridays = schedule.due_times(
        weekly.rule,
        weekly.start_date,
        weekly.due_time,
        weekly.time_zone,
        timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)),
        now,
    )
    overdue = max((t for t in fridays if timezone.localdate(t) < today), default=None)
    numbers: dict[int, int] = {}
    skipped = False
    day = start
    while day <= today:
        moment = min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(18))), now)
        with time_machine.travel(moment, tick=False):
            services.sweep(moment)
        due = Distribution.objects.filter(
            row__project__in=projects, state=DistributionState.DUE
        ).select_related("row", "owner")
        for distribution in due.order_by("due_at", "pk"):
            local = timezone.localdate(distribution.due_at)
            if local == today or (distribution.row == weekly and distribution.due_at == overdue):
                continue
            numbers[distribution.row_id] = numbers.get(distribution.row_id, 0) + 1
            sent_at = distribution.due_at + datetime.timedelta(minutes=40)
            with time_machine.travel(sent_at, tick=False):
                if distribution.row.information == "项目碰头会纪要" and not skipped:
                    skipped = True
                    services.skip(
                        distribution, distribution.owner, reason="节假日调休，本周碰头会未召开。"
                    )
                else:
                    services.mark_sent(
                        distribution,
                        distribution.owner,
                        note=_note(distribution, numbers[distribution.row_id]),
                    )
        day += datetime.timedelta(days=1)


def build_demo_communication(organization) -> int:
    if Project.objects.filter(organization=organization).exists():
        return 0
    d = {x.code: x for x in Department.objects.filter(organization=organization)}
    now = timezone.now()
    today = timezone.localdate(now)
    his_start = today - datetime.timedelta(weeks=HIS_WEEKS)
    insurance_start = today - datetime.timedelta(weeks=MEDICAL_INSURANCE_WEEKS)
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(his_start, datetime.time(9))), tick=False
    ):
        his = _his(organization, d, his_start)
    with time_machine.travel(
        timezone.make_aware(datetime.datetime.combine(insurance_start, datetime.time(9))),
        tick=False,
    ):
        insurance = _medical_insurance(organization, d, insurance_start)
    _run([his, insurance], his_start, now)
    return 2

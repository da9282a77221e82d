"""Demo matters: a few hundred coordination matters in the demo hospital, in every state.

Every matter is made by the service functions (create, submit, dispatch, accept, return,
transfer, contribute, extension, reply, confirm, escalate, withdraw, close, comment), so
the timelines, counters, inbox items and the one-owner invariant are the real thing. The
clock is moved through the last ~90 days while they are built (time-machine), one step of
one matter at a time in date order: numbers follow dates, deadlines fall where they
would, and the matters still waiting on someone from a few days back are overdue today.

Every demo login finds work in its to-do: 科主任 zhuren (信息科) matters to accept and to
reply, 联络员 lianluo (药剂科) replies to confirm, 院办 yuanban returned matters to
dispatch again, 副院长 fuyuanzhang escalations and an extension request to decide, 院长
yuanzhang escalations to the leading group. One matter replays the work-clothes case of
DOMAIN.md: stores, HR and finance each turn it away until the coordinating office sets a
clear goal.

Deterministic: the same seed gives the same matters, numbers and states (timestamps are
relative to the moment of the build).
"""

import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from liaison.core.errors import ServiceError
from liaison.org.models import Department, DepartmentKind, Organization, Person, Position

from . import services
from .models import Matter, MatterKind, Rating, State, Urgency
from .services import MatterInput

DEFAULT_SEED = 2026
#: Matters are spread over this many days before now.
HISTORY_DAYS = 88

# What each department says when it gives its part as a co-organizer (协办意见).
CONTRIBUTIONS = {
    "HLB": "护理部已通知相关病区护士长落实，并纳入本月护理质量检查。",
    "MZB": "门诊部已调整分诊台安排，高峰时段增派一名导诊人员。",
    "XXK": "信息科已核对系统配置和接口日志，相关参数已调整，请牵头科室继续跟进。",
    "YWK": "医务科已将此事纳入本月医疗质量讲评，并通知相关科室主任。",
    "YGB": "院感办已到现场复核，提出整改意见三条，已反馈给科室。",
    "ZWHQK": "总务后勤科已安排维修班组配合，所需材料已备齐。",
    "SBK": "设备科已联系厂家工程师，配件在保修期内，免费更换。",
    "WZB": "物资部已核对库存，可先调拨一部分应急使用。",
    "CWK": "财务科已确认费用可在本年度运行维持费中列支。",
    "YBB": "医保办已与市医保中心沟通，政策口径已书面确认。",
    "RLZYK": "人力资源科已核对编制和排班，可临时调配两名人员支援。",
    "JYK": "检验科已调整标本签收流程，高峰时段增加一名技师。",
    "YJK": "药剂科已安排临床药师下科室，对相关医嘱进行点评。",
    "YXYXK": "医学影像科已调整预约时段，增加午间检查班次。",
    "BWK": "保卫科已在高峰时段增派保安，加强巡查。",
    "ZLKZK": "质量控制科已将该问题列入下月质控重点。",
    "XCK": "宣传科已完成标识文字和版式设计。",
    "DCB": "督查办将跟踪整改进度，到期复查。",
}
DEFAULT_CONTRIBUTION = "本科室已按要求配合完成相关工作。"

ACCEPT_NOTES = [
    "已签收，安排专人负责。",
    "已签收，今天下午到现场查看。",
    "已签收，将在时限内回复。",
]
COMMENTS = [
    "@{person} 今天上午患者又反映了同样的问题，请尽快处理。",
    "@{department} 这件事需要贵科配合，请安排联系人。",
    "@{person} 请把处理进度同步给我们科室，便于向患者解释。",
    "已电话沟通，@{person} 答复本周内处理完毕。",
]
INTERNAL_NOTES = [
    "内部备注：已联系厂家工程师，预计周四到场。",
    "内部备注：需先报分管领导同意采购，暂不对外承诺时间。",
    "内部备注：同类问题上月已出现两次，需查明根本原因。",
]
EXTENSION_REASONS = [
    "需等待厂家配件到货，预计还需一周。",
    "涉及采购流程，需经院长办公会审批后才能实施。",
    "需协调节假日期间的排班，原时限内无法完成。",
    "需与外部单位对接，对方答复时间晚于原时限。",
]
DENIAL_REASONS = [
    "临床影响较大，请按原时限先拿出临时方案。",
    "理由不充分，请先完成能做的部分并按时回复。",
]
SATISFIED_COMMENTS = ["问题已解决，感谢配合。", "处理及时，科室满意。", ""]
BASIC_COMMENTS = [
    "基本解决，但响应还可以更快一些。",
    "问题已缓解，希望形成长效机制。",
    "已处理，但过程中沟通不够及时。",
]
UNSATISFIED_COMMENTS = [
    "问题仍然存在，今天上午又出现了一次，请重新处理。",
    "回复只说明了原因，没有解决问题，请继续落实。",
]
REOPEN_REASONS = ["办结一周后问题再次出现，重新提交处理。"]
WITHDRAW_REASONS = [
    "科室内部已自行解决，撤回。",
    "与另一事项重复，撤回本件。",
    "情况有变，暂不需要协调。",
]
NOT_A_MATTER_REASONS = [
    "属于科室内部管理事项，请科室自行解决，不作为协调事项。",
    "已有制度明确规定，请按现行流程办理，不属协调事项。",
    "与已在办事项重复，合并办理。",
]
ESCALATION_REASONS = {
    1: "涉及多个科室职责，科室之间直接协调未果，提请科室负责人协商。",
    2: "科室负责人之间协商未达成一致，提请院办协调明确牵头科室。",
    3: "涉及经费和人员调配，院办无权决定，提请分管领导协调。",
    4: "涉及多位分管领导的分管范围，提请协调领导小组研究，建议列入下次协调会议议题。",
}
DECISION_REASON = "协调意见：明确由{lead}牵头办理，相关科室配合，限期回复。"

EQUIPMENT = ["心电监护仪", "输液泵", "注射泵", "呼吸机", "除颤仪", "血糖仪", "床旁超声"]
SUPPLIES = ["一次性输液器", "医用外科口罩", "真空采血管", "防护面屏", "一次性换药包"]
PLACES = ["卫生间", "开水间", "治疗室天花板", "污物间", "护士站"]
FIELDS = ["跌倒风险评估", "营养风险筛查", "VTE风险评估", "压力性损伤评估"]
PRINTERS = ["腕带打印机", "标签打印机", "报告打印机"]
WHENS = ["周一上午", "节假日后首日", "周五下午", "月初", "寒暑假高峰期"]


@dataclass(frozen=True)
class Topic:
    """A kind of thing that happens in a hospital, as a matter.

    `origins` and `lead` are department codes, or "@clinical" for any clinical
    department. Texts may use {dept} (originating department), {target} (a clinical
    department the matter is about), {month}, {floor}, {when}, {equipment}, {supply},
    {place}, {field}, {printer}."""

    kind: str
    origins: tuple[str, ...]
    lead: str
    title: str
    description: str
    reply: str
    co: tuple[str, ...] = ()
    urgency: str = Urgency.NORMAL
    # Where it is often sent first by mistake, and what that department says.
    wrong_lead: str = ""
    wrong_reason: str = ""


C = "@clinical"

TOPICS = [
    # 信息科 — information systems (the seeds' 信息化建设沟通协调机制)
    Topic(
        "liaison_report",
        (C,),
        "XXK",
        "{dept}护士站电脑无法登录HIS系统",
        "今天上午起，{dept}护士站两台电脑登录HIS提示“连接超时”，医嘱无法执行，"
        "已临时改为手工记录。请信息科尽快派人处理。",
        "已到现场检查，系楼层交换机端口故障，已更换端口并恢复登录；建议科室保留一台备用机。",
        urgency=Urgency.URGENT,
        wrong_lead="SBK",
        wrong_reason="电脑和网络归信息科维护，设备科只负责医疗设备。",
    ),
    Topic(
        "coordination",
        ("MZB",),
        "XXK",
        "门诊{floor}楼叫号系统屏幕显示错乱",
        "门诊{floor}楼候诊区叫号屏显示的患者姓名与诊室不对应，患者多次走错诊室，分诊台解释压力很大。",
        "叫号服务器时间不同步导致队列错位，已校时并增加自动校时任务，观察三天未再出现。",
        co=("MZB",),
    ),
    Topic(
        "coordination",
        (C,),
        "XXK",
        "检验结果未能推送到{dept}医生工作站",
        "昨天下午起，部分检验结果在LIS中已审核，但医生工作站看不到，需要电话询问检验科。",
        "LIS与HIS接口消息队列堵塞，已清理并扩容，补推送未到达的结果共126条。",
        co=("JYK",),
        urgency=Urgency.URGENT,
    ),
    Topic(
        "suggestion",
        (C, "HLB"),
        "XXK",
        "电子病历护理记录增加{field}模板",
        "护理部要求住院患者入院24小时内完成{field}，目前电子病历没有结构化模板，"
        "护士只能手写后扫描。建议增加模板并设置提醒。",
        "模板已上线，入院24小时未完成的会在护士站列表中提醒。",
        co=("HLB",),
    ),
    Topic(
        "liaison_report",
        (C,),
        "XXK",
        "{dept}{printer}无法打印",
        "{dept}{printer}更换电脑后一直报驱动错误，新入院患者无法打印，影响身份识别。",
        "已重新安装驱动并设置为默认打印机，科室已验证可以正常打印。",
        wrong_lead="SBK",
        wrong_reason="打印机属于信息设备，由信息科负责安装和维护。",
    ),
    Topic(
        "coordination",
        ("CWK", "YBB"),
        "XXK",
        "医保结算接口报错，出院患者无法结算",
        "今天上午出院结算窗口多次提示“医保交易超时”，已有十余名出院患者在窗口等待。"
        "请信息科紧急排查与市医保平台的接口。",
        "市医保平台证书更新后我院前置机未同步，已更新证书并恢复结算；已建立证书到期提醒。",
        co=("YBB",),
        urgency=Urgency.EMERGENCY,
    ),
    Topic(
        "coordination",
        ("MZB",),
        "XXK",
        "门诊{floor}楼自助机无法打印检验报告单",
        "门诊大厅三台自助机均无法打印检验报告，患者只能到检验科窗口排队领取。",
        "自助机打印服务证书过期，已更新；检验科窗口排队已恢复正常。",
        co=("JYK",),
    ),
    Topic(
        "liaison_report",
        (C,),
        "XXK",
        "{dept}调阅PACS影像速度慢",
        "{dept}医生工作站打开CT影像需要两三分钟，查房和会诊时无法及时看片。",
        "已为该病区增加影像缓存节点，调阅时间缩短到十秒以内。",
        co=("YXYXK",),
    ),
    Topic(
        "coordination",
        ("YJK",),
        "XXK",
        "合理用药系统提示规则需要更新",
        "新版药品说明书调整了部分抗菌药物的剂量范围，合理用药系统仍按旧规则提示，"
        "临床反映误报较多。请信息科配合更新规则库。",
        "规则库已按药剂科提供的清单更新，误报明显减少。",
        co=("YWK",),
    ),
    Topic(
        "coordination",
        ("XXK",),
        "YWK",
        "HIS系统{month}升级停机时间安排",
        "HIS系统计划于周六凌晨升级，预计停机两小时。请医务科协调各临床科室做好应急准备，"
        "急诊和手术室需要启用手工流程。",
        "已发通知到各临床科室，急诊科、手术室、药房均已确认应急预案。",
        co=("HLB", "MZB"),
    ),
    # 检验科 — the 30-minute and 6-hour limits
    Topic(
        "supervision",
        ("DCB",),
        "JYK",
        "急诊血常规报告出具超过30分钟",
        "按门诊协调机制，血、尿、便常规检验自检查开始到出具结果应≤30分钟。"
        "本周急诊血常规有多份报告超过45分钟，请检验科查明原因并整改。",
        "夜间只有一名技师同时负责急诊和住院标本，已调整为急诊专人值守；本周超时率降为2%。",
        urgency=Urgency.URGENT,
    ),
    Topic(
        "coordination",
        (C,),
        "JYK",
        "生化检验报告出具超过6小时",
        "{dept}上午送检的生化标本，下午四点仍未出报告，影响当日治疗方案调整。"
        "按规定生化、凝血、免疫项目应在6小时内出具。",
        "生化分析仪上午故障两小时，已启用备用机；已建立仪器故障时通知临床的流程。",
    ),
    Topic(
        "coordination",
        ("JYK",),
        "HLB",
        "{target}标本送检不及时导致溶血",
        "近两周{target}送检的血标本溶血率明显升高，多为采血后放置超过两小时才送达。",
        "护理部已明确标本采集后30分钟内送检，运送人员增加上午十点一趟。",
        co=("ZWHQK",),
    ),
    Topic(
        "coordination",
        ("MZB",),
        "JYK",
        "{when}门诊抽血窗口排长队",
        "每天上午八点到十点，门诊抽血窗口排队超过40分钟，患者投诉较多。",
        "高峰时段增开两个抽血窗口，并开放自助取号分时段抽血。",
        co=("MZB",),
    ),
    # 药剂科 — monthly visits to clinical departments
    Topic(
        "contact_form",
        ("YJK",),
        C,
        "药剂科{month}临床走访反馈：{target}备用药品管理",
        "药剂科{month}走访{target}时发现：病区备用药品基数与登记不符，"
        "部分高警示药品未单独存放、未贴警示标识。请科室整改并回复。",
        "已清点备用药品并重新登记基数，高警示药品已单独存放并张贴标识。",
    ),
    Topic(
        "coordination",
        ("YJK",),
        C,
        "临床药学：{target}抗菌药物使用强度偏高",
        "本季度{target}抗菌药物使用强度高于全院平均水平，请科室配合临床药师开展专项点评。",
        "科室已组织学习抗菌药物分级管理规定，临床药师每周参加一次查房。",
        co=("YWK",),
    ),
    Topic(
        "coordination",
        (C,),
        "YJK",
        "{dept}申请临时采购急需药品",
        "{dept}收治一名特殊感染患者，需要使用本院目录外药品，请药剂科协助临时采购。",
        "已按临时采购流程报批，药品今天下午到货并送至病区。",
        urgency=Urgency.URGENT,
    ),
    Topic(
        "coordination",
        ("MZB",),
        "YJK",
        "{when}门诊药房取药排队时间过长",
        "门诊药房上午取药平均等候超过30分钟，候药区拥挤。",
        "门诊药房高峰时段增开一个发药窗口，并上线缴费后自动摆药。",
        co=("XXK",),
    ),
    Topic(
        "coordination",
        ("HLB",),
        "YJK",
        "静配中心配送时间与{target}用药时间不匹配",
        "静配中心上午的配送在十点后才到病区，部分八点的用药只能由病区自行配置。",
        "静配中心调整为分两批配送，首批七点半前送达。",
        co=("HLB",),
    ),
    # 门诊部 — outpatient peaks
    Topic(
        "coordination",
        ("MZB",),
        C,
        "门诊高峰分流：{target}候诊区拥挤",
        "周一上午{target}门诊就诊人数超过接诊能力，候诊区拥挤。请按门诊高峰应急预案增派医生。",
        "已增派两名医生出诊，并开放临近诊室分流，候诊时间恢复正常。",
        co=("HLB", "BWK"),
        urgency=Urgency.URGENT,
    ),
    Topic(
        "coordination",
        (C,),
        "MZB",
        "{dept}门诊号源不足，预约排到两周后",
        "{dept}专家门诊预约已排到两周后，复诊患者无法及时挂号。",
        "已增加一个专家半天门诊，并开放复诊患者预留号源。",
        co=("XXK",),
    ),
    Topic(
        "coordination",
        ("MZB",),
        "CWK",
        "{when}门诊收费窗口排队过长，请增开窗口",
        "节假日后第一天门诊收费窗口排队过长，请财务科安排增开窗口、延长服务时间。",
        "高峰时段已增开两个收费窗口，并推广诊间支付。",
        co=("MZB",),
    ),
    # 设备科 / 总务后勤科 / 物资部 — repairs and supplies
    Topic(
        "liaison_report",
        (C,),
        "SBK",
        "{dept}{equipment}故障报修",
        "{dept}一台{equipment}开机报警无法使用，病区同类设备紧张，请尽快维修。",
        "设备已维修并经计量检测合格，已送回科室。",
        urgency=Urgency.URGENT,
        wrong_lead="ZWHQK",
        wrong_reason="医疗设备维修归设备科负责，后勤只负责水电、房屋和电梯。",
    ),
    Topic(
        "suggestion",
        (C,),
        "SBK",
        "{dept}申请增配{equipment}",
        "{dept}床位使用率长期在95%以上，现有{equipment}不够周转，申请增配两台。",
        "已纳入下季度设备采购计划，采购前从设备调配中心借用一台。",
        co=("CWK",),
    ),
    Topic(
        "liaison_report",
        (C,),
        "ZWHQK",
        "{dept}病区{place}漏水",
        "{dept}病区{place}漏水，地面湿滑，已放置警示牌，担心患者滑倒。",
        "已更换破损水管并修补防水层，地面已清理干净。",
        urgency=Urgency.URGENT,
        wrong_lead="SBK",
        wrong_reason="房屋和水电维修归总务后勤科，不属医疗设备。",
    ),
    Topic(
        "coordination",
        (C,),
        "ZWHQK",
        "{dept}病房空调制冷效果差",
        "{dept}多间病房空调制冷不足，室温超过28度，患者和家属意见较大。",
        "已清洗空调滤网并补充冷媒，病房温度恢复到26度以下。",
    ),
    Topic(
        "coordination",
        ("HLB", C),
        "ZWHQK",
        "住院楼{floor}号电梯故障频繁",
        "住院楼{floor}号电梯本月已停运三次，转运患者只能改用货梯，存在安全隐患。",
        "已请维保单位更换控制板，并增加每周巡检一次。",
        co=("BWK",),
    ),
    Topic(
        "contact_form",
        ("YGB",),
        "ZWHQK",
        "医疗废物暂存点清运不及时",
        "院感督查发现医疗废物暂存点周末未清运，存放超过48小时，不符合规定。",
        "已与医疗废物处置公司约定周末加收一次，并安排专人每日登记。",
        co=("YGB",),
    ),
    Topic(
        "liaison_report",
        (C,),
        "WZB",
        "{dept}申领{supply}未到货",
        "{dept}上周申领的{supply}至今未到货，病区库存只够两天使用。",
        "供应商配送延迟，已从库存调拨应急，余量本周五前到货。",
        wrong_lead="SBK",
        wrong_reason="一次性耗材的申领和配送归物资部管理。",
    ),
    Topic(
        "coordination",
        ("HLB", C),
        "WZB",
        "工作服采购：新入职护士工作服尺码不全",
        "本批新入职护士的工作服尺码不全，部分人员仍穿实习服上岗，请物资部补充采购。",
        "已按尺码清单补充采购，本周内发放到各病区。",
        co=("RLZYK",),
    ),
    # 人力资源科 / 医务科 / 护理部
    Topic(
        "coordination",
        (C,),
        "RLZYK",
        "{dept}护理人员缺编，申请调配",
        "{dept}两名护士休产假，夜班排班困难，申请临时调配护理人员。",
        "已从护理机动库调配一名护士支援三个月，并启动招聘。",
        co=("HLB",),
    ),
    Topic(
        "coordination",
        ("JZK",),
        "YWK",
        "多发伤患者会诊响应慢",
        "近期多发伤患者请骨科、神经外科会诊，平均响应超过30分钟，影响抢救。",
        "医务科已重申急会诊10分钟到场的规定，多发伤急救协调小组每月通报响应时间。",
        co=("GK", "SJWK", "PWK"),
        urgency=Urgency.URGENT,
    ),
    Topic(
        "coordination",
        (C,),
        "YWK",
        "{dept}会诊申请超过24小时未响应",
        "{dept}发出的普通会诊申请超过24小时无人响应，请医务科协调。",
        "已督促被邀科室完成会诊，并在会诊系统中增加超时提醒。",
    ),
    Topic(
        "coordination",
        (C,),
        "HLB",
        "{dept}夜班护士配置不足",
        "{dept}夜班只有两名护士负责40张床，危重患者较多时难以兼顾。",
        "护理部已调整排班，夜班增加一名护士，并安排护理机动人员备班。",
        co=("RLZYK",),
    ),
    # 医保 / 财务
    Topic(
        "coordination",
        ("YBB",),
        C,
        "医保结算拒付：{target}{month}病例",
        "市医保中心{month}审核拒付{target}病例3份，主要是超适应症用药和重复收费。"
        "请科室说明情况并整改。",
        "科室已逐份说明，其中两份已补充材料申诉；已组织医生学习医保限定支付范围。",
        co=("CWK",),
    ),
    Topic(
        "coordination",
        (C,),
        "YBB",
        "异地医保患者出院结算流程不清",
        "{dept}多名异地医保患者出院时不清楚是否需要备案，家属反复往返窗口。",
        "医保办已制作异地就医结算告知单，并在入院处发放。",
        co=("CWK",),
    ),
    # 院感督查整改 — supervision and rectification
    Topic(
        "rectification",
        ("DCB",),
        C,
        "院感督查整改：{target}手卫生依从性不达标",
        "{month}院感督查发现{target}手卫生依从性为68%，低于80%的要求。请限期整改并回复整改情况。",
        "已组织全科手卫生培训，每个治疗车配备速干手消毒剂，科内自查依从性达到85%。",
    ),
    Topic(
        "contact_form",
        ("YGB",),
        C,
        "院感督查整改：{target}治疗室无菌物品过期",
        "督查时在{target}治疗室发现3件无菌物品已过有效期，请立即清理并整改管理流程。",
        "已清理过期物品，实行每日专人检查有效期并登记。",
        co=("HLB",),
    ),
    Topic(
        "supervision",
        ("DCB",),
        "ZWHQK",
        "督办：院内标识标牌更新",
        "精品医院建设要求院内标识明确、醒目、易懂，目前门诊和住院楼仍有旧标识。请限期更新。",
        "已完成门诊和住院楼全部标识更换，共更新标识牌86块。",
        co=("XCK",),
    ),
    Topic(
        "supervision",
        ("DCB",),
        "ZLKZK",
        "督办：{month}运行病历缺陷整改",
        "{month}运行病历抽查缺陷率偏高，请质量控制科牵头督促相关科室整改并汇总回复。",
        "已将缺陷清单反馈到各科室，整改完成率100%，下月复查。",
        co=("YWK",),
    ),
    # Security, union, education
    Topic(
        "coordination",
        ("JZK",),
        "BWK",
        "急诊科夜间秩序隐患，申请增派保安",
        "近期急诊科夜间多次发生家属情绪激动、推搡医务人员的情况，申请夜间增派保安。",
        "夜间已固定一名保安在急诊区域值守，并与派出所建立联动机制。",
    ),
    Topic(
        "suggestion",
        ("GH",),
        "ZWHQK",
        "职工食堂夜班餐供应建议",
        "工会收集到职工意见：夜班人员下班后食堂已关闭，建议提供夜班餐。",
        "食堂已增设夜班餐，晚上十点到十二点供应。",
        co=("CWK",),
    ),
    Topic(
        "coordination",
        ("KJK",),
        "CWK",
        "科研经费报销流程咨询",
        "多个科室反映科研经费报销需要的材料不清楚，退单率高，请财务科明确流程。",
        "财务科已发布科研经费报销指南，并每月第二周周三集中答疑。",
    ),
]

TOPIC_BY_TITLE = {topic.title: topic for topic in TOPICS}

WORK_CLOTHES = Topic(
    "contact_form",
    ("ZWHQK",),
    "WZB",
    "外包焊工劳保工作服领用（锅炉房管道改造）",
    "锅炉房管道改造由外包单位的三名焊工施工，日常纳入后勤维修班管理。外包合同写明"
    "“劳保用品由甲方提供”，但没有列明细。请物资部按维修班同款发放三套劳保工作服。",
    "已发起采购，费用走运行维持费；到货前向物资部借用三套，已归还。外包合同模板已修订。",
)


# The plan of one matter: its steps, each a function run at a set time.


@dataclass
class Story:
    """One matter's life: what happens to it, step by step, with the hours between."""

    rng: random.Random
    topic: Topic
    target: str  # the state label it is meant to end in (for the summary and tests)
    steps: list[tuple[float, Callable[[], None]]] = field(default_factory=list)
    matter: Matter | None = None
    context: dict = field(default_factory=dict)

    def then(self, hours: float, action: Callable[[], None]) -> "Story":
        self.steps.append((hours, action))
        return self

    @property
    def title(self) -> str:
        return self.matter.title if self.matter else self.topic.title

    @property
    def span_hours(self) -> float:
        return sum(hours for hours, _action in self.steps)


class DemoMattersBuilder:
    def __init__(self, organization: Organization, seed: int = DEFAULT_SEED):
        self.organization = organization
        self.seed = seed
        self.rng = random.Random(seed)
        self.departments = {d.code: d for d in Department.objects.filter(organization=organization)}
        self.kinds = {k.code: k for k in MatterKind.objects.filter(organization=organization)}
        self.heads: dict[str, Person] = {}
        self.liaisons: dict[str, Person] = {}
        self.deputies: dict[str, Person] = {}
        self.nurses: dict[str, Person] = {}
        self.staff: dict[str, list[Person]] = {}
        positions = (
            Position.objects.current()
            .filter(department__organization=organization, person__is_active=True)
            .select_related("person", "department")
            .order_by("department__sort_order", "person__employee_number", "role")
        )
        roles = {
            "head": self.heads,
            "liaison_officer": self.liaisons,
            "deputy_head": self.deputies,
            "head_nurse": self.nurses,
        }
        for position in positions:
            code = position.department.code
            if position.role in roles:
                roles[position.role].setdefault(code, position.person)
            else:
                self.staff.setdefault(code, []).append(position.person)
        self.login = {
            p.user.username: p
            for p in Person.objects.filter(organization=organization).select_related("user")
        }
        self.clinical = [
            code for code, d in self.departments.items() if d.kind == DepartmentKind.CLINICAL
        ]
        office = organization.coordinating_department
        self.office = office.code if office else "YB"

    # People.

    def person(self, username: str) -> Person:
        return self.login[username]

    def originator_in(self, code: str, rng: random.Random) -> Person:
        """Who raises a matter for a department: often the liaison officer (their duty),
        sometimes the head, a head nurse or a member of staff."""
        if code == "YJK" and rng.random() < 0.6:
            return self.person("lianluo")
        if code == "DCB" and rng.random() < 0.6:
            return self.person("duchaban")
        if code == "EK" and rng.random() < 0.3:
            return self.person("yuangong")
        roll = rng.random()
        if roll < 0.45 and code in self.liaisons:
            return self.liaisons[code]
        if roll < 0.65 and code in self.heads:
            return self.heads[code]
        if roll < 0.8 and code in self.nurses:
            return self.nurses[code]
        staff = self.staff.get(code) or [self.heads[code]]
        return rng.choice(staff)

    def handler_of(self, department: Department, rng: random.Random) -> Person:
        """Someone who acts for the department: head, deputy or liaison officer."""
        code = department.code
        if code == "XXK":
            return self.person("zhuren")
        if code == "YJK" and rng.random() < 0.5:
            return self.person("lianluo")
        choices = [p for p in (self.heads.get(code), self.deputies.get(code)) if p]
        if code in self.liaisons:
            choices.append(self.liaisons[code])
        return rng.choice(choices) if rng.random() < 0.4 else choices[0]

    def office_person(self, rng: random.Random) -> Person:
        """Who in the coordinating office dispatches: mostly the 院办 demo login."""
        if rng.random() < 0.75:
            return self.person("yuanban")
        return self.heads[self.office]

    # Building one story.

    def story(
        self,
        index: int,
        target: str,
        topic: Topic | None = None,
        *,
        origin: str = "",
        originator: Person | None = None,
        lead: str = "",
    ) -> Story:
        rng = random.Random(f"{self.seed}:{index}")
        if topic is None:
            candidates = TOPICS
            if target in ("returned", "transferred"):
                candidates = [t for t in TOPICS if t.wrong_lead]
            topic = rng.choice(candidates)
        story = Story(rng=rng, topic=topic, target=target)
        if not origin:
            origin = rng.choice(topic.origins)
            if origin == C:
                origin = rng.choice(self.clinical)
        if not lead:
            lead = topic.lead
            if lead == C:
                lead = rng.choice([c for c in self.clinical if c != origin])
        target_code = lead if topic.lead == C else rng.choice(self.clinical)
        story.context.update(
            origin=self.departments[origin],
            originator=originator or self.originator_in(origin, rng),
            lead=self.departments[lead],
            target=self.departments[target_code],
            placeholders={
                "equipment": rng.choice(EQUIPMENT),
                "supply": rng.choice(SUPPLIES),
                "place": rng.choice(PLACES),
                "field": rng.choice(FIELDS),
                "printer": rng.choice(PRINTERS),
                "floor": rng.randrange(1, 7),
                "when": rng.choice(WHENS),
            },
        )
        return story

    def text(self, story: Story, template: str) -> str:
        values = dict(story.context["placeholders"])
        values.update(
            dept=story.context["origin"].name,
            target=story.context["target"].name,
            month=f"{timezone.localdate().month}月",
        )
        return template.format(**values)

    def co_departments(self, story: Story) -> list[Department]:
        """The topic's co-organizers, leaving out the lead and the originating department."""
        lead, origin = story.context["lead"], story.context["origin"]
        codes = [c for c in story.topic.co if c not in (lead.code, origin.code)]
        return [self.departments[c] for c in codes if c in self.departments]

    # Steps. Each appends what happens next to the story, with the hours it takes.

    def create(self, story: Story, *, direct: bool, submit: bool = True, wait: float = 0) -> None:
        def run():
            topic = story.topic
            lead = story.context["lead"] if direct else None
            due = None
            if topic.urgency != Urgency.NORMAL and direct:
                due = timezone.localdate() + datetime.timedelta(days=story.rng.choice((2, 3)))
            story.matter = services.create_matter(
                story.context["originator"],
                MatterInput(
                    title=self.text(story, topic.title),
                    description=self.text(story, topic.description),
                    kind=self.kinds[topic.kind],
                    urgency=topic.urgency
                    if story.rng.random() < 0.8
                    else story.rng.choice(Urgency.values),
                    originator_department=story.context["origin"],
                    lead_department=lead,
                    co_departments=tuple(self.co_departments(story)) if direct else (),
                    due=due,
                ),
                submit=submit,
            )

        story.then(wait, run)

    def dispatch(
        self,
        story: Story,
        lead: Department | None = None,
        *,
        by: Person | None = None,
        wait: float | None = None,
        reason: str = "",
    ) -> None:
        def run():
            matter = story.matter
            person = by or (
                matter.responsible_person
                if matter.owner_department_id != self.departments[self.office].pk
                else self.office_person(story.rng)
            )
            target = lead or story.context["lead"]
            due = timezone.localdate() + datetime.timedelta(
                days=matter.kind.default_days + story.rng.choice((0, 0, 2, 5))
            )
            co = [d for d in self.co_departments(story) if d.pk != target.pk]
            story.matter = services.dispatch(
                matter, person, lead=target, co_departments=co, due=due, reason=reason
            )

        story.then(story.rng.uniform(1, 20) if wait is None else wait, run)

    def accept(self, story: Story, *, responsible: Person | None = None) -> None:
        def run():
            matter = story.matter
            person = self.handler_of(matter.lead_department, story.rng)
            story.matter = services.accept(matter, person, responsible=responsible)
            if story.rng.random() < 0.15:
                services.comment(story.matter, person, text=story.rng.choice(ACCEPT_NOTES))

        story.then(story.rng.uniform(0.5, 16), run)

    def return_(self, story: Story, reason: str) -> None:
        def run():
            matter = story.matter
            person = self.handler_of(matter.lead_department, story.rng)
            story.matter = services.return_matter(matter, person, reason=reason)

        story.then(story.rng.uniform(1, 20), run)

    def transfer(self, story: Story, to: Department, reason: str) -> None:
        def run():
            matter = story.matter
            person = self.handler_of(matter.lead_department, story.rng)
            story.matter = services.transfer(matter, person, lead=to, reason=reason)

        story.then(story.rng.uniform(1, 20), run)

    def contribute(self, story: Story, *, share: float = 1.0) -> None:
        def run():
            matter = story.matter
            for co in list(matter.co_organizers.select_related("department")):
                if co.contributed_at is not None or story.rng.random() > share:
                    continue
                person = self.handler_of(co.department, story.rng)
                text = CONTRIBUTIONS.get(co.department.code, DEFAULT_CONTRIBUTION)
                story.matter = services.contribute(matter, person, text=text)

        story.then(story.rng.uniform(2, 30), run)

    def comment(self, story: Story, *, internal: bool = False) -> None:
        def run():
            matter = story.matter
            if internal:
                person = self.handler_of(matter.lead_department, story.rng)
                text = story.rng.choice(INTERNAL_NOTES)
            else:
                person = matter.originator
                lead = matter.lead_department or story.context["lead"]
                text = story.rng.choice(COMMENTS).format(
                    person=self.heads[lead.code].name, department=lead.name
                )
            services.comment(matter, person, text=text, internal=internal)

        story.then(story.rng.uniform(1, 24), run)

    def request_extension(self, story: Story) -> None:
        def run():
            matter = story.matter
            # The responsible person of an accepted matter works in (or acts for) the lead.
            services.request_extension(
                matter,
                matter.responsible_person,
                due=matter.due + datetime.timedelta(days=story.rng.choice((5, 7, 10, 14))),
                reason=story.rng.choice(EXTENSION_REASONS),
            )

        story.then(story.rng.uniform(12, 60), run)

    def decide_extension(self, story: Story, *, approve: bool) -> None:
        def run():
            matter = story.matter
            person = matter.dispatcher or self.office_person(story.rng)
            services.decide_extension(
                matter,
                person,
                approve=approve,
                reason="同意延期，请按新时限完成。"
                if approve
                else story.rng.choice(DENIAL_REASONS),
            )
            story.matter = Matter.objects.get(pk=matter.pk)

        story.then(story.rng.uniform(2, 24), run)

    def reply(self, story: Story, text: str = "") -> None:
        def run():
            matter = story.matter
            story.matter = services.reply(
                matter, matter.responsible_person, text=text or self.text(story, story.topic.reply)
            )

        story.then(story.rng.uniform(24, 120), run)

    def confirm(self, story: Story, rating: str, comment: str = "") -> None:
        comments = {
            Rating.SATISFIED: SATISFIED_COMMENTS,
            Rating.BASICALLY_SATISFIED: BASIC_COMMENTS,
            Rating.UNSATISFIED: UNSATISFIED_COMMENTS,
        }[rating]

        def run():
            matter = story.matter
            story.matter = services.confirm(
                matter,
                matter.originator,
                rating=rating,
                comment=comment or story.rng.choice(comments),
            )

        story.then(story.rng.uniform(2, 48), run)

    def reopen(self, story: Story) -> None:
        def run():
            matter = story.matter
            story.matter = services.reopen(
                matter, matter.originator, reason=story.rng.choice(REOPEN_REASONS)
            )

        story.then(story.rng.uniform(48, 160), run)

    def escalate(self, story: Story, levels: int, *, by: Person | None = None) -> None:
        """Up the ladder `levels` steps; each step is taken by whoever holds it then."""
        for step in range(levels):

            def run(first=(step == 0)):
                matter = story.matter
                person = by if first and by is not None else matter.responsible_person
                if first and by is None and matter.state != State.ESCALATED:
                    person = self.handler_of(matter.lead_department, story.rng)
                level = matter.escalation_level + 1
                story.matter = services.escalate(matter, person, reason=ESCALATION_REASONS[level])

            story.then(story.rng.uniform(4, 48), run)

    def decide_escalation(self, story: Story, lead: Department | None = None) -> None:
        """Whoever holds the escalation decides: a clear lead and a time limit."""

        def run():
            matter = story.matter
            target = lead or story.context["lead"]
            person = matter.responsible_person
            due = timezone.localdate() + datetime.timedelta(days=story.rng.choice((5, 7)))
            story.matter = services.dispatch(
                matter,
                person,
                lead=target,
                co_departments=[d for d in self.co_departments(story) if d.pk != target.pk],
                due=due,
                reason=DECISION_REASON.format(lead=target.name),
            )

        story.then(story.rng.uniform(4, 30), run)

    def withdraw(self, story: Story) -> None:
        def run():
            matter = story.matter
            story.matter = services.withdraw(
                matter, matter.originator, reason=story.rng.choice(WITHDRAW_REASONS)
            )

        story.then(story.rng.uniform(1, 30), run)

    def close_as_not_a_matter(self, story: Story, *, by: Person | None = None) -> None:
        def run():
            matter = story.matter
            person = by or matter.responsible_person
            if matter.state == State.SUBMITTED and by is None:
                person = self.office_person(story.rng)
            story.matter = services.close_as_not_a_matter(
                matter, person, reason=story.rng.choice(NOT_A_MATTER_REASONS)
            )

        story.then(story.rng.uniform(2, 24), run)

    # Paths: from raising a matter to the state it is meant to end in.

    def to_dispatched(self, story: Story, *, direct: bool | None = None) -> None:
        if direct is None:
            direct = story.rng.random() < 0.4
        if direct:
            self.create(story, direct=True)
            return
        if story.rng.random() < 0.15:
            # Written as a draft first, submitted later.
            self.create(story, direct=False, submit=False)
            story.then(story.rng.uniform(1, 30), lambda: self._submit(story))
        else:
            self.create(story, direct=False)
        self.dispatch(story)

    def _submit(self, story: Story) -> None:
        story.matter = services.submit_matter(story.matter, story.matter.originator)

    def to_accepted(self, story: Story, **kwargs) -> None:
        rng = story.rng
        if story.topic.wrong_lead and rng.random() < 0.25:
            # Sent to the wrong department first: it transfers or returns it.
            story.context["right_lead"] = story.context["lead"]
            wrong = self.departments[story.topic.wrong_lead]
            self.create(story, direct=False)
            self.dispatch(story, wrong)
            if rng.random() < 0.5:
                self.transfer(story, story.context["lead"], story.topic.wrong_reason)
            else:
                self.return_(story, story.topic.wrong_reason)
                self.dispatch(story, story.context["lead"], reason="退回后重新交办。")
        else:
            self.to_dispatched(story)
        if rng.random() < 0.4 and story.topic.co:
            self.contribute(story, share=0.5)
        self.accept(story, **kwargs)
        if rng.random() < 0.2:
            self.comment(story)
        if rng.random() < 0.1:
            self.comment(story, internal=True)

    def to_replied(self, story: Story) -> None:
        self.to_accepted(story)
        if story.rng.random() < 0.15:
            self.request_extension(story)
            self.decide_extension(story, approve=story.rng.random() < 0.7)
        if story.topic.co:
            self.contribute(story)
        self.reply(story)

    def to_closed(self, story: Story, rating: str) -> None:
        self.to_replied(story)
        self.confirm(story, rating)

    def plan(self, story: Story) -> Story:
        """Append the steps that take the story to its target state."""
        rng = story.rng
        target = story.target
        if target == "draft":
            self.create(story, direct=rng.random() < 0.5, submit=False)
        elif target == "submitted":
            self.create(story, direct=False)
        elif target == "returned":
            self.create(story, direct=False)
            self.dispatch(story, self.departments[story.topic.wrong_lead])
            self.return_(story, story.topic.wrong_reason)
        elif target == "dispatched":
            self.to_dispatched(story)
            if rng.random() < 0.3 and story.topic.co:
                self.contribute(story, share=0.5)
        elif target == "transferred":
            self.create(story, direct=False)
            self.dispatch(story, self.departments[story.topic.wrong_lead])
            self.transfer(story, story.context["lead"], story.topic.wrong_reason)
        elif target == "accepted":
            self.to_accepted(story)
            roll = rng.random()
            if roll < 0.15:
                self.request_extension(story)  # waiting for a decision
            elif roll < 0.3:
                self.request_extension(story)
                self.decide_extension(story, approve=rng.random() < 0.7)
        elif target == "replied":
            self.to_replied(story)
        elif target == "escalated":
            levels = rng.choice((1, 1, 2, 2, 3, 4))
            if rng.random() < 0.5:
                self.to_dispatched(story)
            else:
                self.to_accepted(story)
            self.escalate(story, levels)
        elif target in ("closed", "archived"):
            roll = rng.random()
            if roll < 0.55:
                self.to_closed(story, Rating.SATISFIED)
            elif roll < 0.8:
                self.to_closed(story, Rating.BASICALLY_SATISFIED)
            elif roll < 0.9:
                # Unsatisfied: back to the lead (重办), replied again, then accepted.
                self.to_closed(story, Rating.UNSATISFIED)
                self.reply(story, "已重新排查并彻底处理，连续观察三天未再出现。")
                self.confirm(story, Rating.BASICALLY_SATISFIED)
            else:
                # Escalated, decided by the level above, then done.
                self.to_dispatched(story)
                self.escalate(story, rng.choice((1, 2)))
                self.decide_escalation(story)
                self.accept(story)
                self.reply(story)
                self.confirm(story, Rating.SATISFIED)
        elif target == "not_a_matter":
            # The coordinating office finds nothing to coordinate.
            self.create(story, direct=False)
            self.close_as_not_a_matter(story)
        elif target == "reopened":
            self.to_closed(story, Rating.SATISFIED)
            self.reopen(story)
        elif target in ("withdrawn", "withdrawn_archived"):
            roll = rng.random()
            if roll < 0.3:
                self.create(story, direct=False, submit=False)
            elif roll < 0.7:
                self.create(story, direct=False)
            else:
                self.to_dispatched(story, direct=True)
            self.withdraw(story)
        else:
            raise ValueError(f"unknown target {target}")
        return story

    # The whole demo.

    #: Share of each target among the randomly drawn matters.
    MIX = [
        ("draft", 0.04),
        ("submitted", 0.05),
        ("returned", 0.02),
        ("dispatched", 0.08),
        ("transferred", 0.03),
        ("accepted", 0.17),
        ("reopened", 0.01),
        ("replied", 0.07),
        ("escalated", 0.05),
        ("closed", 0.16),
        ("not_a_matter", 0.02),
        ("archived", 0.24),
        ("withdrawn", 0.03),
        ("withdrawn_archived", 0.03),
    ]

    #: When each target's last step happens: (least, most) hours before now.
    ENDS = {
        "draft": (1, 400),
        "submitted": (1, 36),
        "returned": (2, 48),
        "dispatched": (1, 40),
        "transferred": (1, 40),
        "accepted": (4, 200),
        "reopened": (4, 120),
        "replied": (2, 90),
        "escalated": (2, 72),
        "closed": (8, 650),
        "not_a_matter": (8, 650),
        "archived": (800, 1900),
        "withdrawn": (8, 650),
        "withdrawn_archived": (800, 1900),
    }

    def scripted(self) -> list[Story]:
        """Matters that make sure every demo login has work waiting, and the work-clothes
        chain."""
        d, p = self.departments, self.person
        stories: list[Story] = []

        def add(target, title, **kwargs):
            story = self.story(1_000_000 + len(stories), target, TOPIC_BY_TITLE[title], **kwargs)
            stories.append(story)
            return story

        stories.append(self.work_clothes())
        # 科主任 zhuren (信息科): to accept, to reply, one handed to a member of staff.
        for title in ("门诊{floor}楼叫号系统屏幕显示错乱", "门诊{floor}楼自助机无法打印检验报告单"):
            self.plan(add("dispatched", title))
        self.plan(add("accepted", "{dept}护士站电脑无法登录HIS系统"))
        for title, approve in (
            ("检验结果未能推送到{dept}医生工作站", True),
            ("{dept}调阅PACS影像速度慢", False),
        ):
            story = add("accepted", title)
            self.to_accepted(story)
            self.request_extension(story)
            self.decide_extension(story, approve=approve)
        story = add("accepted", "电子病历护理记录增加{field}模板", origin="HLB")
        self.to_dispatched(story)
        self.accept(story, responsible=p("admin"))
        # 联络员 lianluo (药剂科): replies to confirm; raised matters in other states.
        for title in (
            "药剂科{month}临床走访反馈：{target}备用药品管理",
            "临床药学：{target}抗菌药物使用强度偏高",
            "合理用药系统提示规则需要更新",
        ):
            self.plan(add("replied", title, originator=p("lianluo")))
        self.plan(
            add(
                "dispatched",
                "药剂科{month}临床走访反馈：{target}备用药品管理",
                originator=p("lianluo"),
            )
        )
        # 护士 yuangong and 督查办 duchaban: replies to confirm.
        self.plan(add("replied", "{dept}病区{place}漏水", origin="EK", originator=p("yuangong")))
        self.plan(add("replied", "督办：院内标识标牌更新", originator=p("duchaban")))
        # 院办 yuanban: returned to them for a new dispatch; new matters to dispatch.
        for title in ("{dept}{equipment}故障报修", "{dept}申领{supply}未到货"):
            story = add("returned", title)
            self.create(story, direct=False)
            self.dispatch(story, d[story.topic.wrong_lead], by=p("yuanban"))
            self.return_(story, story.topic.wrong_reason)
        self.plan(add("submitted", "{when}门诊收费窗口排队过长，请增开窗口"))
        # ... and an escalation at the coordinating office.
        self.plan_escalation(add("escalated", "{dept}病房空调制冷效果差"), 2)
        # 副院长 fuyuanzhang: escalations at the leader in charge, and an extension request
        # on a matter he decided.
        self.plan_escalation(add("escalated", "{when}门诊抽血窗口排长队"), 3)
        self.plan_escalation(add("escalated", "住院楼{floor}号电梯故障频繁"), 3)
        story = add("accepted", "{when}门诊药房取药排队时间过长")
        self.to_dispatched(story, direct=False)
        self.escalate(story, 3)
        self.decide_escalation(story)
        self.accept(story)
        self.request_extension(story)
        # 院长 yuanzhang: escalations to the leading group.
        self.plan_escalation(add("escalated", "多发伤患者会诊响应慢"), 4)
        self.plan_escalation(add("escalated", "{dept}夜班护士配置不足"), 4)
        return stories

    def plan_escalation(self, story: Story, levels: int) -> None:
        self.to_accepted(story)
        self.escalate(story, levels)

    def work_clothes(self) -> Story:
        """DOMAIN.md's worked case, in a hospital: the maintenance team asks stores for
        work clothes for outsourced welders; stores, HR and finance each turn it away, until
        the coordinating office sets a clear goal and a lead."""
        d = self.departments
        story = self.story(
            999_999,
            "closed",
            WORK_CLOTHES,
            origin="ZWHQK",
            originator=self.staff["ZWHQK"][0],
            lead="WZB",
        )
        originator = story.context["originator"]
        head = self.heads

        def act(hours, fn):
            story.then(hours, fn)

        self.create(story, direct=True)

        def set_(value):
            story.matter = value

        due = lambda days: timezone.localdate() + datetime.timedelta(days=days)  # noqa: E731
        act(
            20,
            lambda: set_(
                services.return_matter(
                    story.matter,
                    head["WZB"],
                    reason="劳保服经费只能用于本院职工；劳保用品的发放归口人力资源科，"
                    "须人力资源科通知后物资部才能发放。",
                )
            ),
        )
        act(
            6,
            lambda: set_(
                services.dispatch(
                    story.matter,
                    originator,
                    lead=d["RLZYK"],
                    due=due(5),
                    reason="按物资部意见，请人力资源科确认发放。",
                )
            ),
        )
        act(
            30,
            lambda: set_(
                services.transfer(
                    story.matter,
                    head["RLZYK"],
                    lead=d["CWK"],
                    reason="请财务科出具工作联系单，说明劳保服费用从哪里列支，人力资源科再通知发放。",
                )
            ),
        )
        act(
            40,
            lambda: set_(
                services.return_matter(
                    story.matter,
                    head["CWK"],
                    reason="财务科不出具联系单：合同没有列劳保用品明细，这笔费用没有预算可列支。",
                )
            ),
        )
        act(
            8,
            lambda: set_(
                services.dispatch(
                    story.matter,
                    originator,
                    lead=d["RLZYK"],
                    due=due(5),
                    reason="财务科不出具联系单，请人力资源科直接答复能否发放。",
                )
            ),
        )
        act(
            26,
            lambda: set_(
                services.return_matter(
                    story.matter,
                    head["RLZYK"],
                    reason="即使有联系单也不能发放：外包焊工不是本院职工，不在劳保服发放范围内。",
                )
            ),
        )
        act(
            4,
            lambda: set_(
                services.escalate(
                    story.matter,
                    originator,
                    reason="物资部、人力资源科、财务科都不受理，已经往返两周，焊工仍然没有工作服。",
                )
            ),
        )
        act(
            10,
            lambda: set_(
                services.escalate(
                    story.matter,
                    head["ZWHQK"],
                    reason="与三个科室负责人沟通未果，提请院办明确由谁牵头。",
                )
            ),
        )
        act(
            3,
            lambda: services.comment(
                story.matter,
                head[self.office],
                text="@物资部 @人力资源科 先明确协调目标：三名外包焊工和维修班穿同款劳保服，"
                "日常纳入班组管理，不区别对待。请两科今天给出能做到的部分。",
            ),
        )
        act(
            5,
            lambda: set_(
                services.dispatch(
                    story.matter,
                    head[self.office],
                    lead=d["ZWHQK"],
                    co_departments=[d["WZB"], d["RLZYK"]],
                    due=due(10),
                    reason="协调意见：由总务后勤科发起采购，费用走运行维持费；到货前物资部先借出"
                    "三套；人力资源科修订外包合同模板，写明劳保用品由外包单位按我院标准提供。",
                )
            ),
        )
        act(2, lambda: set_(services.accept(story.matter, head["ZWHQK"])))
        act(
            5,
            lambda: set_(
                services.contribute(
                    story.matter, head["WZB"], text="已先借出三套劳保服，采购到货后归还。"
                )
            ),
        )
        act(
            60,
            lambda: set_(
                services.contribute(
                    story.matter,
                    head["RLZYK"],
                    text="外包合同模板第七条已修订：劳保用品由乙方按甲方标准配置，清单作为附件。",
                )
            ),
        )
        act(
            70,
            lambda: set_(services.reply(story.matter, head["ZWHQK"], text=WORK_CLOTHES.reply)),
        )
        act(
            20,
            lambda: set_(
                services.confirm(
                    story.matter,
                    originator,
                    rating=Rating.BASICALLY_SATISFIED,
                    comment="问题解决了，但前后找了四个科室。以后合同里要写清楚劳保用品由谁提供。",
                )
            ),
        )
        story.context["end_hours"] = 150
        return story

    def random_stories(self, count: int) -> list[Story]:
        if count <= 0:
            return []
        quotas = [(target, max(1, round(count * share))) for target, share in self.MIX]
        # Adjust the largest share so the total is exact.
        total = sum(q for _t, q in quotas)
        quotas = [(t, q + (count - total if t == "accepted" else 0)) for t, q in quotas]
        targets = [t for t, q in quotas for _ in range(max(q, 0))][:count]
        self.rng.shuffle(targets)
        return [self.plan(self.story(index, target)) for index, target in enumerate(targets)]

    def build(self, count: int) -> "DemoMatters":
        started = time.perf_counter()
        stories = self.scripted()
        stories = (stories + self.random_stories(count - len(stories)))[:count]
        failures = self.run(stories)
        services.archive_closed_matters(self.organization)
        states = dict(
            Matter.objects.filter(pk__in=[s.matter.pk for s in stories if s.matter]).values_list(
                "pk", "state"
            )
        )
        for story in stories:
            expected = EXPECTED_STATE[story.target]
            reached = states.get(story.matter.pk) if story.matter else None
            if reached != expected and not any(f.startswith(story.title) for f in failures):
                failures.append(f"{story.title}: {reached}, meant to be {expected}")
        return DemoMatters(
            counts=Counter(
                Matter.objects.filter(organization=self.organization).values_list(
                    "state", flat=True
                )
            ),
            failures=failures,
            seconds=time.perf_counter() - started,
        )

    # Time: each story ends some hours before now; its steps keep their spacing.

    def schedule(self, stories: list[Story]) -> list[tuple[datetime.datetime, int, int]]:
        now = timezone.now()
        earliest = now - datetime.timedelta(days=HISTORY_DAYS)
        times = []
        for number, story in enumerate(stories):
            least, most = self.ENDS.get(story.target, (4, 300))
            end_hours = story.context.get("end_hours") or story.rng.uniform(least, most)
            span = story.span_hours
            start = now - datetime.timedelta(hours=end_hours + span)
            scale = 1.0
            if start < earliest:
                # Too long a story for the window: squeeze its steps.
                scale = max((now - earliest).total_seconds() / 3600 - end_hours, 1) / max(span, 1)
                start = earliest
            moment = start
            for step, (hours, _action) in enumerate(story.steps):
                moment += datetime.timedelta(hours=hours * scale)
                times.append((_office_hours(moment, now), number, step))
        return sorted(times)

    def run(self, stories: list[Story]) -> list[str]:
        """Run every step at its moment, all matters interleaved in date order. A step the
        rules refuse stops its story (and is reported); the others go on."""
        import time_machine  # a development dependency, like the demo itself

        order = self.schedule(stories)
        failures: list[str] = []
        if not order:
            return failures
        stopped: set[int] = set()
        with time_machine.travel(order[0][0], tick=False) as traveller:
            current = order[0][0]
            for moment, number, step in order:
                if number in stopped:
                    continue
                if moment > current:
                    traveller.shift(moment - current)
                    current = moment
                story = stories[number]
                try:
                    story.steps[step][1]()
                except ServiceError as exc:
                    stopped.add(number)
                    failures.append(f"{story.title}: step {step} refused: {exc.message}")
        return failures


def _office_hours(moment: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """Squeeze a moment into the working day (08:00–20:00 local) without changing the
    order of moments; today's moments stay before now."""
    local = timezone.localtime(moment)
    local_now = timezone.localtime(now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    seconds = (local - midnight).total_seconds()
    eight = 8 * 3600
    if local.date() < local_now.date():
        mapped = eight + seconds / 2
    else:
        now_seconds = (local_now - midnight).total_seconds()
        if now_seconds <= eight + 600:
            return min(moment, now - datetime.timedelta(minutes=1))
        mapped = eight + seconds * (now_seconds - eight - 60) / now_seconds
    return midnight + datetime.timedelta(seconds=mapped)


@contextmanager
def _no_mail():
    """The demo's people have made-up addresses: the e-mails its actions would send after
    commit are dropped (the inbox items stay). Only the hooks added inside are dropped."""
    connection = transaction.get_connection()
    before = len(connection.run_on_commit)
    try:
        yield
    finally:
        del connection.run_on_commit[before:]


@dataclass
class DemoMatters:
    counts: Counter  # state → how many matters of the organization are in it
    failures: list[str]  # matters that did not end where they were meant to (none, normally)
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.counts.values())


#: The state each plan ends in.
EXPECTED_STATE = {
    "draft": State.DRAFT,
    "submitted": State.SUBMITTED,
    "returned": State.SUBMITTED,
    "dispatched": State.DISPATCHED,
    "transferred": State.DISPATCHED,
    "accepted": State.ACCEPTED,
    "reopened": State.ACCEPTED,
    "replied": State.REPLIED,
    "escalated": State.ESCALATED,
    "closed": State.CLOSED,
    "not_a_matter": State.CLOSED,
    "archived": State.ARCHIVED,
    "withdrawn": State.WITHDRAWN,
    "withdrawn_archived": State.ARCHIVED,
}


def build_demo_matters(
    organization: Organization, *, count: int = 300, seed: int = DEFAULT_SEED
) -> DemoMatters:
    """Build `count` demo matters in the demo hospital (the first ~25 are the scripted
    ones that give every demo login work to do) and archive the old closed ones."""
    with transaction.atomic(), _no_mail():
        return DemoMattersBuilder(organization, seed).build(count)

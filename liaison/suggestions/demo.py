"""Demo letters: a dozen suggestions, complaints and praise to the demo hospital's
suggestion box and the president's mailbox over the last weeks, from staff and the
public, signed and anonymous, written through the services at their past times. The
office (院办) answered most, opened a matter for one (a slow blood test report, against
the seeds' 30-minute limit), published some; praise for 药剂科 (its monthly ward visits),
急诊科 and 信息科 shows on their pages.

Call after the demo hospital exists: `build_demo_suggestions(organization)`. Idempotent:
nothing happens when the organization already has letters.
"""

import datetime
from dataclasses import dataclass

import time_machine
from django.db import transaction
from django.utils import timezone

from liaison.org.models import Department, Organization, Person

from . import services
from .models import Channel, Kind, Mailbox, Suggestion


@dataclass(frozen=True)
class Letter:
    days_ago: int
    kind: str
    subject: str
    body: str
    department: str | None = None
    mailbox: str = Mailbox.BOX
    writer: str | None = None  # a demo login; None: the public form
    anonymous: bool = False
    name: str = ""
    contact: str = ""
    reply: str = ""
    replied_by: str = "yuanban"
    route_to: str = ""  # lead department of the matter opened
    publish: bool = False


LETTERS = [
    Letter(
        24,
        Kind.SUGGESTION,
        "夜班职工到食堂已无热菜",
        "夜班同事晚上七点以后到职工食堂，热菜基本售完，只能吃泡面。"
        "建议晚餐供应延长到七点半，或为夜班预留一份热饭。",
        department="ZWHQK",
        writer="yuangong",
        anonymous=True,
        reply="总务后勤科已调整：自下周一起晚餐供应延长至19:30，并为当晚夜班人员预留热菜，"
        "凭工牌领取。",
        publish=True,
    ),
    Letter(
        3,
        Kind.COMPLAINT,
        "血常规报告等了两个多小时",
        "上午九点在门诊抽血做血常规，十一点半还查不到报告。医院公示常规检验三十分钟出结果，"
        "希望查明原因。",
        department="JYK",
        name="李女士",
        contact="139****2468",
        reply="经核查，当日上午血液分析仪故障停机约两小时，检验科未及时在候检区公示，"
        "已向您致歉。院办已立项督促检验科建立设备故障公示和备机切换流程。",
        route_to="JYK",
    ),
    Letter(
        18,
        Kind.PRAISE,
        "药剂科每月下病区讲用药，很实用",
        "药剂科的药师每个月都到我们病区走访，讲新药和配伍禁忌，答疑也很耐心。"
        "这种主动上门的服务值得表扬。",
        department="YJK",
        writer="zhuren",
        anonymous=True,
        reply="感谢您的肯定，已转告药剂科并在全院中层会上通报表扬。",
        publish=True,
    ),
    Letter(
        15,
        Kind.PRAISE,
        "急诊科多发伤抢救衔接顺畅",
        "上周夜里一名车祸多发伤患者，急诊科十分钟内叫齐普外科、骨科和影像科，"
        "绿色通道一路畅通。家属非常感激。",
        department="JZK",
        name="陈先生",
        reply="谢谢您的来信。多发伤急救协调小组的联动机制正是为此建立，我们会继续坚持。",
        publish=True,
    ),
    Letter(
        13,
        Kind.PRAISE,
        "信息科半夜抢修HIS，半小时恢复",
        "周六凌晨门急诊HIS卡死，信息科值班工程师二十分钟赶到，半小时恢复，没有耽误急诊收费和取药。",
        department="XXK",
        writer="lianluo",
        reply="已将来信转告信息科，并记入信息科本季度考核的加分项。",
        publish=True,
    ),
    Letter(
        11,
        Kind.COMPLAINT,
        "门诊高峰时段导诊台经常无人",
        "周一上午八点半到十点，门诊一楼导诊台多次无人值守，老年患者找不到挂号和检查的地方。",
        department="MZB",
        mailbox=Mailbox.LEADER,
        writer="yuangong",
        anonymous=True,
    ),
    Letter(
        9,
        Kind.SUGGESTION,
        "建议各科联络员每月碰一次头",
        "各科联络员平时各管各的，跨科室的小问题经常没人牵头。建议院办每月组织一次联络员碰头会，"
        "把问题当面过一遍。",
        mailbox=Mailbox.LEADER,
        writer="lianluo",
        reply="建议很好。自下月起由院办每月第一周组织联络员例会，问题当场登记、明确牵头科室。",
        replied_by="yuanzhang",
        publish=True,
    ),
    Letter(
        7,
        Kind.SUGGESTION,
        "急诊停车场指示牌被树挡住",
        "从北门进来找急诊停车场，指示牌被行道树挡住，晚上几乎看不到，差点开到住院部。",
        department="ZWHQK",
        anonymous=True,
    ),
    Letter(
        6,
        Kind.COMPLAINT,
        "设备报修三天无人上门",
        "病区心电监护仪报修三天，设备科说要等物资部配件，物资部说没收到申请，两边都说不归自己管。",
        department="SBK",
        writer="zhuren",
        anonymous=True,
    ),
    Letter(
        5,
        Kind.SUGGESTION,
        "护理培训别排在下夜班之后",
        "本月的护理操作培训都排在上午九点，下夜班的同事只能硬撑着参加，效果也不好。"
        "建议增加下午场次。",
        department="HLB",
        writer="yuangong",
        reply="护理部已增加每周三下午的培训场次，下夜班人员可选择下午参加。",
    ),
    Letter(
        4,
        Kind.COMPLAINT,
        "出院结算窗口排队太久",
        "周五下午出院结算只开两个窗口，排了一个多小时。建议高峰时段多开窗口或开通床旁结算。",
        department="CWK",
        mailbox=Mailbox.LEADER,
        name="王先生",
        contact="wang@example.com",
        reply="财务科已在每周五13:00–17:00增开一个结算窗口，床旁结算正在信息科配合下试点。",
        replied_by="yuanzhang",
    ),
    Letter(
        2,
        Kind.SUGGESTION,
        "心电图报告能否自动传到病区",
        "心电图室做完检查还要护工去取纸质报告，建议直接上传到电子病历，病区随时能看。",
        department="XDTS",
        anonymous=True,
    ),
]


def _at(days_ago: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 17)))


def build_demo_suggestions(organization: Organization) -> int:
    if Suggestion.objects.filter(organization=organization).exists():
        return 0
    people = {
        p.user.username: p
        for p in Person.objects.filter(organization=organization).select_related("user")
    }
    departments = {d.code: d for d in Department.objects.filter(organization=organization)}
    with transaction.atomic():
        for letter in LETTERS:
            _write(organization, letter, people, departments)
    return len(LETTERS)


def _write(organization, letter: Letter, people: dict, departments: dict) -> None:
    writer = people[letter.writer] if letter.writer else None
    with time_machine.travel(_at(letter.days_ago, 10), tick=False):
        suggestion, _code = services.submit(
            organization,
            services.SuggestionInput(
                kind=letter.kind,
                subject=letter.subject,
                body=letter.body,
                mailbox=letter.mailbox,
                department=departments.get(letter.department),
                anonymous=letter.anonymous,
                writer_name=letter.name,
                writer_contact=letter.contact,
            ),
            channel=Channel.STAFF if writer else Channel.PUBLIC,
            writer=writer,
        )
    handler = people[letter.replied_by]
    if letter.route_to:
        with time_machine.travel(_at(letter.days_ago - 1, 9), tick=False):
            services.route(suggestion, handler, lead_department=departments[letter.route_to])
    if letter.reply:
        with time_machine.travel(_at(letter.days_ago - 2, 15), tick=False):
            services.reply(suggestion, handler, text=letter.reply)
    if letter.publish:
        with time_machine.travel(_at(letter.days_ago - 2, 16), tick=False):
            services.publish(suggestion, handler)

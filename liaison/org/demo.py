"""The demo hospital: a realistic organization to try Liaison with.

About fifty departments of every kind, the president and vice presidents as leaders in
charge, coordination groups with an office, a head and a liaison officer in every
department, and about 300 people with Chinese names. Everything is built through the
organization services, so the demo obeys the same rules (and leaves the same audit
trail) as real data. Names are drawn from a fixed seed: every build is the same.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from liaison.core.audit import record
from liaison.core.models import AuditAction

from . import services
from .models import (
    CoordinationGroup,
    DepartmentKind,
    GroupMembership,
    GroupRole,
    Organization,
    Person,
    PositionRole,
)

DEMO_PASSWORD = "liaison-demo"
DEMO_ORGANIZATION_CODE = "demo"
DEMO_ORGANIZATION_NAME = "示范市人民医院"

K = DepartmentKind

# (code, name, kind, parent code, staff count besides head, deputy and liaison officer)
DEPARTMENTS = [
    ("YLD", "院领导", K.FUNCTIONAL, None, 0),
    ("YB", "院办", K.FUNCTIONAL, None, 3),
    ("DCB", "督查办", K.FUNCTIONAL, "YB", 2),
    ("ZHBGS", "综合办公室", K.FUNCTIONAL, "YB", 2),
    ("YWK", "医务科", K.FUNCTIONAL, None, 3),
    ("HLB", "护理部", K.FUNCTIONAL, None, 3),
    ("MZB", "门诊部", K.FUNCTIONAL, "YWK", 4),
    ("ZLKZK", "质量控制科", K.FUNCTIONAL, None, 2),
    ("YGB", "院感办", K.FUNCTIONAL, "YWK", 2),
    ("XXK", "信息科", K.FUNCTIONAL, None, 5),
    ("RLZYK", "人力资源科", K.FUNCTIONAL, None, 3),
    ("CWK", "财务科", K.FUNCTIONAL, None, 3),
    ("YBB", "医保办", K.FUNCTIONAL, None, 2),
    ("KJK", "科教科", K.FUNCTIONAL, None, 2),
    ("XCK", "宣传科", K.FUNCTIONAL, None, 1),
    ("ZWHQK", "总务后勤科", K.LOGISTICS, None, 4),
    ("SBK", "设备科", K.LOGISTICS, "ZWHQK", 2),
    ("WZB", "物资部", K.LOGISTICS, "ZWHQK", 2),
    ("BWK", "保卫科", K.LOGISTICS, "ZWHQK", 2),
    ("DW", "院党委", K.PARTY_UNION, None, 1),
    ("DZB", "机关党支部", K.PARTY_UNION, "DW", 0),
    ("GH", "工会", K.PARTY_UNION, "DW", 1),
    ("JYK", "检验科", K.MEDICAL_TECHNICAL, None, 5),
    ("YXYXK", "医学影像科", K.MEDICAL_TECHNICAL, None, 5),
    ("YJK", "药剂科", K.MEDICAL_TECHNICAL, None, 5),
    ("BLK", "病理科", K.MEDICAL_TECHNICAL, None, 2),
    ("CSK", "超声科", K.MEDICAL_TECHNICAL, None, 3),
    ("XDTS", "心电图室", K.MEDICAL_TECHNICAL, None, 2),
    ("NK", "内科", K.CLINICAL, None, 2),
    ("XXGNK", "心血管内科", K.CLINICAL, "NK", 6),
    ("HXNK", "呼吸内科", K.CLINICAL, "NK", 5),
    ("XHNK", "消化内科", K.CLINICAL, "NK", 5),
    ("SJNK", "神经内科", K.CLINICAL, "NK", 5),
    ("NFMK", "内分泌科", K.CLINICAL, "NK", 4),
    ("WK", "外科", K.CLINICAL, None, 2),
    ("PWK", "普外科", K.CLINICAL, "WK", 6),
    ("GK", "骨科", K.CLINICAL, "WK", 6),
    ("SJWK", "神经外科", K.CLINICAL, "WK", 4),
    ("MNWK", "泌尿外科", K.CLINICAL, "WK", 4),
    ("EK", "儿科", K.CLINICAL, None, 6),
    ("FK", "妇科", K.CLINICAL, None, 5),
    ("CK", "产科", K.CLINICAL, None, 5),
    ("JZK", "急诊科", K.CLINICAL, None, 7),
    ("ZZYXK", "重症医学科", K.CLINICAL, None, 5),
    ("MZK", "麻醉科", K.CLINICAL, None, 4),
    ("YK", "眼科", K.CLINICAL, None, 3),
    ("EBHK", "耳鼻喉科", K.CLINICAL, None, 3),
    ("KQK", "口腔科", K.CLINICAL, None, 3),
    ("ZYK", "中医科", K.CLINICAL, None, 3),
    ("KFYXK", "康复医学科", K.CLINICAL, None, 3),
    ("SWJW", "市卫生健康委员会", K.EXTERNAL, None, 0),
    ("YTW", "医疗纠纷人民调解委员会", K.EXTERNAL, None, 0),
]

#: Departments whose staff include a head nurse.
WARDS = {K.CLINICAL}

# Earlier holders, so dated history has answers ("who was the liaison officer of 药剂科
# on 2025-03-01?"): department → role → (their start, the handover day).
FORMER_HOLDERS = {
    "YJK": {PositionRole.LIAISON_OFFICER: (datetime.date(2022, 3, 1), datetime.date(2025, 7, 1))},
    "XXK": {
        PositionRole.HEAD: (datetime.date(2018, 1, 1), datetime.date(2024, 3, 1)),
        PositionRole.LIAISON_OFFICER: (datetime.date(2023, 1, 1), datetime.date(2025, 7, 1)),
    },
}

# Hospital leaders: (key, title, the departments they are in charge of).
LEADERS = [
    ("president", "院长", ["YB", "DCB", "ZHBGS", "RLZYK", "CWK", "ZLKZK"]),
    ("vp_medical", "副院长", ["YWK", "MZB", "YGB", "YBB", "KJK", "NK", "WK", "JZK", "ZZYXK"]),
    ("vp_nursing", "副院长", ["HLB", "EK", "FK", "CK", "MZK", "YK", "EBHK", "KQK", "ZYK", "KFYXK"]),
    (
        "vp_operations",
        "副院长",
        ["XXK", "ZWHQK", "SBK", "WZB", "BWK", "JYK", "YXYXK", "YJK", "BLK", "CSK", "XDTS"],
    ),
    ("party_secretary", "党委书记", ["DW", "DZB", "GH", "XCK"]),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    who: str


#: The logins listed in the README; every one uses DEMO_PASSWORD.
DEMO_LOGINS = [
    DemoLogin("admin", "系统管理员 system admin", "信息科 staff, superuser"),
    DemoLogin("yuanzhang", "院长 president, leader", "chairs the leading group"),
    DemoLogin(
        "fuyuanzhang", "副院长 vice president, leader", "in charge of 信息科, 药剂科, 检验科 …"
    ),
    DemoLogin("yuanban", "院办 coordination office", "院办 staff"),
    DemoLogin("duchaban", "督查办 supervision office", "督查办 staff"),
    DemoLogin("zhuren", "科主任 department head", "head of 信息科"),
    DemoLogin("lianluo", "联络员 liaison officer", "liaison officer of 药剂科"),
    DemoLogin("yuangong", "职员 staff", "a nurse in 儿科"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 斌 鹏 辉 玲 萍 红 琳 颖 "
    "秀英 秀兰 桂英 建国 建华 文博 志强 晓东 海燕 雪梅 国庆 丹丹 婷婷 佳怡 子涵 欣怡 浩然 宇轩 "
    "思远 慧敏 立新 红梅 晓峰 春燕 振华 玉兰 凤英 建平 海涛 晓红 永刚 亚楠 俊杰 雨婷 梦瑶 嘉怡 "
    "一鸣 天宇 文静 丽华 志刚 卫东 学军 淑芬 美玲 冬梅 秋菊 振宇 明辉 晓燕 金凤 宏伟 家豪 梓萱"
)  # common given names, separated by spaces


def _names(rng: random.Random, count: int) -> list[str]:
    """Distinct, plausible Chinese names: a surname and a common given name."""
    given = GIVEN.split()
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < count:
        name = rng.choice(SURNAMES) + rng.choice(given)
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


class DemoBuilder:
    def __init__(self, organization: Organization, seed: int = 2026):
        self.organization = organization
        self.rng = random.Random(seed)
        self.names = iter(_names(self.rng, 400))
        self.number = 10000
        self.departments = {}
        self.people: dict[str, Person] = {}

    def person(self, *, username=None, title="", key=None) -> Person:
        self.number += 1
        number = f"H{self.number}"
        person = services.create_person(
            self.organization,
            number,
            next(self.names),
            username=username,
            password=DEMO_PASSWORD if username else None,
            phone=f"139{self.rng.randrange(10**7, 10**8)}",
            email=f"{number.lower()}@demo-hospital.example",
            title=title,
        )
        if key:
            self.people[key] = person
        return person

    def since(self) -> datetime.date:
        return datetime.date(self.rng.randrange(2016, 2025), self.rng.randrange(1, 13), 1)

    def build(self) -> None:
        for order, (code, name, kind, parent, _staff) in enumerate(DEPARTMENTS):
            self.departments[code] = services.create_department(
                self.organization,
                code,
                name,
                kind,
                parent=self.departments.get(parent),
                phone=f"0571-8{self.rng.randrange(100, 999)}{order:04d}"[:13],
                location=self.location(kind, order),
                sort_order=order,
            )
        services.default_coordinating_departments(self.organization)
        self.leaders()
        for code, _name, kind, _parent, staff in DEPARTMENTS:
            if kind != K.EXTERNAL and code != "YLD":
                self.staff_department(code, kind, staff)
        self.demo_logins()
        self.groups()

    def location(self, kind: str, order: int) -> str:
        if kind == K.EXTERNAL:
            return ""
        building = {K.CLINICAL: "住院楼", K.MEDICAL_TECHNICAL: "医技楼"}.get(kind, "行政楼")
        return f"{building}{order % 9 + 1}层"

    def leaders(self) -> None:
        leadership = self.departments["YLD"]
        usernames = {"president": "yuanzhang", "vp_operations": "fuyuanzhang"}
        charge: dict[str, Person] = {}
        for key, title, codes in LEADERS:
            leader = self.person(username=usernames.get(key), title=title, key=key)
            role = PositionRole.HEAD if key == "president" else PositionRole.STAFF
            services.appoint(leader, leadership, role, start=datetime.date(2021, 1, 1))
            for code in codes:
                services.assign_leader_in_charge(
                    leader, self.departments[code], start=datetime.date(2021, 1, 1)
                )
                charge[code] = leader
        # Sub-departments answer to the leader of the department they sit in.
        for code, _name, _kind, parent, _staff in DEPARTMENTS:
            if code not in charge and parent in charge:
                charge[code] = charge[parent]
                services.assign_leader_in_charge(
                    charge[code], self.departments[code], start=datetime.date(2021, 1, 1)
                )

    def staff_department(self, code: str, kind: str, staff: int) -> None:
        department = self.departments[code]
        head_title = "主任" if kind != K.FUNCTIONAL else "科长"
        handovers = FORMER_HOLDERS.get(code, {})
        for role, (since, _until) in handovers.items():
            # Earlier holders first: the later appointment ends their term, as in real life.
            predecessor = self.person(title=head_title if role == PositionRole.HEAD else "")
            services.appoint(predecessor, department, PositionRole.STAFF, start=since)
            services.appoint(predecessor, department, role, start=since)
        head = self.person(title=head_title, key=f"head:{code}")
        head_start = handovers.get(PositionRole.HEAD, (None, self.since()))[1]
        services.appoint(head, department, PositionRole.HEAD, start=head_start)
        if staff >= 3:
            deputy = self.person(title=f"副{head_title}")
            services.appoint(deputy, department, PositionRole.DEPUTY_HEAD, start=self.since())
        if kind in WARDS:
            nurse = self.person(title="护士长")
            services.appoint(nurse, department, PositionRole.HEAD_NURSE, start=self.since())
        liaison = self.person(key=f"liaison:{code}")
        liaison_start = handovers.get(PositionRole.LIAISON_OFFICER, (None, self.since()))[1]
        services.appoint(
            liaison, department, PositionRole.STAFF, start=min(self.since(), liaison_start)
        )
        services.appoint(liaison, department, PositionRole.LIAISON_OFFICER, start=liaison_start)
        clinical = kind in (K.CLINICAL, K.MEDICAL_TECHNICAL)
        for _ in range(staff):
            title = self.rng.choice(["医师", "护士", "主治医师", "技师"]) if clinical else "科员"
            services.appoint(
                self.person(title=title), department, PositionRole.STAFF, start=self.since()
            )

    def demo_logins(self) -> None:
        """Named logins for each role, placed in the departments the README names."""
        d = self.departments
        admin = self.person(username="admin", title="系统管理员", key="admin")
        admin.user.is_staff = admin.user.is_superuser = True
        admin.user.save(update_fields=["is_staff", "is_superuser"])
        services.appoint(admin, d["XXK"], PositionRole.STAFF, start=datetime.date(2020, 3, 1))
        for username, code in (("yuanban", "YB"), ("duchaban", "DCB")):
            person = self.person(username=username, title="科员")
            services.appoint(person, d[code], PositionRole.STAFF, start=datetime.date(2022, 5, 1))
        self.set_login(self.people["head:XXK"], "zhuren")
        self.set_login(self.people["liaison:YJK"], "lianluo")
        nurse = self.person(username="yuangong", title="护士")
        services.appoint(nurse, d["EK"], PositionRole.STAFF, start=datetime.date(2023, 9, 1))

    def set_login(self, person: Person, username: str) -> None:
        user = person.user
        user.username = username
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["username", "password"])

    def groups(self) -> None:
        p, d = self.people, self.departments
        leading = CoordinationGroup.objects.create(
            organization=self.organization,
            name="医院沟通协调领导小组",
            purpose="统筹全院跨部门沟通协调，研究解决推诿扯皮和重大协调事项。",
            office_department=d["YB"],
            is_leading_group=True,
        )
        members = [
            (p["president"], GroupRole.CHAIR, "主持领导小组工作"),
            (p["vp_medical"], GroupRole.VICE_CHAIR, "协调医疗业务"),
            (p["vp_nursing"], GroupRole.VICE_CHAIR, "协调护理与临床"),
            (p["vp_operations"], GroupRole.VICE_CHAIR, "协调信息、后勤与医技"),
            (p["head:YB"], GroupRole.OFFICE_DIRECTOR, "负责日常协调工作"),
        ] + [
            (p[f"head:{code}"], GroupRole.MEMBER, "")
            for code in ("YWK", "HLB", "XXK", "ZLKZK", "DCB", "ZWHQK", "RLZYK")
        ]
        for person, role, duties in members:
            GroupMembership.objects.create(group=leading, person=person, role=role, duties=duties)
        for name, purpose, office, chair, codes in (
            (
                "信息化建设沟通协调小组",
                "全院协调会每年两次，局部讨论会每两个月一次，紧急问题随时召开临时会议。",
                "XXK",
                "vp_operations",
                ("XXK", "YWK", "HLB", "MZB", "JYK", "YXYXK", "YJK"),
            ),
            (
                "临床药学协调小组",
                "药剂科每月到各临床科室走访，协调合理用药问题。",
                "YJK",
                "vp_medical",
                ("YJK", "YWK", "NK", "WK", "EK"),
            ),
            (
                "多发伤急救协调小组",
                "急诊多发伤患者的多学科救治协调。",
                "JZK",
                "vp_medical",
                ("JZK", "PWK", "GK", "SJWK", "ZZYXK", "YXYXK", "JYK"),
            ),
        ):
            group = CoordinationGroup.objects.create(
                organization=self.organization,
                name=name,
                purpose=purpose,
                office_department=d[office],
            )
            GroupMembership.objects.create(group=group, person=p[chair], role=GroupRole.CHAIR)
            for code in codes:
                GroupMembership.objects.get_or_create(
                    group=group,
                    person=p[f"head:{code}"],
                    defaults={
                        "role": GroupRole.OFFICE_DIRECTOR if code == office else GroupRole.MEMBER
                    },
                )


@transaction.atomic
def build_demo_hospital(*, actor=None) -> Organization:
    """Build the demo hospital in an empty installation (or beside other organizations)."""
    if Organization.objects.filter(code=DEMO_ORGANIZATION_CODE).exists():
        raise ValueError("The demo hospital already exists.")
    taken = set(
        get_user_model()
        .objects.filter(username__in=[login.username for login in DEMO_LOGINS])
        .values_list("username", flat=True)
    )
    if taken:
        raise ValueError(f"Demo login names are taken: {', '.join(sorted(taken))}")
    organization = Organization.objects.create(
        code=DEMO_ORGANIZATION_CODE, name=DEMO_ORGANIZATION_NAME
    )
    DemoBuilder(organization).build()
    record(
        AuditAction.DEMO_BUILT,
        actor=actor,
        organization=organization,
        target=organization,
        departments=organization.departments.count(),
        people=organization.people.count(),
    )
    return organization

"""Factories for matters, and a small hospital to run them in.

Matters are built through the services (never by saving rows), so a factory-made matter
is in a state the lifecycle can reach and has the timeline events that got it there.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from liaison.inbox.models import Notification
from liaison.matters import services
from liaison.matters.models import (
    Attachment,
    CoOrganizer,
    ExtensionRequest,
    Matter,
    MatterEvent,
    MatterKind,
    State,
)
from liaison.org.models import (
    CoordinationGroup,
    Department,
    DepartmentKind,
    GroupMembership,
    GroupRole,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)
from liaison.org.pinyin import pinyin_keys
from liaison.org.roles import default_responsible
from liaison.org.tests.factories import PASSWORD, OrganizationFactory


class MatterKindFactory(factory.django.DjangoModelFactory):
    """An extra kind (every organization is seeded with the default kinds already)."""

    class Meta:
        model = MatterKind

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"kind{n}")
    name_zh = factory.Sequence(lambda n: f"事项类型{n}")
    name_en = factory.Sequence(lambda n: f"Kind {n}")
    number_prefix = "XT"
    default_days = 5


def seeded_kind(organization: Organization, code: str = "coordination") -> MatterKind:
    return MatterKind.objects.get(organization=organization, code=code)


class MatterFactory(factory.Factory):
    """MatterFactory(originator=person, lead=department, state="accepted", by=hospital)
    raises the matter through services.create_matter and walks it to `state` with the
    usual people of `by` (a Hospital)."""

    class Meta:
        model = Matter

    title = factory.Sequence(lambda n: f"门诊叫号系统故障{n}")
    description = "候诊区屏幕不显示。"
    kind = factory.LazyAttribute(lambda o: seeded_kind(o.originator.organization))
    urgency = "normal"
    lead = None
    co_departments = ()
    due = None
    state = State.SUBMITTED

    @classmethod
    def _create(cls, model_class, *, originator, by=None, state, lead, **kwargs):
        data = services.MatterInput(
            title=kwargs["title"],
            kind=kwargs["kind"],
            description=kwargs["description"],
            due=kwargs["due"],
            urgency=kwargs["urgency"],
            co_departments=tuple(kwargs["co_departments"]),
        )
        matter = services.create_matter(originator, data, submit=state != State.DRAFT)
        if state in (State.DRAFT, State.SUBMITTED):
            return matter
        return advance(by, matter, state, lead=lead, co_departments=kwargs["co_departments"])

    @classmethod
    def _build(cls, model_class, **kwargs):
        raise NotImplementedError("Matters are only made through the services.")


def advance(h: "Hospital", matter: Matter, state: str, *, lead=None, co_departments=()) -> Matter:
    """Walk a submitted matter (at the coordinating office) on to `state`."""
    lead = lead or h.d["XXK"]
    matter = services.dispatch(matter, h.p["office"], lead=lead, co_departments=co_departments)
    if state == State.DISPATCHED:
        return matter
    head = default_responsible(lead)
    if state == State.ESCALATED:
        return services.escalate(matter, head, reason="科室间协调不下来")
    if state == State.WITHDRAWN:
        return services.withdraw(matter, matter.originator, reason="问题已自行解决")
    matter = services.accept(matter, head)
    if state == State.ACCEPTED:
        return matter
    matter = services.reply(matter, head, text="已更换叫号服务器。")
    if state == State.REPLIED:
        return matter
    matter = services.confirm(matter, matter.originator, rating="satisfied")
    if state == State.CLOSED:
        return matter
    raise ValueError(f"advance() does not reach {state}")


@dataclass
class Hospital:
    """A small hospital: the coordinating office 院办 (YB) and supervision office 督查办
    (DCB); clinical and functional departments with head, liaison officer and staff;
    保卫科 (BWK) without a head; 院领导 (YLD) with the president, a vice president and the
    party secretary as leaders in charge (the first two in the leading group); a leading
    group with its own office (LDXZ) and a member; 儿科 (EK) as an unrelated department;
    an external unit (SWJW)."""

    organization: Organization
    d: dict = field(default_factory=dict)  # code → Department
    p: dict = field(default_factory=dict)  # key → Person


DEPARTMENTS = [
    ("YLD", "院领导", DepartmentKind.FUNCTIONAL),
    ("YB", "院办", DepartmentKind.FUNCTIONAL),
    ("DCB", "督查办", DepartmentKind.FUNCTIONAL),
    ("LDXZ", "协调领导小组办公室", DepartmentKind.FUNCTIONAL),
    ("XXK", "信息科", DepartmentKind.FUNCTIONAL),
    ("YJK", "药剂科", DepartmentKind.MEDICAL_TECHNICAL),
    ("MZB", "门诊部", DepartmentKind.FUNCTIONAL),
    ("ZWK", "总务科", DepartmentKind.LOGISTICS),
    ("BWK", "保卫科", DepartmentKind.LOGISTICS),
    ("EK", "儿科", DepartmentKind.CLINICAL),
    ("SWJW", "市卫生健康委员会", DepartmentKind.EXTERNAL),
]

R = PositionRole
#: key, name, department, position
PEOPLE = [
    ("president", "沈院长", "YLD", R.HEAD),
    ("vp", "韩副院长", "YLD", R.STAFF),
    ("secretary", "魏书记", "YLD", R.STAFF),  # a leader outside the leading group
    ("group_member", "曹委员", "YLD", R.STAFF),  # a member of the leading group
    ("office_head", "杨主任", "YB", R.HEAD),
    ("office", "张三", "YB", R.STAFF),  # 院办 staff: dispatches
    ("supervisor", "朱督查", "DCB", R.STAFF),
    ("group_office_head", "秦办公室", "LDXZ", R.HEAD),
    # Ordinary departments: head, liaison officer and one staff member each.
    ("xxk_head", "赵信息", "XXK", R.HEAD),
    ("xxk_liaison", "钱联络", "XXK", R.LIAISON_OFFICER),
    ("xxk_staff", "孙技术", "XXK", R.STAFF),
    ("xxk_deputy", "许副科长", "XXK", R.DEPUTY_HEAD),
    ("yjk_head", "周药师", "YJK", R.HEAD),
    ("yjk_liaison", "吴联络", "YJK", R.LIAISON_OFFICER),
    ("yjk_staff", "郑药剂", "YJK", R.STAFF),
    ("mzb_head", "王门诊", "MZB", R.HEAD),
    ("mzb_liaison", "冯联络", "MZB", R.LIAISON_OFFICER),
    ("mzb_staff", "陈导诊", "MZB", R.STAFF),
    ("zwk_head", "褚总务", "ZWK", R.HEAD),
    ("zwk_liaison", "卫联络", "ZWK", R.LIAISON_OFFICER),
    ("zwk_staff", "蒋后勤", "ZWK", R.STAFF),
    ("bwk_liaison", "何联络", "BWK", R.LIAISON_OFFICER),  # 保卫科 has no head
    ("bwk_staff", "吕保安", "BWK", R.STAFF),
    ("ek_head", "施儿科", "EK", R.HEAD),
    ("outsider", "孔护士", "EK", R.STAFF),  # unrelated to the matters in the tests
]

LEADERS_IN_CHARGE = {
    "vp": ("XXK", "YJK"),
    "secretary": ("ZWK", "BWK"),
    "president": ("YB", "DCB", "MZB", "EK", "LDXZ", "YLD"),
}


def _pinyin(name: str) -> dict:
    full, initials = pinyin_keys(name)  # what save() would fill in; bulk_create does not
    return {"name_pinyin": full, "name_initials": initials}


def build_hospital(code: str = "h1") -> Hospital:
    """The hospital, written in a few bulk inserts (every test builds one)."""
    organization = OrganizationFactory(code=code, name=f"测试医院{code}")
    h = Hospital(organization)
    departments = Department.objects.bulk_create(
        Department(
            organization=organization,
            code=dcode,
            name=name,
            short_name="信息" if dcode == "XXK" else "",
            **_pinyin(name),
            kind=kind,
            sort_order=order,
        )
        for order, (dcode, name, kind) in enumerate(DEPARTMENTS)
    )
    h.d = {d.code: d for d in departments}
    organization.coordinating_department = h.d["YB"]
    organization.supervision_department = h.d["DCB"]
    organization.save()

    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"{code}-{key}", password=make_password(PASSWORD))
        for key, *_rest in PEOPLE
    )
    people = Person.objects.bulk_create(
        Person(
            organization=organization,
            user=user,
            employee_number=f"E{number:04d}",
            name=name,
            email=f"{key}@hospital.example",
            **_pinyin(name),
        )
        for number, (user, (key, name, _dcode, _role)) in enumerate(
            zip(users, PEOPLE, strict=True), start=1
        )
    )
    h.p = {key: person for person, (key, *_rest) in zip(people, PEOPLE, strict=True)}
    start = datetime.date(2025, 1, 1)
    Position.objects.bulk_create(
        Position(person=h.p[key], department=h.d[dcode], role=role, start=start)
        for key, _name, dcode, role in PEOPLE
    )
    LeaderInCharge.objects.bulk_create(
        LeaderInCharge(leader=h.p[key], department=h.d[dcode], start=start)
        for key, codes in LEADERS_IN_CHARGE.items()
        for dcode in codes
    )
    group = CoordinationGroup.objects.create(
        organization=organization,
        name="沟通协调领导小组",
        is_leading_group=True,
        office_department=h.d["LDXZ"],
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(group=group, person=h.p[key], role=role)
        for key, role in (
            ("president", GroupRole.CHAIR),
            ("vp", GroupRole.VICE_CHAIR),
            ("group_member", GroupRole.MEMBER),
        )
    )
    return h


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def person_named(organization: Organization, name: str) -> Person:
    return Person.objects.get(organization=organization, name=name)


def snapshot(matter: Matter) -> dict:
    """Everything an action could change about a matter, as plain values."""
    return {
        "row": Matter.objects.filter(pk=matter.pk).values().get(),
        "events": MatterEvent.objects.filter(matter_id=matter.pk).count(),
        "co_organizers": list(
            CoOrganizer.objects.filter(matter_id=matter.pk).order_by("pk").values()
        ),
        "extensions": list(
            ExtensionRequest.objects.filter(matter_id=matter.pk).order_by("pk").values()
        ),
        "attachments": Attachment.objects.filter(matter_id=matter.pk).count(),
        "notifications": Notification.objects.count(),
    }


@contextmanager
def changes_nothing(matter: Matter):
    """Wrap a refused action: the matter and everything about it stay as they were."""
    before = snapshot(matter)
    try:
        yield
    finally:
        assert snapshot(matter) == before

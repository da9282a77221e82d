"""The demo hospital: realistic, complete, built through the same rules as real data."""

import datetime

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from liaison.core.models import AuditAction, AuditEvent
from liaison.org import services
from liaison.org.demo import DEMO_LOGINS, DEMO_PASSWORD, build_demo_hospital
from liaison.org.models import (
    CoordinationGroup,
    Department,
    DepartmentKind,
    Organization,
    Person,
    PositionRole,
)
from liaison.org.policy import roles_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital():
    return build_demo_hospital()


def test_the_demo_hospital_has_departments_of_every_kind_and_about_300_people(hospital):
    kinds = set(hospital.departments.values_list("kind", flat=True))
    assert kinds == set(DepartmentKind.values)
    assert 40 <= hospital.departments.count() <= 60
    assert 280 <= hospital.people.count() <= 400
    names = set(hospital.departments.values_list("name", flat=True))
    for name in ("院办", "医务科", "护理部", "信息科", "药剂科", "检验科", "医学影像科", "门诊部"):
        assert name in names


def test_every_internal_department_has_a_head_a_liaison_officer_and_a_leader_in_charge(hospital):
    internal = hospital.departments.exclude(kind=DepartmentKind.EXTERNAL).exclude(code="YLD")
    for department in internal:
        assert services.holder_on(department, PositionRole.HEAD), department
        assert services.holder_on(department, PositionRole.LIAISON_OFFICER), department
        assert services.leader_in_charge_on(department), department


def test_the_office_and_supervision_departments_are_set(hospital):
    hospital.refresh_from_db()
    assert hospital.coordinating_department.name == "院办"
    assert hospital.supervision_department.name == "督查办"


def test_there_is_a_leading_group_chaired_by_the_president(hospital):
    group = CoordinationGroup.objects.get(organization=hospital, is_leading_group=True)
    chair = group.memberships.get(role="chair").person
    assert chair.title == "院长"
    assert group.office_department.name == "院办"


@pytest.mark.parametrize(
    ("username", "role"),
    [
        ("admin", "system_admin"),
        ("yuanzhang", "leader"),
        ("fuyuanzhang", "leader"),
        ("yuanban", "coordination_office"),
        ("duchaban", "supervision_office"),
        ("zhuren", "department_head"),
        ("lianluo", "liaison_officer"),
        ("yuangong", "staff"),
    ],
)
def test_each_demo_login_signs_in_with_the_demo_password_and_has_its_role(hospital, username, role):
    user = authenticate(username=username, password=DEMO_PASSWORD)
    assert user is not None
    assert role in roles_of(user)
    assert username in {login.username for login in DEMO_LOGINS}


def test_the_demo_keeps_history_of_former_liaison_officers(hospital):
    pharmacy = Department.objects.get(organization=hospital, code="YJK")
    before = services.holder_on(pharmacy, PositionRole.LIAISON_OFFICER, datetime.date(2025, 3, 1))
    now = services.holder_on(pharmacy, PositionRole.LIAISON_OFFICER)
    assert before is not None and now is not None and before != now
    assert now.user.username == "lianluo"


def test_building_the_demo_is_on_the_record(hospital):
    assert AuditEvent.objects.filter(action=AuditAction.DEMO_BUILT, organization=hospital).exists()
    assert AuditEvent.objects.filter(action=AuditAction.POSITION_STARTED).count() >= 300


def test_the_demo_is_built_only_once(hospital):
    with pytest.raises(ValueError):
        build_demo_hospital()
    assert Organization.objects.count() == 1


def test_the_command_with_if_empty_leaves_existing_data_alone(hospital):
    people = Person.objects.count()
    call_command("demo", "--if-empty")
    assert Person.objects.count() == people


def test_the_command_refuses_a_second_demo(hospital):
    with pytest.raises(CommandError):
        call_command("demo")

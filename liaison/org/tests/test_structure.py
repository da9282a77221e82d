"""The organization's rules: one current head and liaison, dated history, no cycles."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from liaison.org import services
from liaison.org.models import DepartmentKind, LeaderInCharge, Position, PositionRole
from liaison.org.services import Relation, relation_between

from .factories import (
    DepartmentFactory,
    GroupMembershipFactory,
    LeaderInChargeFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db
MARCH_1 = datetime.date(2026, 3, 1)


def test_the_database_refuses_a_second_current_head(organization):
    department = DepartmentFactory(organization=organization)
    PositionFactory(person__organization=organization, department=department, role="head")
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(person__organization=organization, department=department, role="head")


def test_the_database_refuses_a_second_current_liaison_officer(organization):
    department = DepartmentFactory(organization=organization)
    PositionFactory(
        person__organization=organization, department=department, role=PositionRole.LIAISON_OFFICER
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(
            person__organization=organization,
            department=department,
            role=PositionRole.LIAISON_OFFICER,
        )


def test_a_department_may_have_several_deputies_and_staff(organization):
    department = DepartmentFactory(organization=organization)
    for role in ["deputy_head", "deputy_head", "staff", "staff", "head_nurse"]:
        PositionFactory(person__organization=organization, department=department, role=role)
    assert department.positions.count() == 5


def test_past_heads_do_not_count_against_the_current_one(organization):
    department = DepartmentFactory(organization=organization)
    PositionFactory(
        person__organization=organization,
        department=department,
        role="head",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2024, 1, 1),
    )
    PositionFactory(person__organization=organization, department=department, role="head")
    assert department.positions.current().filter(role="head").count() == 1


def test_the_database_refuses_a_position_ending_before_it_starts(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        PositionFactory(
            person__organization=organization, start=MARCH_1, end=datetime.date(2026, 2, 1)
        )


def test_appointing_a_new_liaison_ends_the_previous_one_and_history_answers_by_date(organization):
    pharmacy = DepartmentFactory(organization=organization, name="药剂科")
    first = PersonFactory(organization=organization, name="王芳")
    second = PersonFactory(organization=organization, name="李强")
    services.appoint(first, pharmacy, PositionRole.LIAISON_OFFICER, datetime.date(2025, 6, 1))

    services.appoint(second, pharmacy, PositionRole.LIAISON_OFFICER, MARCH_1)

    assert services.holder_on(pharmacy, "liaison_officer", datetime.date(2026, 2, 28)) == first
    assert services.holder_on(pharmacy, "liaison_officer", MARCH_1) == second
    assert services.holder_on(pharmacy, "liaison_officer", datetime.date(2025, 1, 1)) is None
    old = Position.objects.get(person=first)
    assert old.end == MARCH_1


def test_appointing_before_the_current_holder_started_is_refused(organization):
    department = DepartmentFactory(organization=organization)
    services.appoint(PersonFactory(organization=organization), department, "head", MARCH_1)
    with pytest.raises(ValidationError):
        services.appoint(
            PersonFactory(organization=organization), department, "head", datetime.date(2026, 1, 1)
        )
    assert department.positions.count() == 1


def test_the_refusal_writes_the_holders_first_day_as_the_language_does(organization):
    department = DepartmentFactory(organization=organization)
    services.appoint(PersonFactory(organization=organization), department, "head", MARCH_1)
    newcomer = PersonFactory(organization=organization)
    with translation.override("zh-hans"), pytest.raises(ValidationError, match="2026年3月1日"):
        services.appoint(newcomer, department, "head", datetime.date(2026, 1, 1))


def test_appointing_across_organizations_is_refused(organization):
    stranger = PersonFactory()
    department = DepartmentFactory(organization=organization)
    with pytest.raises(ValidationError):
        services.appoint(stranger, department, "staff")
    assert not Position.objects.exists()


def test_appointing_twice_keeps_one_position(organization):
    person = PersonFactory(organization=organization)
    department = DepartmentFactory(organization=organization)
    services.appoint(person, department, "staff")
    services.appoint(person, department, "staff")
    assert Position.objects.filter(person=person).count() == 1


def test_a_new_leader_in_charge_replaces_the_old_one_from_a_date(organization):
    department = DepartmentFactory(organization=organization)
    old = PersonFactory(organization=organization)
    new = PersonFactory(organization=organization)
    services.assign_leader_in_charge(old, department, datetime.date(2024, 1, 1))
    services.assign_leader_in_charge(new, department, MARCH_1)
    assert services.leader_in_charge_on(department, datetime.date(2025, 5, 5)) == old
    assert services.leader_in_charge_on(department, MARCH_1) == new
    assert LeaderInCharge.objects.current().filter(department=department).count() == 1


def test_the_database_refuses_two_current_leaders_in_charge(organization):
    department = DepartmentFactory(organization=organization)
    LeaderInChargeFactory(leader__organization=organization, department=department)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaderInChargeFactory(leader__organization=organization, department=department)


def test_a_department_cannot_be_its_own_parent(organization):
    department = DepartmentFactory(organization=organization)
    with pytest.raises(ValidationError):
        services.move_department(department, department)


def test_a_department_cannot_move_under_its_own_descendant(organization):
    surgery = DepartmentFactory(organization=organization, name="外科")
    orthopedics = DepartmentFactory(organization=organization, parent=surgery, name="骨科")
    ward = DepartmentFactory(organization=organization, parent=orthopedics, name="骨科病区")
    with pytest.raises(ValidationError):
        services.move_department(surgery, ward)
    surgery.refresh_from_db()
    assert surgery.parent is None


def test_a_parent_must_belong_to_the_same_organization(organization):
    department = DepartmentFactory(organization=organization)
    with pytest.raises(ValidationError):
        services.move_department(department, DepartmentFactory())


def test_department_codes_are_unique_within_an_organization(organization):
    DepartmentFactory(organization=organization, code="XXK")
    DepartmentFactory(code="XXK")  # another organization may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartmentFactory(organization=organization, code="XXK")


def test_employee_numbers_are_unique_within_an_organization(organization):
    PersonFactory(organization=organization, employee_number="H0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(organization=organization, employee_number="H0001")


def test_a_group_has_at_most_one_chair(organization):
    membership = GroupMembershipFactory(group__organization=organization, role="chair")
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupMembershipFactory(group=membership.group, role="chair")


def test_names_get_pinyin_keys_for_search(organization):
    department = DepartmentFactory(organization=organization, name="信息科")
    assert (department.name_pinyin, department.name_initials) == ("xinxike", "xxk")


class TestRelationBetweenDepartments:
    def test_a_department_and_its_sub_department_are_vertical(self, organization):
        surgery = DepartmentFactory(organization=organization)
        ward = DepartmentFactory(organization=organization, parent=surgery)
        assert relation_between(surgery, ward) == Relation.VERTICAL
        assert relation_between(ward, surgery) == Relation.VERTICAL

    def test_peers_are_horizontal(self, organization):
        it = DepartmentFactory(organization=organization, kind=DepartmentKind.FUNCTIONAL)
        lab = DepartmentFactory(organization=organization, kind=DepartmentKind.MEDICAL_TECHNICAL)
        assert relation_between(it, lab) == Relation.HORIZONTAL

    def test_an_external_unit_is_external(self, organization):
        it = DepartmentFactory(organization=organization)
        authority = DepartmentFactory(organization=organization, kind=DepartmentKind.EXTERNAL)
        assert relation_between(it, authority) == Relation.EXTERNAL

    def test_another_organization_is_external(self, organization):
        assert (
            relation_between(DepartmentFactory(organization=organization), DepartmentFactory())
            == Relation.EXTERNAL
        )

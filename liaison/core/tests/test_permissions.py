"""Roles come from the organization data; object rules are decided in one module."""

import pytest
from django.contrib.auth import get_user_model

from liaison.org.models import GroupRole
from liaison.org.policy import roles_of
from liaison.org.tests.factories import (
    DepartmentFactory,
    GroupMembershipFactory,
    LeaderInChargeFactory,
    PersonFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offices(organization):
    organization.coordinating_department = DepartmentFactory(organization=organization, name="院办")
    organization.supervision_department = DepartmentFactory(
        organization=organization, name="督查办"
    )
    organization.save()
    return organization


def staff_in(department, role="staff"):
    return PositionFactory(
        person__organization=department.organization, department=department, role=role
    ).person.user


def test_a_plain_member_of_staff_has_only_the_staff_role(organization):
    user = staff_in(DepartmentFactory(organization=organization))
    assert roles_of(user) == ["staff"]


def test_a_user_without_a_person_has_no_roles(db):
    user = get_user_model().objects.create_user("nobody", password="x")
    assert roles_of(user) == []


def test_working_in_the_coordinating_department_makes_coordination_office_staff(offices):
    assert "coordination_office" in roles_of(staff_in(offices.coordinating_department))
    assert "supervision_office" in roles_of(staff_in(offices.supervision_department))


def test_a_former_member_of_the_office_loses_the_role(offices):
    position = PositionFactory(
        person__organization=offices, department=offices.coordinating_department
    )
    position.end = position.start
    position.save()
    assert "coordination_office" not in roles_of(position.person.user)


def test_leaders_in_charge_and_group_chairs_are_leaders(organization):
    in_charge = LeaderInChargeFactory(leader__organization=organization).leader.user
    chair = GroupMembershipFactory(group__organization=organization, role=GroupRole.CHAIR)
    member = GroupMembershipFactory(group__organization=organization, role=GroupRole.MEMBER)
    assert "leader" in roles_of(in_charge)
    assert "leader" in roles_of(chair.person.user)
    assert "leader" not in roles_of(member.person.user)


def test_heads_and_liaison_officers_have_their_roles(organization):
    department = DepartmentFactory(organization=organization)
    assert "department_head" in roles_of(staff_in(department, "head"))
    assert "liaison_officer" in roles_of(staff_in(department, "liaison_officer"))


def test_a_superuser_is_system_admin(db):
    admin = get_user_model().objects.create_superuser("root", password="x")
    assert roles_of(admin) == ["system_admin"]


def test_only_the_head_liaison_and_office_may_edit_a_departments_contacts(offices):
    department = DepartmentFactory(organization=offices)
    other = DepartmentFactory(organization=offices)
    allowed = [
        staff_in(department, "head"),
        staff_in(department, "liaison_officer"),
        staff_in(offices.coordinating_department),
    ]
    refused = [
        staff_in(department),
        staff_in(other, "head"),
        staff_in(offices.supervision_department),
    ]
    for user in allowed:
        assert user.has_perm("org.change_department_contacts", department), user
    for user in refused:
        assert not user.has_perm("org.change_department_contacts", department), user


def test_people_see_departments_of_their_own_organization_only(organization):
    user = staff_in(DepartmentFactory(organization=organization))
    assert user.has_perm("org.view_department", DepartmentFactory(organization=organization))
    assert not user.has_perm("org.view_department", DepartmentFactory())


def test_the_head_may_appoint_the_liaison_officer_but_the_liaison_may_not(organization):
    department = DepartmentFactory(organization=organization)
    assert staff_in(department, "head").has_perm("org.appoint_liaison_officer", department)
    assert not staff_in(department, "liaison_officer").has_perm(
        "org.appoint_liaison_officer", department
    )


def test_only_system_admins_import_the_organization(organization):
    admin = get_user_model().objects.create_superuser("root", password="x")
    assert admin.has_perm("org.import_org")
    assert not PersonFactory(organization=organization).user.has_perm("org.import_org")

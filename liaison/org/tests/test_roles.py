"""Who is who (liaison.org.roles): leaders, the leading group and the departments a person
acts for, pinned on the matters' small hospital, and what the navigation's board check
costs for plain staff."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.org import roles
from liaison.org.models import (
    CoordinationGroup,
    GroupMembership,
    GroupRole,
    LeaderInCharge,
    Person,
    Position,
    PositionRole,
)
from liaison.supervision.policy import may_see_board
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def fresh(person: Person) -> Person:
    """The person as a request has them: the organization read along."""
    return Person.objects.select_related("organization").get(pk=person.pk)


# who: (is a leader, in the leading group)
CAST = {
    "president": (True, True),  # in charge of departments, chairs the leading group
    "secretary": (True, False),  # in charge of 总务科 and 保卫科, outside the group
    "group_member": (False, True),  # a plain member of the leading group
    "group_office_head": (False, True),  # works in the leading group's office
    "xxk_head": (False, False),
    "xxk_staff": (False, False),
    "outsider": (False, False),
}


@pytest.mark.parametrize(("who", "expected"), CAST.items())
def test_leaders_and_the_leading_group(h, who, expected):
    person = h.p[who]
    assert (roles.is_leader(person), roles.in_leading_group(person)) == expected


def test_the_vice_chair_of_an_active_group_is_a_leader_until_it_is_dissolved(h):
    staff = h.p["xxk_staff"]
    group = CoordinationGroup.objects.create(organization=h.organization, name="院感协调小组")
    GroupMembership.objects.create(group=group, person=staff, role=GroupRole.VICE_CHAIR)
    assert roles.is_leader(staff)
    group.is_active = False
    group.save(update_fields=["is_active"])
    assert not roles.is_leader(staff)


def test_a_leader_in_charge_whose_assignment_ended_is_no_leader(h):
    secretary = h.p["secretary"]
    LeaderInCharge.objects.filter(leader=secretary).update(end=datetime.date(2026, 1, 1))
    assert not roles.is_leader(secretary)


def test_the_leading_group_counts_only_while_it_is_active(h):
    CoordinationGroup.objects.filter(is_leading_group=True).update(is_active=False)
    assert not roles.in_leading_group(h.p["group_member"])
    assert not roles.in_leading_group(h.p["group_office_head"])


def test_members_of_another_group_and_its_office_are_not_in_the_leading_group(h):
    staff = h.p["xxk_staff"]
    group = CoordinationGroup.objects.create(
        organization=h.organization, name="院感协调小组", office_department=h.d["EK"]
    )
    GroupMembership.objects.create(group=group, person=staff, role=GroupRole.MEMBER)
    assert not roles.in_leading_group(staff)
    assert not roles.in_leading_group(h.p["outsider"])  # works in 儿科, that group's office


def test_the_departments_a_person_acts_for_are_those_they_head_deputise_or_liaise_for(h):
    xxk = h.d["XXK"].pk
    assert roles.handled_department_ids(h.p["xxk_head"]) == {xxk}
    assert roles.handled_department_ids(h.p["xxk_deputy"]) == {xxk}
    assert roles.handled_department_ids(h.p["xxk_liaison"]) == {xxk}
    assert roles.handled_department_ids(h.p["xxk_staff"]) == set()
    # Plain staff of a second department; then the head's position there ends.
    head = h.p["xxk_head"]
    Position.objects.create(
        person=head, department=h.d["EK"], role=PositionRole.STAFF, start=datetime.date(2025, 1, 1)
    )
    assert roles.handled_department_ids(head) == {xxk}
    Position.objects.filter(person=head, department=h.d["XXK"]).update(
        end=datetime.date(2026, 1, 1)
    )
    assert roles.handled_department_ids(head) == set()


def test_the_board_check_costs_plain_staff_three_queries(h):
    staff = fresh(h.p["xxk_staff"])
    with CaptureQueriesContext(connection) as queries:
        assert not may_see_board(staff)
    # Their positions, whether they lead, whether they are in the leading group.
    assert len(queries) <= 3, [q["sql"] for q in queries]

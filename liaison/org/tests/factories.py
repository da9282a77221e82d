import datetime

import factory
from django.contrib.auth import get_user_model

from liaison.org.models import (
    CoordinationGroup,
    Department,
    DepartmentKind,
    GroupMembership,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)

PASSWORD = "pass-1234-word"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"org{n}")
    name = factory.Sequence(lambda n: f"第{n}人民医院")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"D{n:03d}")
    name = factory.Sequence(lambda n: f"科室{n}")
    kind = DepartmentKind.CLINICAL


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
    name = factory.Sequence(lambda n: f"职工{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(PersonFactory)
    department = factory.SubFactory(
        DepartmentFactory, organization=factory.SelfAttribute("..person.organization")
    )
    role = PositionRole.STAFF
    start = datetime.date(2025, 1, 1)


class LeaderInChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeaderInCharge

    leader = factory.SubFactory(PersonFactory)
    department = factory.SubFactory(
        DepartmentFactory, organization=factory.SelfAttribute("..leader.organization")
    )
    start = datetime.date(2025, 1, 1)


class CoordinationGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationGroup

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"协调小组{n}")


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(CoordinationGroupFactory)
    person = factory.SubFactory(
        PersonFactory, organization=factory.SelfAttribute("..group.organization")
    )

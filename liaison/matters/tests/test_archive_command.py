"""`liaison archive-matters`: closed and withdrawn matters older than the archive period
become archived; newer ones and open ones are left alone."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from liaison.matters import services
from liaison.matters.models import EventType, Matter, MatterKind, State
from liaison.matters.services import MatterInput
from liaison.org.models import Department, Organization, Person
from liaison.org.tests.factories import DepartmentFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(organization):
    """The conftest organization with a coordinating office, a clinic and a lab."""
    office = DepartmentFactory(organization=organization, code="YB", name="院办")
    clinic = DepartmentFactory(organization=organization, code="EK", name="儿科")
    lab = DepartmentFactory(organization=organization, code="JYK", name="检验科")
    organization.coordinating_department = office
    organization.save()
    people = {}
    for key, department in (("office", office), ("clinic", clinic), ("lab", lab)):
        people[key] = PersonFactory(organization=organization)
        PositionFactory(person=people[key], department=department, role="head")
    return organization, {"YB": office, "EK": clinic, "JYK": lab}, people


def raise_and_close(organization, departments, people, *, withdraw=False) -> Matter:
    kind = MatterKind.objects.get(organization=organization, code="coordination")
    matter = services.create_matter(
        people["clinic"],
        MatterInput(title="检验报告30分钟出具超时", kind=kind, lead_department=departments["JYK"]),
        submit=True,
    )
    if withdraw:
        return services.withdraw(matter, people["clinic"], reason="科室已自行解决")
    matter = services.accept(matter, people["lab"])
    matter = services.reply(matter, people["lab"], text="已调整夜班人员")
    return services.confirm(matter, people["clinic"], rating="satisfied")


def at(days_ago: int):
    return time_machine.travel(timezone.now() - datetime.timedelta(days=days_ago), tick=False)


def test_archives_matters_closed_before_the_period_and_leaves_newer_ones(hospital):
    organization, departments, people = hospital
    with at(45):
        old_closed = raise_and_close(organization, departments, people)
    with at(40):
        old_withdrawn = raise_and_close(organization, departments, people, withdraw=True)
    with at(10):
        recent = raise_and_close(organization, departments, people)
    kind = MatterKind.objects.get(organization=organization, code="coordination")
    with at(60):
        still_open = services.create_matter(
            people["clinic"],
            MatterInput(title="门诊高峰分流", kind=kind, lead_department=departments["JYK"]),
            submit=True,
        )

    out = io.StringIO()
    call_command("archive_matters", stdout=out)

    states = dict(Matter.objects.values_list("pk", "state"))
    assert states[old_closed.pk] == State.ARCHIVED
    assert states[old_withdrawn.pk] == State.ARCHIVED
    assert states[recent.pk] == State.CLOSED
    assert states[still_open.pk] == State.DISPATCHED
    assert old_closed.events.filter(type=EventType.ARCHIVED, actor=None).count() == 1
    assert "archived 2 matters" in out.getvalue()
    assert "Archived 2 matters." in out.getvalue()

    # Thirty days after the recent one closed, it goes too; running twice changes nothing.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=25), tick=False):
        call_command("archive_matters", "--organization", organization.code, stdout=io.StringIO())
        out = io.StringIO()
        call_command("archive_matters", stdout=out)
    assert Matter.objects.get(pk=recent.pk).state == State.ARCHIVED
    assert "Archived 0 matters." in out.getvalue()


def test_one_organization_only(hospital):
    organization, departments, people = hospital
    other = Organization.objects.create(code="other", name="另一家医院")
    with at(45):
        matter = raise_and_close(organization, departments, people)
    out = io.StringIO()
    call_command("archive_matters", "--organization", other.code, stdout=out)
    assert Matter.objects.get(pk=matter.pk).state == State.CLOSED
    assert "other: archived 0 matters" in out.getvalue()
    assert f"{organization.code}:" not in out.getvalue()

    call_command("archive_matters", organization=organization.code, stdout=out)
    assert Matter.objects.get(pk=matter.pk).state == State.ARCHIVED


def test_an_unknown_organization_is_refused():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("archive_matters", "--organization", "nowhere")


def test_the_demo_people_are_not_needed():
    # Works on an empty installation.
    out = io.StringIO()
    call_command("archive_matters", stdout=out)
    assert "Archived 0 matters." in out.getvalue()
    assert not Department.objects.exists() and not Person.objects.exists()

"""The demo plans: two projects with layered registers, plans run for some weeks, most
distributions sent, one skipped and last week's HIS status report overdue; made once."""

import pytest

from liaison.communication import selectors
from liaison.communication.demo import build_demo_communication
from liaison.communication.models import Distribution, DistributionState, PlanRow, Project
from liaison.org.demo import build_demo_hospital
from liaison.org.models import Person

pytestmark = pytest.mark.django_db


def test_the_demo_hospital_has_communication_plans_that_ran():
    organization = build_demo_hospital()
    assert build_demo_communication(organization) == 2
    his = Project.objects.get(name="医院信息系统（HIS）升级改造项目")
    layers = {layer for layer, _label, people in selectors.register_of(his).layers if people}
    assert layers == {"decision", "management", "execution"}
    assert his.stakeholders.filter(external_name="王经理").exists()
    rules = set(PlanRow.objects.filter(project=his).values_list("rule", flat=True))
    assert "FREQ=WEEKLY;BYDAY=FR" in rules and "FREQ=MONTHLY;BYMONTHDAY=-1" in rules
    distributions = Distribution.objects.filter(row__project__organization=organization)
    assert distributions.filter(state=DistributionState.SENT).count() >= 10
    assert distributions.filter(state=DistributionState.SKIPPED).count() == 1
    overdue = distributions.overdue()
    assert overdue.count() == 1 and overdue.get().row.information == "项目周报"
    # The demo login 信息科 head has it on "my distributions".
    zhuren = Person.objects.get(user__username="zhuren")
    assert selectors.mine(zhuren).overdue == 1
    assert PlanRow.objects.filter(next_due_at__isnull=True, is_active=True).count() == 0
    assert build_demo_communication(organization) == 0  # once

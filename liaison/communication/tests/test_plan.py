"""Projects, the stakeholder register and the plan's rows: who may change them, what is
refused, and that every change is on the record."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from liaison.communication import policy, services
from liaison.communication.models import EventType, PlanEvent, Project, Stakeholder
from liaison.core.errors import InvalidInput, NotAllowed

from .conftest import at
from .factories import make_project, make_row, make_stakeholder

pytestmark = pytest.mark.django_db


def types(project) -> list[str]:
    return list(project.events.order_by("at", "pk").values_list("type", flat=True))


# Projects.


def test_a_department_head_starts_a_project_on_the_record(h, project):
    assert project.manager == h.p["xxk_head"] and project.is_active
    event = project.events.get()
    assert event.type == EventType.PROJECT_CREATED and event.actor == h.p["xxk_head"]
    assert event.data["owner_department"] == "信息科"


@pytest.mark.parametrize("who", ["xxk_head", "xxk_deputy", "xxk_liaison", "office"])
def test_heads_liaison_and_the_coordinating_office_may_start_a_project(h, monday, who):
    assert policy.may_start_for(h.p[who], h.d["XXK"])
    assert h.d["XXK"] in policy.startable_departments(h.p[who])
    project = make_project(h, by=h.p[who], name=f"项目{who}")
    assert Project.objects.get() == project and project.owner_department == h.d["XXK"]
    started = project.events.get(type=EventType.PROJECT_CREATED)
    assert started.actor == h.p[who]


@pytest.mark.parametrize("who", ["xxk_staff", "yjk_head", "president"])
def test_others_may_not_start_a_project_for_the_department(h, monday, who):
    assert not policy.may_start_for(h.p[who], h.d["XXK"])
    assert h.d["XXK"] not in policy.startable_departments(h.p[who])
    with pytest.raises(NotAllowed):
        make_project(h, by=h.p[who])
    assert not Project.objects.exists()


def test_a_project_needs_a_name_unique_in_the_organization_and_dates_in_order(h, project):
    with pytest.raises(InvalidInput, match="exists already"):
        make_project(h)
    with pytest.raises(InvalidInput):
        make_project(h, name="  ")
    with pytest.raises(InvalidInput, match="end before it starts"):
        make_project(
            h,
            name="其他",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 1),
        )
    assert Project.objects.count() == 1


@pytest.mark.parametrize("who", ["xxk_head", "xxk_liaison", "office", "yjk_head"])
def test_the_manager_the_owner_department_and_the_office_may_change_it(h, project, who):
    if who == "yjk_head":  # the manager, though of another department
        project = services.edit_project(
            project,
            h.p["xxk_head"],
            services.ProjectInput(
                name=project.name, owner_department=h.d["XXK"], manager=h.p["yjk_head"]
            ),
        )
    services.edit_project(
        project,
        h.p[who],
        services.ProjectInput(
            name="HIS升级改造（二期）",
            owner_department=h.d["XXK"],
            manager=project.manager,
        ),
    )
    project.refresh_from_db()
    assert project.name == "HIS升级改造（二期）"
    change = project.events.filter(type=EventType.PROJECT_CHANGED).last()
    assert change.actor == h.p[who]
    assert change.data["changes"]["name"] == ["HIS升级改造项目", "HIS升级改造（二期）"]


@pytest.mark.parametrize("who", ["xxk_staff", "yjk_head", "outsider"])
def test_others_read_but_may_not_change_it(h, project, who):
    assert not policy.may_edit(h.p[who], project)
    with pytest.raises(NotAllowed):
        services.edit_project(
            project,
            h.p[who],
            services.ProjectInput(name="x", owner_department=h.d["XXK"], manager=h.p[who]),
        )


def test_closing_a_project_stops_its_plan_and_reopening_resumes_it_from_now(
    h, project, president, monday
):
    row = make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_head"])
    data = services.ProjectInput(
        name=project.name, owner_department=h.d["XXK"], manager=h.p["xxk_head"], is_active=False
    )
    services.edit_project(project, h.p["xxk_head"], data)
    row.refresh_from_db()
    assert row.next_due_at is None
    monday.move_to(at("2026-03-16"))
    data.is_active = True
    services.edit_project(project, h.p["xxk_head"], data)
    row.refresh_from_db()
    assert row.next_due_at == at("2026-03-20", "09:00")


# The register.


def test_stakeholders_are_people_departments_or_external_parties(h, project):
    by = h.p["xxk_head"]
    person = make_stakeholder(project, by, person=h.p["president"], layer="decision")
    department = make_stakeholder(project, by, department=h.d["YJK"], influence="medium")
    vendor = make_stakeholder(
        project,
        by,
        external_name="李工",
        external_unit="杭州某医疗软件有限公司",
        external_contact="138-0000-0000",
        layer="execution",
        influence="low",
        interest="high",
        information_needs="接口规范、上线计划",
        preferred_channel="group",
    )
    assert [s.kind for s in (person, department, vendor)] == ["person", "department", "external"]
    with translation.override("en"):  # brackets as the reader's language writes them
        assert str(vendor) == "李工 (杭州某医疗软件有限公司)"
    assert types(project).count(EventType.STAKEHOLDER_ADDED) == 3


def test_a_stakeholder_is_exactly_one_party(h, project):
    with pytest.raises(InvalidInput, match="exactly one"):
        make_stakeholder(project, h.p["xxk_head"], person=h.p["president"], department=h.d["YJK"])
    with pytest.raises(InvalidInput, match="exactly one"):
        make_stakeholder(project, h.p["xxk_head"])
    # The database holds the rule too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(
            project=project,
            person=h.p["president"],
            external_name="x",
            layer="decision",
            influence="high",
        )


def test_a_stakeholder_is_in_the_register_once(h, project, president):
    with pytest.raises(InvalidInput, match="already"):
        make_stakeholder(project, h.p["xxk_head"], person=h.p["president"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(
            project=project, person=h.p["president"], layer="decision", influence="high"
        )


def test_a_bad_layer_or_influence_is_refused(h, project):
    with pytest.raises(InvalidInput):
        make_stakeholder(project, h.p["xxk_head"], person=h.p["vp"], layer="top")
    with pytest.raises(InvalidInput):
        make_stakeholder(project, h.p["xxk_head"], person=h.p["vp"], influence="huge")


def test_changing_a_stakeholder_records_what_changed(h, project, president):
    services.edit_stakeholder(
        president,
        h.p["xxk_head"],
        services.StakeholderInput(
            person=h.p["president"],
            layer="decision",
            influence="high",
            information_needs="整体进度、重大问题",
        ),
    )
    event = project.events.get(type=EventType.STAKEHOLDER_CHANGED)
    assert event.data["changes"]["information_needs"] == ["", "整体进度、重大问题"]


def test_the_only_recipient_of_a_row_cannot_be_removed(h, project, president, pharmacy):
    make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_head"])
    with pytest.raises(InvalidInput, match="only recipient of 项目周报"):
        services.remove_stakeholder(president, h.p["xxk_head"])
    services.remove_stakeholder(pharmacy, h.p["xxk_head"])
    assert list(project.stakeholders.all()) == [president]
    removed = project.events.get(type=EventType.STAKEHOLDER_REMOVED)
    assert removed.data["who"] == "药剂科"


def test_others_may_not_change_the_register(h, project, president):
    with pytest.raises(NotAllowed):
        make_stakeholder(project, h.p["yjk_head"], person=h.p["vp"])
    with pytest.raises(NotAllowed):
        services.remove_stakeholder(president, h.p["xxk_staff"])


# The plan.


def test_a_row_explains_its_rule_in_words(h, project, president):
    row = make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_liaison"])
    assert services.describe(row) == "Every week on Fridays at 09:00"
    event = project.events.get(type=EventType.ROW_ADDED)
    assert event.data["to"] == ["沈院长"] and event.data["rule"] == "FREQ=WEEKLY;BYDAY=FR"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=HOURLY", "at most once a day"),
        ("FREQ=DAILY;BYHOUR=9", "due time"),
        ("FREQ=WEEKLY;COUNT=0", "never falls due"),
        ("EVERY FRIDAY", "not a part of a recurrence rule"),
        ("", "Give the recurrence rule"),
    ],
)
def test_a_rule_that_cannot_be_used_is_refused(h, project, president, rule, message):
    with pytest.raises(InvalidInput, match=message):
        make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_head"], rule=rule)
    assert not project.rows.exists()


def test_a_row_needs_recipients_of_this_project_and_an_owner_of_the_organization(
    h, project, president
):
    other = make_project(h, name="另一个项目")
    stranger = make_stakeholder(other, h.p["xxk_head"], person=h.p["vp"])
    with pytest.raises(InvalidInput, match="at least one"):
        make_row(project, h.p["xxk_head"], to=[], owner=h.p["xxk_head"])
    with pytest.raises(InvalidInput, match="not a stakeholder of this project"):
        make_row(project, h.p["xxk_head"], to=[stranger], owner=h.p["xxk_head"])
    with pytest.raises(InvalidInput, match="Choose who sends it"):
        make_row(project, h.p["xxk_head"], to=[president], owner=None)


def test_a_row_without_distributions_is_removed_on_the_record(h, project, president):
    row = make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_head"])
    assert services.remove_row(row, h.p["xxk_head"]) is True
    assert not project.rows.exists()
    assert project.events.get(type=EventType.ROW_REMOVED).data["information"] == "项目周报"


def test_the_owner_of_a_new_row_is_told(h, project, president):
    from liaison.inbox.models import Ask, Notification

    make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_liaison"])
    assert Notification.objects.filter(recipient=h.p["xxk_liaison"], ask=Ask.INFO).exists()


def test_events_are_never_changed(project):
    event = PlanEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()

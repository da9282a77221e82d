"""The pages, through the test client: reading, the forms that change the register and the
plan, marking a distribution sent or skipped, my distributions, the export."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from liaison.communication import services
from liaison.communication.models import (
    Distribution,
    DistributionState,
    PlanRow,
    Project,
    Stakeholder,
)

from .conftest import at
from .factories import make_project, make_row

pytestmark = pytest.mark.django_db


def client_for(client, person):
    """The client signed in as the person, asking for English pages."""
    client.force_login(person.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def row(h, project, president, pharmacy):
    return make_row(project, h.p["xxk_head"], to=[president, pharmacy], owner=h.p["xxk_liaison"])


@pytest.fixture
def due(row, monday):
    monday.move_to(at("2026-03-06", "09:00"))
    services.sweep()
    return Distribution.objects.get()


def test_everyone_in_the_organization_reads_the_list_and_the_project(client, h, row):
    c = client_for(client, h.p["outsider"])
    page = c.get(reverse("communication:list"))
    assert page.status_code == 200 and "HIS升级改造项目" in page.text
    assert 'data-testid="new-project"' not in page.text  # 儿科 staff cannot start one
    page = c.get(reverse("communication:detail", args=[row.project_id]))
    assert page.status_code == 200
    assert "沈院长" in page.text and "药剂科" in page.text
    assert "Every week on Fridays at 09:00" in page.text
    assert 'data-testid="add-stakeholder"' not in page.text
    assert 'data-testid="edit-row"' not in page.text


def test_another_organizations_project_is_not_found(client, h, project):
    from liaison.matters.tests.factories import build_hospital

    other = build_hospital("h2")
    c = client_for(client, other.p["president"])
    assert c.get(reverse("communication:detail", args=[project.pk])).status_code == 404


def test_a_head_starts_a_project_through_the_form(client, h, monday):
    c = client_for(client, h.p["xxk_head"])
    form = c.get(reverse("communication:new"))
    assert form.status_code == 200
    response = c.post(
        reverse("communication:new"),
        {
            "name": "电子病历评级项目",
            "owner_department": h.d["XXK"].pk,
            "manager": h.p["xxk_deputy"].pk,
            "start_date": "2026-03-01",
            "end_date": "2026-12-31",
            "is_active": "on",
        },
    )
    project = Project.objects.get(name="电子病历评级项目")
    assert response.status_code == 302 and response.url == f"/communication/{project.pk}/"
    assert project.manager == h.p["xxk_deputy"]


def test_the_project_form_shows_a_refusal_and_changes_nothing(client, h, project):
    c = client_for(client, h.p["xxk_head"])
    response = c.post(
        reverse("communication:new"),
        {"name": project.name, "owner_department": h.d["XXK"].pk, "manager": h.p["xxk_head"].pk},
    )
    assert response.status_code == 200
    assert "A project of this name exists already." in response.text
    assert Project.objects.count() == 1


def test_stakeholders_are_added_changed_and_removed_through_the_forms(client, h, project):
    c = client_for(client, h.p["xxk_liaison"])
    url = reverse("communication:stakeholder-new", args=[project.pk])
    response = c.post(
        url,
        {
            "kind": "external",
            "person": h.p["vp"].pk,  # ignored: the kind says external
            "external_name": "李工",
            "external_unit": "某医疗软件有限公司",
            "layer": "execution",
            "influence": "medium",
            "information_needs": "接口规范",
        },
    )
    assert response.status_code == 302
    vendor = Stakeholder.objects.get()
    assert vendor.person is None
    with translation.override("en"):  # brackets as the reader's language writes them
        assert str(vendor) == "李工 (某医疗软件有限公司)"
    # A kind without its party is refused on the form.
    response = c.post(url, {"kind": "person", "layer": "decision", "influence": "high"})
    assert response.status_code == 200 and Stakeholder.objects.count() == 1
    response = c.post(
        reverse("communication:stakeholder-edit", args=[vendor.pk]),
        {
            "kind": "external",
            "external_name": "李工",
            "external_unit": "某医疗软件有限公司",
            "layer": "execution",
            "influence": "high",
        },
    )
    vendor.refresh_from_db()
    assert vendor.influence == "high"
    c.post(reverse("communication:stakeholder-remove", args=[vendor.pk]))
    assert not Stakeholder.objects.exists()


def test_others_are_sent_back_from_the_forms(client, h, project, president):
    c = client_for(client, h.p["yjk_head"])
    response = c.get(reverse("communication:stakeholder-new", args=[project.pk]))
    assert response.status_code == 302
    response = c.post(reverse("communication:stakeholder-remove", args=[president.pk]))
    assert response.status_code == 302
    assert Stakeholder.objects.filter(pk=president.pk).exists()


def test_a_weekly_row_is_added_through_the_form(client, h, project, president, pharmacy):
    c = client_for(client, h.p["xxk_head"])
    url = reverse("communication:row-new", args=[project.pk])
    assert c.get(url).status_code == 200
    response = c.post(
        url,
        {
            "information": "项目周报",
            "stakeholders": [president.pk, pharmacy.pk],
            "channel": "email",
            "owner": h.p["xxk_liaison"].pk,
            "start_date": "2026-03-06",
            "due_time": "16:00",
            "repeat": "weekly",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    row = PlanRow.objects.get()
    assert row.rule == "FREQ=WEEKLY;BYDAY=FR"
    assert row.next_due_at == at("2026-03-06", "16:00")
    page = c.get(reverse("communication:detail", args=[project.pk]))
    assert "Every week on Fridays at 16:00" in page.text


def test_a_bad_custom_rule_is_shown_on_the_row_form(client, h, project, president):
    c = client_for(client, h.p["xxk_head"])
    response = c.post(
        reverse("communication:row-new", args=[project.pk]),
        {
            "information": "日报",
            "stakeholders": [president.pk],
            "channel": "email",
            "owner": h.p["xxk_head"].pk,
            "start_date": "2026-03-06",
            "due_time": "09:00",
            "repeat": "custom",
            "rule": "FREQ=HOURLY",
        },
    )
    assert response.status_code == 200
    assert "at most once a day" in response.text
    assert not PlanRow.objects.exists()


def test_adding_a_row_without_stakeholders_asks_for_them_first(client, h, project):
    c = client_for(client, h.p["xxk_head"])
    response = c.get(reverse("communication:row-new", args=[project.pk]))
    assert response.url == reverse("communication:stakeholder-new", args=[project.pk])


def test_the_owner_sees_it_in_my_distributions_and_marks_it_sent(client, h, due, president):
    c = client_for(client, h.p["xxk_liaison"])
    page = c.get(reverse("communication:mine"))
    assert 'data-testid="my-distribution"' in page.text and "项目周报" in page.text
    response = c.post(
        reverse("communication:sent", args=[due.pk]),
        {"sent_to": [president.pk], "note": "第10周周报", "next": "mine"},
    )
    assert response.status_code == 302 and response.url == reverse("communication:mine")
    due.refresh_from_db()
    assert due.state == DistributionState.SENT and due.note == "第10周周报"
    page = c.get(reverse("communication:mine"))
    assert 'data-testid="nothing-due"' in page.text
    assert 'data-testid="done-distribution"' in page.text


def test_the_sent_form_takes_a_file_which_others_in_the_organization_download(client, h, due):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(client, h.p["xxk_liaison"])
    c.post(
        reverse("communication:sent", args=[due.pk]),
        {
            "sent_to": [s.pk for s in due.row.stakeholders.all()],
            "file": SimpleUploadedFile("周报.pdf", b"%PDF-1.4"),
        },
    )
    c = client_for(client, h.p["outsider"])
    download = c.get(reverse("communication:attachment", args=[due.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    assert "attachment" in download["Content-Disposition"]


def test_skipping_needs_a_reason(client, h, due):
    c = client_for(client, h.p["xxk_liaison"])
    response = c.post(reverse("communication:skip", args=[due.pk]), {"reason": ""})
    assert response.status_code == 400
    response = c.post(reverse("communication:skip", args=[due.pk]), {"reason": "本周停更"})
    assert response.status_code == 302
    due.refresh_from_db()
    assert due.state == DistributionState.SKIPPED


def test_someone_else_cannot_mark_it(client, h, due):
    c = client_for(client, h.p["outsider"])
    page = c.get(reverse("communication:distribution", args=[due.pk]))
    assert page.status_code == 200 and 'data-testid="sent-form"' not in page.text
    response = c.post(
        reverse("communication:sent", args=[due.pk]),
        {"sent_to": [s.pk for s in due.row.stakeholders.all()]},
        follow=True,
    )
    assert "Only 钱联络 and the project&#x27;s managers" in response.text
    due.refresh_from_db()
    assert due.state == DistributionState.DUE


def test_overdue_distributions_are_highlighted_and_counted(client, h, due, monday):
    monday.move_to(at("2026-03-09"))
    c = client_for(client, h.p["xxk_liaison"])
    page = c.get(reverse("communication:mine"))
    assert 'data-testid="my-overdue"' in page.text and "matter-overdue" in page.text
    page = c.get(reverse("communication:list"))
    assert 'data-testid="overdue-count"' in page.text
    page = c.get(
        reverse("communication:distributions", args=[due.row.project_id]) + "?state=overdue"
    )
    assert page.text.count('data-testid="distribution"') == 1


def test_the_register_and_plan_export_as_a_spreadsheet(client, h, row):
    c = client_for(client, h.p["outsider"])
    response = c.get(reverse("communication:export", args=[row.project_id]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    register, plan = book.worksheets
    assert register["A5"].value == "沈院长" and register["D5"].value.startswith("Decision layer")
    assert plan["A5"].value == "项目周报" and plan["D5"].value == "Every week on Fridays at 09:00"


def test_a_closed_project_is_listed_apart(client, h, project, monday):
    make_project(h, name="旧项目", end_date=datetime.date(2026, 1, 1), start_date=None)
    old = Project.objects.get(name="旧项目")
    services.edit_project(
        old,
        h.p["xxk_head"],
        services.ProjectInput(
            name="旧项目", owner_department=h.d["XXK"], manager=h.p["xxk_head"], is_active=False
        ),
    )
    c = client_for(client, h.p["xxk_head"])
    assert "旧项目" not in c.get(reverse("communication:list")).text
    assert "旧项目" in c.get(reverse("communication:list") + "?closed=1").text

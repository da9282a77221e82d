"""Every state change is on the record: who, when, what; and the record is append-only."""

import pytest
from django.urls import reverse

from liaison.core.models import AuditAction, AuditEvent
from liaison.org import services
from liaison.org.tests.factories import DepartmentFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_an_appointment_records_who_made_it_and_what_it_was(organization):
    office = PersonFactory(organization=organization)
    person = PersonFactory(organization=organization)
    department = DepartmentFactory(organization=organization, code="YJK")

    position = services.appoint(person, department, "liaison_officer", actor=office.user)

    event = AuditEvent.objects.for_object(position).get()
    assert event.action == AuditAction.POSITION_STARTED
    assert event.actor == office.user
    assert event.organization == organization
    assert event.data["department"] == "YJK"
    assert event.data["role"] == "liaison_officer"


def test_replacing_a_liaison_officer_records_the_end_of_the_old_term(organization):
    department = DepartmentFactory(organization=organization)
    old = PositionFactory(
        person__organization=organization, department=department, role="liaison_officer"
    )
    services.appoint(PersonFactory(organization=organization), department, "liaison_officer")
    assert AuditEvent.objects.for_object(old).get().action == AuditAction.POSITION_ENDED


def test_audit_events_cannot_be_changed_or_deleted(organization):
    department = DepartmentFactory(organization=organization)
    services.move_department(department, None)
    event = AuditEvent.objects.get()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target_repr="x")
    assert AuditEvent.objects.count() == 1


def test_editing_contact_details_on_the_page_is_recorded_with_the_editor(client, organization):
    department = DepartmentFactory(organization=organization, phone="8001")
    head = PositionFactory(
        person__organization=organization, department=department, role="head"
    ).person
    client.force_login(head.user)

    client.post(
        reverse("org:department-contacts", args=[department.pk]),
        {"phone": "8002", "location": "行政楼3层"},
    )

    event = AuditEvent.objects.for_object(department).get()
    assert event.action == AuditAction.DEPARTMENT_CHANGED
    assert event.actor == head.user
    assert event.data["phone"] == ["8001", "8002"]


def test_saving_unchanged_contact_details_records_nothing(organization):
    department = DepartmentFactory(organization=organization, phone="8001", location="")
    services.update_department_contacts(department, phone="8001", location="")
    assert not AuditEvent.objects.for_object(department).exists()


def test_the_audit_trail_is_readable_but_not_editable_in_the_admin(admin_client, organization):
    services.move_department(DepartmentFactory(organization=organization), None)
    event = AuditEvent.objects.get()
    assert admin_client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:core_auditevent_change", args=[event.pk])).status_code
        == 200
    )
    assert (
        admin_client.post(reverse("admin:core_auditevent_delete", args=[event.pk])).status_code
        == 403
    )

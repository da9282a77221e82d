"""系统管理 → 操作记录: the organization's changes made through the application, and a note
saying where the rest of the record lives."""

import pytest

from liaison.core.models import AuditAction, AuditEvent
from liaison.org import services
from liaison.org.models import PositionRole
from liaison.org.tests.factories import DepartmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_audit_list_shows_org_changes_and_says_where_the_work_is_recorded(
    admin_client, organization
):
    person = PersonFactory(organization=organization, name="钱联络")
    department = DepartmentFactory(organization=organization, code="XXK", name="信息科")
    services.appoint(person, department, PositionRole.LIAISON_OFFICER)
    assert AuditEvent.objects.filter(action=AuditAction.POSITION_STARTED).count() == 1

    response = admin_client.get("/admin/core/auditevent/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="audit-scope"' in html
    assert "a matter's timeline" in html and "History" in html
    assert "Position started" in html

"""The admin pages for matters and notifications open for a superuser; matters, their
timelines and notifications are read-only there."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.inbox.models import Notification
from liaison.matters import services
from liaison.matters.models import (
    Category,
    ExtensionRequest,
    Matter,
    MatterKind,
    MatterSettings,
)
from liaison.matters.services import MatterInput
from liaison.org.demo import build_demo_hospital
from liaison.org.models import Department, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def matter(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    hospital = build_demo_hospital()
    dept = {d.code: d for d in Department.objects.filter(organization=hospital)}
    people = {p.user.username: p for p in Person.objects.select_related("user")}
    Category.objects.create(organization=hospital, name="信息化")
    services.settings_for(hospital)
    matter = services.create_matter(
        people["lianluo"],
        MatterInput(
            title="药房叫号系统故障",
            kind=MatterKind.objects.get(organization=hospital, code="coordination"),
            lead_department=dept["XXK"],
            co_departments=(dept["MZB"],),
        ),
        submit=True,
    )
    matter = services.accept(matter, people["zhuren"])
    services.add_attachments(
        matter, people["zhuren"], [SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4")]
    )
    services.request_extension(
        matter,
        people["zhuren"],
        due=matter.due + datetime.timedelta(days=5),
        reason="等待供应商",
    )
    return matter


@pytest.fixture
def admin_client(client, django_user_model):
    django_user_model.objects.create_superuser("root", password="pass-1234-word")
    client.login(username="root", password="pass-1234-word")
    return client


def test_every_registered_page_opens(admin_client, matter):
    objects = {
        "matters_matterkind": MatterKind.objects.first(),
        "matters_category": Category.objects.first(),
        "matters_mattersettings": MatterSettings.objects.first(),
        "matters_matter": matter,
        "matters_extensionrequest": ExtensionRequest.objects.first(),
        "inbox_notification": Notification.objects.first(),
    }
    for name, obj in objects.items():
        assert obj is not None, name
        changelist = admin_client.get(reverse(f"admin:{name}_changelist"))
        assert changelist.status_code == 200, name
        change = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert change.status_code == 200, name
    for name in ("matters_matterkind", "matters_category", "matters_mattersettings"):
        assert admin_client.get(reverse(f"admin:{name}_add")).status_code == 200, name


def test_a_matter_is_shown_with_its_timeline_co_organizers_and_attachments(admin_client, matter):
    page = admin_client.get(reverse("admin:matters_matter_change", args=[matter.pk]))
    content = page.content.decode()
    assert matter.number in content and "会议纪要.pdf" in content and "门诊部" in content
    assert "等待供应商" in content
    # Read-only: no form to save, no adding or deleting.
    assert 'name="_save"' not in content
    assert admin_client.get(reverse("admin:matters_matter_add")).status_code == 403
    delete = reverse("admin:matters_matter_delete", args=[matter.pk])
    assert admin_client.get(delete).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:matters_matter_change", args=[matter.pk]), {"title": "改"}
        ).status_code
        == 403
    )
    assert Matter.objects.get(pk=matter.pk).title == "药房叫号系统故障"


def test_kinds_are_edited_in_the_admin(admin_client, matter):
    kind = MatterKind.objects.get(organization=matter.organization, code="suggestion")
    page = admin_client.post(
        reverse("admin:matters_matterkind_change", args=[kind.pk]),
        {
            "organization": kind.organization_id,
            "code": "suggestion",
            "name_zh": "意见与建议",
            "name_en": "Suggestion",
            "number_prefix": "JY",
            "default_days": 12,
            "raised_by": "offices_and_leaders",
            "is_active": "on",
            "sort_order": 4,
        },
    )
    assert page.status_code == 302
    kind.refresh_from_db()
    assert kind.name_zh == "意见与建议" and kind.default_days == 12
    assert kind.raised_by == "offices_and_leaders"


def test_notifications_are_read_only(admin_client, matter):
    notification = Notification.objects.first()
    assert admin_client.get(reverse("admin:inbox_notification_add")).status_code == 403
    url = reverse("admin:inbox_notification_delete", args=[notification.pk])
    assert admin_client.get(url).status_code == 403

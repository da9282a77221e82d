"""The kinds of matter every organization starts with, and its limits."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from liaison.org.models import Organization

from ..models import MatterKind, MatterSettings, RaisedBy

DEFAULT_KINDS = [
    # code, Chinese, English, number prefix, default days
    ("coordination", "协调事项", "Coordination request", "XT", 5),
    ("contact_form", "工作联系单", "Work contact form", "LX", 5),
    ("supervision", "督办件", "Supervision item", "DB", 7),
    ("rectification", "整改事项", "Rectification item", "ZG", 15),
    ("suggestion", "意见建议", "Suggestion", "JY", 10),
    ("liaison_report", "联络员反映问题", "Problem reported by a liaison officer", "FY", 5),
    ("task_deployment", "任务部署", "Task deployment", "RW", 5),
]

#: The kinds an office or a leader raises: a staff member cannot put a department under
#: supervision, order a rectification or deploy a task (admin-editable once seeded).
OFFICE_KINDS = {"supervision", "rectification", "task_deployment"}


def seed_matter_kinds(organization: Organization) -> None:
    for order, (code, zh, en, prefix, days) in enumerate(DEFAULT_KINDS):
        MatterKind.objects.get_or_create(
            organization=organization,
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "number_prefix": prefix,
                "default_days": days,
                "sort_order": order,
                "raised_by": RaisedBy.OFFICES_AND_LEADERS
                if code in OFFICE_KINDS
                else RaisedBy.ANYONE,
            },
        )


@receiver(post_save, sender=Organization)
def _seed_new_organization(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        seed_matter_kinds(instance)


def settings_for(organization: Organization) -> MatterSettings:
    limits, _created = MatterSettings.objects.get_or_create(organization=organization)
    return limits

"""Service levels for the matter kinds that already exist (new kinds get theirs when they
are created)."""

from django.db import migrations

# Frozen copy of services.DEFAULT_LEVELS: a migration must not follow later edits.
LEVELS = {
    "normal": (1, "working_days", None, "working_days"),
    "urgent": (4, "working_hours", 1, "working_days"),
    "emergency": (30, "clock_minutes", 360, "clock_minutes"),
}


def seed(apps, schema_editor):
    MatterKind = apps.get_model("matters", "MatterKind")
    ServiceLevel = apps.get_model("deadlines", "ServiceLevel")
    for kind in MatterKind.objects.all():
        for urgency, (accept, accept_unit, reply, reply_unit) in LEVELS.items():
            ServiceLevel.objects.get_or_create(
                kind=kind,
                urgency=urgency,
                defaults={
                    "accept_within": accept,
                    "accept_unit": accept_unit,
                    "reply_within": reply if reply is not None else max(kind.default_days, 1),
                    "reply_unit": reply_unit,
                    "reminders": [50, 90],
                    "on_breach": "escalate",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial"), ("matters", "0006_co_organizer_department_index"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

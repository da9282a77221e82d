from django.db import migrations


def seed(apps, schema_editor):
    from liaison.matters.services import DEFAULT_KINDS

    Organization = apps.get_model("org", "Organization")
    MatterKind = apps.get_model("matters", "MatterKind")
    for organization in Organization.objects.all():
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
                },
            )


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial"), ("org", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

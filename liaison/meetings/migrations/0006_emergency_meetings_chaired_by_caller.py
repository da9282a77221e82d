"""Emergency meetings called without a chair are chaired by whoever called them, as new
ones are (services.call_emergency_meeting)."""

from django.db import migrations
from django.db.models import F


def chair_by_caller(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    Meeting.objects.filter(is_emergency=True, chair=None, created_by__isnull=False).update(
        chair=F("created_by")
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0005_event_plain_data")]

    operations = [migrations.RunPython(chair_by_caller, migrations.RunPython.noop)]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The deadline index extended to cover the dashboard's counts of open matters by
    holder; built before the narrower one goes, so that no moment lacks either."""

    dependencies = [
        ("matters", "0018_clock_span_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                fields=[
                    "organization",
                    "state",
                    "next_deadline",
                    "owner_department",
                    "paused_at",
                    "escalation_level",
                    "originator",
                ],
                name="matters_deadline_load",
            ),
        ),
        migrations.RemoveIndex(model_name="matter", name="matters_deadline"),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The dashboard's returns and transfers since a day, found without reading every
    event."""

    dependencies = [
        ("matters", "0019_deadline_load_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(fields=["type", "at", "matter"], name="matters_event_type_at"),
        ),
    ]

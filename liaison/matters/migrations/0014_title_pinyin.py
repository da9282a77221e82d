"""The title's pinyin and initials on each matter (the top search finds 自助机 by zzj among
all matters, not only the newest), filled for the matters already there."""

from django.db import migrations, models

from liaison.org.pinyin import pinyin_keys

BATCH = 2000


def fill(apps, schema_editor):
    Matter = apps.get_model("matters", "Matter")
    last = 0
    while True:
        matters = list(
            Matter.objects.filter(pk__gt=last).order_by("pk").only("pk", "title")[:BATCH]
        )
        if not matters:
            return
        for matter in matters:
            matter.title_pinyin, matter.title_initials = pinyin_keys(matter.title)
        Matter.objects.bulk_update(matters, ["title_pinyin", "title_initials"])
        last = matters[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0013_saved_views"),
    ]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="title_initials",
            field=models.CharField(blank=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="matter",
            name="title_pinyin",
            field=models.CharField(blank=True, editable=False, max_length=1200),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

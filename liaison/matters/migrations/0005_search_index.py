"""The bigram search index of matters (see liaison/matters/search.py), filled with the
matters already there."""

from django.db import migrations

from liaison.matters import search


def create(apps, schema_editor):
    search.create_index(schema_editor)
    search.rebuild(apps.get_model("matters", "Matter").objects.all())


def drop(apps, schema_editor):
    search.drop_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("matters", "0004_events_links_lapsed_extensions")]

    operations = [migrations.RunPython(create, drop)]

"""On PostgreSQL the search bigrams leave the matters table for a table of their own (see
liaison/matters/search.py): a change of a matter's state no longer rewrites its bigrams
into the GIN index."""

from django.db import migrations

from liaison.matters import search


def move(apps, schema_editor):
    search.move_out_of_matters(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("matters", "0009_fewer_indexes")]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]

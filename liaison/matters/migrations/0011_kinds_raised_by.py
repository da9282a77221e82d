from django.db import migrations, models

#: The kinds an office or a leader raises: a staff member cannot put a department under
#: supervision, order a rectification or deploy a task.
OFFICE_KINDS = ["supervision", "rectification", "task_deployment"]


def restrict(apps, schema_editor):
    MatterKind = apps.get_model("matters", "MatterKind")
    MatterKind.objects.filter(code__in=OFFICE_KINDS).update(raised_by="offices_and_leaders")


class Migration(migrations.Migration):
    dependencies = [("matters", "0010_search_index_own_table")]

    operations = [
        migrations.AddField(
            model_name="matterkind",
            name="raised_by",
            field=models.CharField(
                choices=[
                    ("anyone", "Anyone"),
                    (
                        "offices_and_leaders",
                        "The coordinating office, the supervision office and leaders",
                    ),
                ],
                default="anyone",
                help_text=(
                    "Who may raise matters of this kind. Flows that raise them on their own "
                    "(a meeting's decisions, a notice's task) are not limited by it."
                ),
                max_length=20,
                verbose_name="raised by",
            ),
        ),
        migrations.RunPython(restrict, migrations.RunPython.noop),
    ]

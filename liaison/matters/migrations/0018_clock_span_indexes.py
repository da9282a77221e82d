"""Scorecards at a million matters: the clocks running at some moment of a period (ended
since its start, or running still) found by index, the period's figures counted from the
indexes alone, the withdrawn matters (counted nowhere) and the period's urges read from
their own small indexes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matters", "0017_event_wording"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(fields=["matter", "department"], name="matters_clock_matter"),
        ),
        migrations.AddIndex(
            model_name="matterevent",
            index=models.Index(
                fields=["at", "owner_department", "matter"],
                condition=models.Q(type="urged"),
                name="matters_event_urged",
            ),
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                fields=["organization", "state", "resolution"],
                condition=models.Q(state="withdrawn") | models.Q(state="archived", resolution=""),
                name="matters_withdrawn",
            ),
        ),
        migrations.RemoveIndex(model_name="clock", name="matters_clock_due"),
        migrations.RemoveIndex(model_name="clock", name="matters_clock_confirmed"),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                fields=["organization", "kind", "due", "department", "end", "ended_at", "matter"],
                name="matters_clock_due_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                fields=[
                    "organization",
                    "confirmed_at",
                    "department",
                    "kind",
                    "end",
                    "rating",
                    "reopened",
                    "matter",
                ],
                name="matters_clock_confirm_counts",
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                fields=["organization", "ended_at", "started_at"], name="matters_clock_ended"
            ),
        ),
    ]

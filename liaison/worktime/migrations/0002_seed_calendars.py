import datetime

from django.db import migrations


def seed(apps, schema_editor):
    from liaison.worktime.services import DEFAULT_CALENDAR_NAME, DEFAULT_PERIODS, library_days

    Organization = apps.get_model("org", "Organization")
    WorkCalendar = apps.get_model("worktime", "WorkCalendar")
    WorkPeriod = apps.get_model("worktime", "WorkPeriod")
    CalendarDay = apps.get_model("worktime", "CalendarDay")
    this_year = datetime.date.today().year
    days = library_days(this_year) + library_days(this_year + 1)
    for organization in Organization.objects.all():
        calendar, created = WorkCalendar.objects.get_or_create(
            organization=organization, department=None, defaults={"name": DEFAULT_CALENDAR_NAME}
        )
        if created:
            WorkPeriod.objects.bulk_create(
                WorkPeriod(calendar=calendar, start=start, end=end)
                for start, end in DEFAULT_PERIODS
            )
        for day, kind, name in days:
            CalendarDay.objects.get_or_create(
                organization=organization, date=day, defaults={"kind": kind, "name": name}
            )


class Migration(migrations.Migration):
    dependencies = [("worktime", "0001_initial"), ("org", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

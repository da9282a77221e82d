"""liaison load-holidays --organization CODE (FILE | --year YEAR)"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from liaison.org.models import Organization
from liaison.worktime.services import import_calendar_days, load_library_year


class Command(BaseCommand):
    help = (
        "Load holidays and adjusted working days into an organization's calendar, from a "
        "CSV (date,kind,name) or ICS file, or from the holiday library for a year."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organization", required=True, help="Organization code.")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("file", nargs="?", type=Path, help="A .csv or .ics file.")
        source.add_argument("--year", type=int, help="Load this year from the holiday library.")

    def handle(self, *args, organization, file, year, **options):
        try:
            organization = Organization.objects.get(code=organization)
        except Organization.DoesNotExist:
            raise CommandError(
                _("No organization has the code %(code)s.") % {"code": organization}
            ) from None
        if year is not None:
            if not load_library_year(organization, year):
                raise CommandError(
                    _("The holiday library has no data for %(year)d yet; import it from a file.")
                    % {"year": year}
                )
            self.stdout.write(_("The official holidays of %(year)d were loaded.") % {"year": year})
            return
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from None
        result = import_calendar_days(organization, file.name, content)
        if not result.ok:
            raise CommandError("\n".join(result.errors))
        self.stdout.write(result.summary())

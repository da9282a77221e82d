"""`liaison export-org FILE.xlsx|FILE.csv`: export departments and people.

An `.xlsx` target is one workbook with the sheets 科室 and 人员; a `.csv` target writes
two files next to it, `FILE-科室.csv` and `FILE-人员.csv` (UTF-8 with BOM)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from xlsxwriter.exceptions import FileCreateError

from liaison.org.transfer import csv_paths, organization_for, write_csv, write_xlsx


class Command(BaseCommand):
    help = (
        "Export departments and people (current positions) as an XLSX workbook, or as two "
        "CSV files FILE-科室.csv and FILE-人员.csv when FILE ends in .csv."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="target .xlsx or .csv file")
        parser.add_argument(
            "--organization",
            metavar="CODE",
            help="organization code (default: the only organization)",
        )

    def handle(self, *args, **options):
        try:
            organization = organization_for(options["organization"])
        except LookupError as error:
            raise CommandError(str(error)) from None
        path = Path(options["file"])
        suffix = path.suffix.lower()
        try:
            if suffix == ".xlsx":
                departments, people = write_xlsx(organization, path)
                written = str(path)
            elif suffix == ".csv":
                targets = csv_paths(path)
                departments, people = write_csv(organization, *targets)
                written = ", ".join(targets)
            else:
                raise CommandError(_("The file name must end in .xlsx or .csv."))
        except (OSError, FileCreateError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise CommandError(
                _("Cannot write %(path)s: %(reason)s") % {"path": path, "reason": reason}
            ) from None
        self.stdout.write(
            _("Exported %(departments)d departments and %(people)d people to %(path)s.")
            % {"departments": departments, "people": people, "path": written}
        )

"""`liaison import-org FILE [FILE ...]`: import departments and people (XLSX or CSV)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from liaison.org.transfer import error_count_message, import_organization, organization_for


class _ProgressBar:
    """One tqdm bar per stage, on stderr (hidden when stderr is not a terminal)."""

    def __init__(self):
        self.bar = None
        self.stage = None
        self.labels = {"read": _("Reading"), "check": _("Checking"), "write": _("Writing")}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if stage != self.stage:
            self.close()
            self.stage = stage
            self.bar = tqdm(
                total=total,
                desc=self.labels.get(stage, stage),
                unit="",
                file=sys.stderr,
                disable=None,
                leave=False,
            )
        if total is not None and (self.bar.total is None or total > self.bar.total):
            self.bar.total = total
        self.bar.update(max(done - self.bar.n, 0))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class Command(BaseCommand):
    help = (
        "Import departments (sheet 科室) and people (sheet 人员) from one XLSX workbook or "
        "CSV files. Nothing is written unless every row is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="XLSX or CSV file(s)")
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
        files = []
        for path in options["files"]:
            try:
                with open(path, "rb") as stream:
                    files.append((path, stream.read()))
            except OSError as error:
                raise CommandError(
                    _("Cannot read %(path)s: %(reason)s") % {"path": path, "reason": error.strerror}
                ) from None
        progress = _ProgressBar()
        try:
            result = import_organization(organization, files, progress=progress)
        finally:
            progress.close()
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(error_count_message(len(result.errors)))
        self.stdout.write(result.summary())

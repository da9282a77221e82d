"""The import: read, check, then write in one transaction (or report every error)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from liaison.core.audit import record
from liaison.core.models import AuditAction

from ..models import (
    Department,
    LeaderInCharge,
    Organization,
    Person,
    Position,
)
from ..services import default_coordinating_departments
from .applying import Writes
from .checking import Checks
from .format import DEPARTMENTS, PEOPLE, PROGRESS_EVERY, FileInput, Progress
from .reading import Reader, Sheet
from .results import ImportResult, RowError

logger = logging.getLogger(__name__)


class Importer(Checks, Writes):
    def __init__(self, organization: Organization, actor, progress: Progress | None):
        self.organization = organization
        self.actor = actor
        self.progress = progress
        self.errors: list[RowError] = []
        self.result = ImportResult(errors=self.errors)

    def error(self, sheet: Sheet | str, row: int | None, message: str) -> None:
        name = sheet.name if isinstance(sheet, Sheet) else sheet
        self.errors.append(RowError(name, row, message))

    def tick(self, stage: str, done: int, total: int | None) -> None:
        if self.progress and (done % PROGRESS_EVERY == 0 or done == total):
            self.progress(stage, done, total)

    def run(self, files: Iterable[FileInput]) -> ImportResult:
        reader = Reader(self.errors, self.progress)
        reader.read(files)
        if self.errors:
            return self.result
        if not reader.sheets:
            self.error("?", None, _("There are no rows to import."))
            return self.result
        sheets = {sheet.kind: sheet for sheet in reader.sheets}
        if not any(sheet.rows for sheet in reader.sheets):
            self.error(reader.sheets[0], None, _("There are no rows to import."))
            return self.result
        self.departments_sheet = sheets.get(DEPARTMENTS)
        self.people_sheet = sheets.get(PEOPLE)
        self.load()
        departments = self.check_departments()
        people = self.check_people()
        self.check_references(departments, people)
        if self.errors:
            order = {sheet.name: index for index, sheet in enumerate(reader.sheets)}
            self.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0))
            return self.result
        try:
            with transaction.atomic():
                self.write(departments, people)
                if self.result.changed:
                    record(
                        AuditAction.ORG_IMPORTED,
                        actor=self.actor,
                        organization=self.organization,
                        **self.result.counts(),
                    )
                    # A first import of a real hospital should find its 院办 and 督查办.
                    default_coordinating_departments(self.organization, actor=self.actor)
        except IntegrityError:
            logger.exception("Organization import failed on a database constraint")
            self.result = ImportResult(errors=self.errors)
            self.error(
                "?",
                None,
                _("The database changed during the import; nothing was written. Try again."),
            )
        return self.result

    # Loading what the database holds, in a few queries.

    def load(self) -> None:
        org = self.organization
        self.db_departments = {d.code: d for d in Department.objects.filter(organization=org)}
        self.department_codes = {d.pk: code for code, d in self.db_departments.items()}
        self.db_people = {p.employee_number: p for p in Person.objects.filter(organization=org)}
        self.current_positions = list(
            Position.objects.current()
            .filter(Q(person__organization=org) | Q(department__organization=org))
            .values_list("pk", "person_id", "department_id", "role", "start")
        )
        self.current_leaders = list(
            LeaderInCharge.objects.current()
            .filter(department__organization=org)
            .values_list("pk", "department_id", "leader_id", "start")
        )


def import_organization(
    organization: Organization,
    files: Iterable[FileInput],
    *,
    actor=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import (filename, bytes or binary file) pairs into `organization`.

    Returns the counts, or the errors (every bad row) with nothing written."""
    return Importer(organization, actor, progress).run(files)

"""Organization import and export: the 科室 (departments) and 人员 (people) sheets.

Import (`import_organization`) reads one XLSX workbook with both sheets, or one CSV file
per sheet (UTF-8 with or without BOM, or GB18030/GBK as Chinese Excel writes it), checks
every row against the file and the database, and writes only when the whole input is
valid, in one transaction, with bulk queries (20,000 people in seconds).

The file describes the current state of the departments and people it lists:

- departments and people are matched by their stable keys (科室编码, 工号) and updated
  in place, never duplicated; those not in the file are left alone;
- a column missing from the sheet leaves that field alone; a column present with an
  empty cell clears the field;
- the positions of a listed person (所在科室及岗位, plus 科主任/联络员 named on the
  department sheet) are kept or started today; their other current positions end today
  (positions are never deleted);
- naming a head or liaison officer ends the current holder's position today;
- 分管领导工号 replaces the department's current leader in charge (ending the previous
  assignment today); an empty cell ends the current assignment.

Export (`write_xlsx`, `write_csv`) writes the same format with Chinese headers and the
current state only, so importing a fresh export changes nothing. Cells are written through
`liaison.core.spreadsheets`: text that looks like a formula never becomes one (in CSV it
gets an apostrophe in front, which the import takes off again).

The package reads (`reading`), checks (`checking`), writes (`applying`) and exports
(`exporting`) in the format `format` describes; `importing` runs an import end to end.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Organization
from .exporting import csv_paths, export_rows, write_csv, write_xlsx
from .format import DEPARTMENT_COLUMNS, PEOPLE_COLUMNS
from .importing import import_organization
from .results import ImportResult, RowError, error_count_message

__all__ = [
    "DEPARTMENT_COLUMNS",
    "PEOPLE_COLUMNS",
    "ImportResult",
    "RowError",
    "csv_paths",
    "error_count_message",
    "export_rows",
    "import_organization",
    "organization_for",
    "write_csv",
    "write_xlsx",
]


def organization_for(code: str | None) -> Organization:
    """The organization with this code, or the only one; LookupError with a message if
    there is none, it is unknown, or there are several and no code was given."""
    if code:
        try:
            return Organization.objects.get(code=code)
        except Organization.DoesNotExist:
            raise LookupError(_("Unknown organization: %(code)s.") % {"code": code}) from None
    organizations = list(Organization.objects.order_by("code")[:21])
    if not organizations:
        raise LookupError(_("No organization exists yet."))
    if len(organizations) > 1:
        raise LookupError(
            _("There are several organizations; choose one with --organization (%(codes)s).")
            % {"codes": ", ".join(o.code for o in organizations)}
        )
    return organizations[0]

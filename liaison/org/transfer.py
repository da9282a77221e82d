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
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import logging
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison.core import spreadsheets
from liaison.core.audit import record
from liaison.core.models import AuditAction

from .models import (
    SINGLE_HOLDER_ROLES,
    Department,
    DepartmentKind,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)
from .pinyin import pinyin_keys
from .services import default_coordinating_departments, today

logger = logging.getLogger(__name__)

#: Rows per INSERT/UPDATE statement (the backend lowers it to its parameter limit).
BATCH_SIZE = 1000
#: Values per `pk IN (...)` query.
CHUNK_SIZE = 500
#: Report progress every this many rows.
PROGRESS_EVERY = 1000

DEPARTMENTS = "departments"
PEOPLE = "people"

#: progress(stage, done, total): stage is "read", "check" or "write"; total may be None.
Progress = Callable[[str, int, int | None], None]
FileInput = tuple[str, bytes | IO[bytes]]


# --- The format ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header the export writes
    aliases: tuple[str, ...]  # other accepted headers (normalised: lower case, no spaces)
    required: bool = False
    max_length: int | None = None


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


DEPARTMENT_COLUMNS = (
    Column(
        "code",
        "科室编码",
        ("code", "departmentcode"),
        required=True,
        max_length=_max_length(Department, "code"),
    ),
    Column(
        "name",
        "科室名称",
        ("name", "departmentname"),
        required=True,
        max_length=_max_length(Department, "name"),
    ),
    Column("short_name", "简称", ("shortname",), max_length=_max_length(Department, "short_name")),
    Column("kind", "类别", ("kind",), required=True),
    Column("parent_code", "上级科室编码", ("parentcode", "parent")),
    Column("head", "科主任工号", ("head",)),
    Column("liaison", "联络员工号", ("liaison", "liaisonofficer")),
    Column("leader_in_charge", "分管领导工号", ("leaderincharge",)),
    Column("phone", "电话", ("phone",), max_length=_max_length(Department, "phone")),
    Column("location", "地点", ("location",), max_length=_max_length(Department, "location")),
)

PEOPLE_COLUMNS = (
    Column(
        "employee_number",
        "工号",
        ("employeenumber",),
        required=True,
        max_length=_max_length(Person, "employee_number"),
    ),
    Column("name", "姓名", ("name",), required=True, max_length=_max_length(Person, "name")),
    Column("phone", "电话", ("phone",), max_length=_max_length(Person, "phone")),
    Column("email", "邮箱", ("email",), max_length=_max_length(Person, "email")),
    Column("title", "职务", ("title",), max_length=_max_length(Person, "title")),
    Column("positions", "所在科室及岗位", ("positions",)),
)

COLUMNS = {DEPARTMENTS: DEPARTMENT_COLUMNS, PEOPLE: PEOPLE_COLUMNS}
SHEET_TITLES = {DEPARTMENTS: "科室", PEOPLE: "人员"}
SHEET_NAMES = {
    "科室": DEPARTMENTS,
    "departments": DEPARTMENTS,
    "department": DEPARTMENTS,
    "人员": PEOPLE,
    "people": PEOPLE,
    "persons": PEOPLE,
}

KIND_LABELS = {
    DepartmentKind.CLINICAL: "临床科室",
    DepartmentKind.MEDICAL_TECHNICAL: "医技科室",
    DepartmentKind.FUNCTIONAL: "职能科室",
    DepartmentKind.LOGISTICS: "后勤科室",
    DepartmentKind.PARTY_UNION: "党群组织",
    DepartmentKind.EXTERNAL: "外部单位",
}
ROLE_LABELS = {
    PositionRole.HEAD: "科主任",
    PositionRole.DEPUTY_HEAD: "副主任",
    PositionRole.HEAD_NURSE: "护士长",
    PositionRole.LIAISON_OFFICER: "联络员",
    PositionRole.STAFF: "职员",
}
ROLE_ORDER = {role: index for index, role in enumerate(ROLE_LABELS)}
#: Characters a department code may not contain: they separate entries in 所在科室及岗位.
POSITION_SEPARATORS = ";；:："


def _text(value: Any) -> str:
    """A cell as text: numbers without a spurious `.0`, dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _normalise_header(value: Any) -> str:
    return re.sub(r"[\s_\-*＊\ufeff]+", "", _text(value)).lower()


def _normalise_value(value: str) -> str:
    return re.sub(r"[\s_\-/／·]+", "", value).lower()


def _build_aliases() -> dict[str, dict[str, str]]:
    aliases = {}
    for kind, columns in COLUMNS.items():
        mapping = {}
        for column in columns:
            for alias in (column.header, column.key, *column.aliases):
                mapping[_normalise_header(alias)] = column.key
        aliases[kind] = mapping
    return aliases


HEADER_ALIASES = _build_aliases()
#: Headers found on one sheet only: they tell a CSV file's (or an unnamed sheet's) kind.
DISTINCTIVE_HEADERS = {
    DEPARTMENTS: {
        h for h, key in HEADER_ALIASES[DEPARTMENTS].items() if key not in ("name", "phone")
    },
    PEOPLE: {h for h, key in HEADER_ALIASES[PEOPLE].items() if key not in ("name", "phone")},
}

KIND_ALIASES = {
    _normalise_value(alias): kind.value
    for kind, aliases in {
        DepartmentKind.CLINICAL: ("临床科室", "临床", "clinical"),
        DepartmentKind.MEDICAL_TECHNICAL: ("医技科室", "医技", "medical_technical"),
        DepartmentKind.FUNCTIONAL: ("职能科室", "职能", "职能部门", "functional"),
        DepartmentKind.LOGISTICS: ("后勤科室", "后勤", "后勤部门", "logistics"),
        DepartmentKind.PARTY_UNION: ("党群组织", "党群", "party_union", "party / union"),
        DepartmentKind.EXTERNAL: ("外部单位", "外部", "external", "external unit"),
    }.items()
    for alias in aliases
}
ROLE_ALIASES = {
    _normalise_value(alias): role.value
    for role, aliases in {
        PositionRole.HEAD: ("科主任", "主任", "科室主任", "head"),
        PositionRole.DEPUTY_HEAD: ("副主任", "科副主任", "副科主任", "deputy_head"),
        PositionRole.HEAD_NURSE: ("护士长", "head_nurse"),
        PositionRole.LIAISON_OFFICER: ("联络员", "liaison_officer", "liaison"),
        PositionRole.STAFF: ("职员", "员工", "staff"),
    }.items()
    for alias in aliases
}


# --- Results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: the sheet (sheet title, or file name for CSV and file-level problems),
    the row as Excel numbers it (header = 1; None for the whole file) and the reason."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.sheet}: {self.message}"
        return _("%(sheet)s, row %(row)d: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "message": self.message,
        }


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    departments_created: int = 0
    departments_updated: int = 0
    departments_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    positions_opened: int = 0
    positions_closed: int = 0
    leaders_opened: int = 0
    leaders_closed: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "errors"}

    @property
    def changed(self) -> bool:
        counts = self.counts()
        return any(v for k, v in counts.items() if not k.endswith("_unchanged"))

    def summary(self) -> str:
        return (
            _(
                "Departments: %(departments_created)d created, %(departments_updated)d "
                "updated, %(departments_unchanged)d unchanged. People: %(people_created)d "
                "created, %(people_updated)d updated, %(people_unchanged)d unchanged. "
                "Positions: %(positions_opened)d started, %(positions_closed)d ended. "
                "Leaders in charge: %(leaders_opened)d assigned, %(leaders_closed)d ended."
            )
            % self.counts()
        )


# --- Reading files ---------------------------------------------------------------------


@dataclass
class _Sheet:
    kind: str
    name: str
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def header(self, key: str) -> str:
        return self.headers.get(key) or key


def _detect_kind(header: Iterable[Any]) -> str | None:
    names = {_normalise_header(h) for h in header}
    scores = {kind: len(names & DISTINCTIVE_HEADERS[kind]) for kind in COLUMNS}
    if scores[DEPARTMENTS] == scores[PEOPLE]:
        return None
    return max(scores, key=scores.get)


class _Reader:
    def __init__(self, errors: list[RowError], progress: Progress | None):
        self.errors = errors
        self.progress = progress
        self.sheets: list[_Sheet] = []

    def error(self, sheet: str, row: int | None, message: str) -> None:
        self.errors.append(RowError(sheet, row, message))

    def read(self, files: Iterable[FileInput]) -> None:
        for filename, content in files:
            label = os.path.basename(filename or "") or "?"
            data = _read_bytes(content)
            if not data or not data.strip():
                self.error(label, None, _("The file is empty."))
            elif data.startswith(b"PK\x03\x04") or label.lower().endswith((".xlsx", ".xlsm")):
                self.read_xlsx(label, data)
            elif data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
                self.error(
                    label,
                    None,
                    _("Old Excel .xls files are not supported; save the workbook as .xlsx."),
                )
            else:
                self.read_csv(label, data)

    def read_xlsx(self, label: str, data: bytes) -> None:
        import openpyxl

        found = False
        try:
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # zipfile, XML and openpyxl errors alike: not a workbook
            self.error(label, None, _("This is not a valid XLSX workbook."))
            return
        try:
            for worksheet in workbook.worksheets:
                kind = SHEET_NAMES.get(worksheet.title.strip().lower())
                estimate = worksheet.max_row  # from the sheet's own, possibly wrong, dimension
                worksheet.reset_dimensions()
                rows = worksheet.iter_rows(min_row=1, values_only=True)
                header = next(rows, None) or ()
                kind = kind or _detect_kind(header)
                if kind is None:
                    continue  # an instructions sheet or similar
                found = True
                self.add_sheet(kind, worksheet.title, header, rows, estimate)
        except Exception:
            logger.info("Unreadable workbook %s", label, exc_info=True)
            self.error(label, None, _("This is not a valid XLSX workbook."))
            return
        finally:
            workbook.close()
        if not found:
            self.no_sheet(label)

    def read_csv(self, label: str, data: bytes) -> None:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            text = None
        if text is None or "\x00" in text:
            self.error(label, None, _("This file is neither an XLSX workbook nor a CSV file."))
            return
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        try:
            rows = [
                [spreadsheets.csv_text(cell) for cell in row]
                for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            ]
        except csv.Error:
            self.error(label, None, _("This file is neither an XLSX workbook nor a CSV file."))
            return
        header = rows[0] if rows else []
        kind = _detect_kind(header)
        if kind is None:
            self.no_sheet(label)
            return
        self.add_sheet(kind, label, header, iter(rows[1:]), len(rows))

    def no_sheet(self, label: str) -> None:
        self.error(
            label,
            None,
            _(
                "No 科室 (departments) or 人员 (people) sheet was found; check the sheet "
                "names and the header row."
            ),
        )

    def add_sheet(
        self,
        kind: str,
        name: str,
        header: Iterable[Any],
        rows: Iterator[Iterable[Any]],
        estimate: int | None,
    ) -> None:
        for other in self.sheets:
            if other.kind == kind:
                self.error(
                    name,
                    None,
                    _("This sheet repeats %(other)s; give each of 科室 and 人员 only once.")
                    % {"other": other.name},
                )
                return
        sheet = _Sheet(kind, name)
        self.sheets.append(sheet)
        aliases = HEADER_ALIASES[kind]
        for index, raw in enumerate(header):
            key = aliases.get(_normalise_header(raw))
            if key is None:
                continue  # unknown columns are ignored
            if key in sheet.columns:
                self.error(
                    name,
                    1,
                    _("Column %(column)s appears more than once.") % {"column": _text(raw)},
                )
            sheet.columns[key] = index
            sheet.headers[key] = _text(raw)
        missing = [c for c in COLUMNS[kind] if c.required and c.key not in sheet.columns]
        if missing:
            self.error(
                name,
                1,
                _("Missing required columns: %(columns)s.")
                % {"columns": ", ".join(f"{c.header} ({c.key})" for c in missing)},
            )
            return
        keys = list(sheet.columns)
        indexes = [sheet.columns[k] for k in keys]
        for number, values in enumerate(rows, start=2):
            values = tuple(values)
            width = len(values)
            cells = [_text(values[i]) if i < width else "" for i in indexes]
            if any(cells):
                sheet.rows.append((number, dict(zip(keys, cells, strict=True))))
            if self.progress and number % PROGRESS_EVERY == 0:
                self.progress("read", number, estimate)


def _read_bytes(content: bytes | IO[bytes] | str) -> bytes:
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    if hasattr(content, "seek"):
        with contextlib.suppress(OSError, ValueError):
            content.seek(0)
    data = content.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


# --- Checking --------------------------------------------------------------------------


class _DepartmentRow:
    __slots__ = ("cells", "code", "kind", "obj", "row")

    def __init__(self, row: int, cells: dict[str, str]):
        self.row = row
        self.cells = cells
        self.code = cells.get("code", "")
        self.kind: str | None = None
        self.obj: Department | None = None


class _PersonRow:
    __slots__ = ("cells", "number", "obj", "positions", "row")

    def __init__(self, row: int, cells: dict[str, str]):
        self.row = row
        self.cells = cells
        self.number = cells.get("employee_number", "")
        self.positions: list[tuple[str, str]] = []
        self.obj: Person | None = None


_POSITION_ENTRY = re.compile(r"^([^:：]*)(?:[:：](.*))?$", re.S)


def _parse_positions(text: str) -> Iterator[tuple[str, str | None, str]]:
    """(department code, role or None if unknown, entry as written) for each entry."""
    for entry in re.split(r"[;；\n]+", text):
        entry = entry.strip()
        if not entry:
            continue
        match = _POSITION_ENTRY.match(entry)
        code, role_text = match[1].strip(), (match[2] or "").strip()
        role = (
            ROLE_ALIASES.get(_normalise_value(role_text)) if role_text else PositionRole.STAFF.value
        )
        yield code, role, entry


class _Importer:
    def __init__(self, organization: Organization, actor, progress: Progress | None):
        self.organization = organization
        self.actor = actor
        self.progress = progress
        self.errors: list[RowError] = []
        self.result = ImportResult(errors=self.errors)

    def error(self, sheet: _Sheet | str, row: int | None, message: str) -> None:
        name = sheet.name if isinstance(sheet, _Sheet) else sheet
        self.errors.append(RowError(name, row, message))

    def tick(self, stage: str, done: int, total: int | None) -> None:
        if self.progress and (done % PROGRESS_EVERY == 0 or done == total):
            self.progress(stage, done, total)

    def run(self, files: Iterable[FileInput]) -> ImportResult:
        reader = _Reader(self.errors, self.progress)
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

    # Row by row.

    def check_cells(self, sheet: _Sheet, row: int, cells: dict[str, str]) -> None:
        for column in COLUMNS[sheet.kind]:
            if column.key not in cells:
                continue
            value = cells[column.key]
            if column.required and not value:
                self.error(
                    sheet, row, _("%(column)s is required.") % {"column": sheet.header(column.key)}
                )
            elif column.max_length and len(value) > column.max_length:
                self.error(
                    sheet,
                    row,
                    _("%(column)s is too long: %(length)d characters, at most %(max)d.")
                    % {
                        "column": sheet.header(column.key),
                        "length": len(value),
                        "max": column.max_length,
                    },
                )

    def check_departments(self) -> list[_DepartmentRow]:
        sheet = self.departments_sheet
        if sheet is None:
            return []
        rows, seen = [], {}
        for number, cells in sheet.rows:
            row = _DepartmentRow(number, cells)
            self.check_cells(sheet, number, cells)
            if any(separator in row.code for separator in POSITION_SEPARATORS):
                self.error(sheet, number, _("A department code cannot contain ; or :."))
            kind = cells["kind"]
            if kind:
                row.kind = KIND_ALIASES.get(_normalise_value(kind))
                if row.kind is None:
                    self.error(
                        sheet, number, _("Unknown department kind: %(value)s.") % {"value": kind}
                    )
            if row.code:
                if row.code in seen:
                    self.error(
                        sheet,
                        number,
                        _("Department code %(code)s is already in row %(row)d.")
                        % {"code": row.code, "row": seen[row.code]},
                    )
                    continue
                seen[row.code] = number
            rows.append(row)
        return rows

    def check_people(self) -> list[_PersonRow]:
        sheet = self.people_sheet
        if sheet is None:
            return []
        rows, seen = [], {}
        total = len(sheet.rows)
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            row = _PersonRow(number, cells)
            self.check_cells(sheet, number, cells)
            email = cells.get("email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(
                        sheet,
                        number,
                        _("Not a valid e-mail address: %(value)s.") % {"value": email},
                    )
            for code, role, entry in _parse_positions(cells.get("positions", "")):
                if not code:
                    self.error(
                        sheet, number, _("Invalid position entry: %(value)s.") % {"value": entry}
                    )
                elif role is None:
                    self.error(sheet, number, _("Unknown position: %(role)s") % {"role": entry})
                elif (code, role) not in row.positions:
                    row.positions.append((code, role))
            if row.number:
                if row.number in seen:
                    self.error(
                        sheet,
                        number,
                        _("Employee number %(number)s is already in row %(row)d.")
                        % {"number": row.number, "row": seen[row.number]},
                    )
                    continue
                seen[row.number] = number
            rows.append(row)
            self.tick("check", done, total)
        return rows

    # Across rows, sheets and the database.

    def check_references(self, departments: list[_DepartmentRow], people: list[_PersonRow]) -> None:
        dsheet, psheet = self.departments_sheet, self.people_sheet
        file_codes = {row.code for row in departments if row.code}
        known_codes = file_codes | self.db_departments.keys()
        known_numbers = {row.number for row in people if row.number} | self.db_people.keys()
        # (department code, role) -> [(sheet, row, employee number)]
        claims: dict[tuple[str, str], list[tuple[_Sheet, int, str]]] = defaultdict(list)
        for row in departments:
            parent = row.cells.get("parent_code")
            if parent and parent not in known_codes:
                self.error(
                    dsheet,
                    row.row,
                    _("Unknown parent department code: %(code)s.") % {"code": parent},
                )
            for key, role in (
                ("head", PositionRole.HEAD),
                ("liaison", PositionRole.LIAISON_OFFICER),
                ("leader_in_charge", None),
            ):
                number = row.cells.get(key)
                if not number:
                    continue
                if number not in known_numbers:
                    self.error(
                        dsheet,
                        row.row,
                        _("Unknown employee number: %(number)s.") % {"number": number},
                    )
                elif role is not None and row.code:
                    claims[(row.code, role)].append((dsheet, row.row, number))
        for row in people:
            for code, role in row.positions:
                if code not in known_codes:
                    self.error(
                        psheet, row.row, _("Unknown department code: %(code)s.") % {"code": code}
                    )
                elif role in SINGLE_HOLDER_ROLES and row.number:
                    claims[(code, role)].append((psheet, row.row, row.number))
        for (code, role), holders in claims.items():
            numbers = sorted({number for _sheet, _row, number in holders})
            if len(numbers) < 2:
                continue
            if role == PositionRole.HEAD:
                message = _("Department %(code)s is given more than one head: %(numbers)s.")
            else:
                message = _(
                    "Department %(code)s is given more than one liaison officer: %(numbers)s."
                )
            message %= {"code": code, "numbers": ", ".join(numbers)}
            for sheet, number, _number in holders:
                self.error(sheet, number, message)
        self.check_cycles(departments, known_codes)
        self.check_usernames(people)

    def check_cycles(self, departments: list[_DepartmentRow], known_codes: set[str]) -> None:
        parents: dict[str, str | None] = {
            code: self.department_codes.get(d.parent_id) for code, d in self.db_departments.items()
        }
        if self.departments_sheet is not None and "parent_code" in self.departments_sheet.columns:
            for row in departments:
                parent = row.cells["parent_code"]
                parents[row.code] = parent if parent in known_codes else None
        for row in departments:
            chain, node = [row.code], parents.get(row.code)
            while node is not None and node != row.code and node not in chain:
                chain.append(node)
                node = parents.get(node)
            if node == row.code:
                self.error(
                    self.departments_sheet,
                    row.row,
                    _("Department %(code)s would be inside its own sub-department: %(cycle)s.")
                    % {"code": row.code, "cycle": " → ".join([*chain, row.code])},
                )

    def check_usernames(self, people: list[_PersonRow]) -> None:
        User = get_user_model()
        new = {row.number: row for row in people if row.number and row.number not in self.db_people}
        numbers = list(new)
        taken = set()
        for start in range(0, len(numbers), CHUNK_SIZE):
            taken.update(
                User._default_manager.filter(
                    **{f"{User.USERNAME_FIELD}__in": numbers[start : start + CHUNK_SIZE]}
                ).values_list(User.USERNAME_FIELD, flat=True)
            )
        for number in sorted(taken, key=lambda n: new[n].row):
            self.error(
                self.people_sheet,
                new[number].row,
                _(
                    "The username %(username)s is already used by a login user not linked "
                    "to this person."
                )
                % {"username": number},
            )

    # Writing (only after every check passed).

    def write(self, departments: list[_DepartmentRow], people: list[_PersonRow]) -> None:
        day = today()
        steps = 6
        self.tick("write", 0, steps)
        departments_by_code = self.write_departments(departments)
        self.tick("write", 2, steps)
        people_by_number = self.write_people(people)
        self.tick("write", 4, steps)
        self.write_positions(departments, people, departments_by_code, people_by_number, day)
        self.tick("write", 5, steps)
        self.write_leaders(departments, departments_by_code, people_by_number, day)
        self.tick("write", 6, steps)

    def write_departments(self, rows: list[_DepartmentRow]) -> dict[str, Department]:
        sheet = self.departments_sheet
        result = self.result
        by_code = dict(self.db_departments)
        if sheet is None:
            return by_code
        org = self.organization
        present = [k for k in ("name", "short_name", "phone", "location") if k in sheet.columns]
        new, changed = [], {}
        for row in rows:
            values = {k: row.cells[k] for k in present}
            values["kind"] = row.kind
            department = self.db_departments.get(row.code)
            if department is None:
                department = Department(organization=org, code=row.code, **values)
                department.name_pinyin, department.name_initials = pinyin_keys(department.name)
                new.append(department)
            else:
                fields = _apply_changes(department, values)
                if fields:
                    changed[row.code] = fields
            row.obj = department
        Department.objects.bulk_create(new, batch_size=BATCH_SIZE)
        by_code.update((d.code, d) for d in new)
        placed = []
        if "parent_code" in sheet.columns:
            new_ids = {id(d) for d in new}
            for row in rows:
                parent = row.cells["parent_code"]
                parent_id = by_code[parent].pk if parent else None
                if row.obj.parent_id != parent_id:
                    row.obj.parent_id = parent_id
                    if id(row.obj) in new_ids:
                        placed.append(row.obj)
                    else:
                        changed.setdefault(row.code, set()).add("parent")
        Department.objects.bulk_update(placed, ["parent"], batch_size=BATCH_SIZE)
        if changed:
            Department.objects.bulk_update(
                [by_code[code] for code in changed],
                sorted(set().union(*changed.values())),
                batch_size=BATCH_SIZE,
            )
        result.departments_created = len(new)
        result.departments_updated = len(changed)
        result.departments_unchanged = len(rows) - len(new) - len(changed)
        return by_code

    def write_people(self, rows: list[_PersonRow]) -> dict[str, Person]:
        sheet = self.people_sheet
        result = self.result
        by_number = dict(self.db_people)
        if sheet is None:
            return by_number
        User = get_user_model()
        email_field = User.get_email_field_name()
        org = self.organization
        present = [k for k in ("name", "phone", "email", "title") if k in sheet.columns]
        new_people, new_users, changed = [], [], {}
        for row in rows:
            values = {k: row.cells[k] for k in present}
            person = self.db_people.get(row.number)
            if person is None:
                user = User(
                    **{User.USERNAME_FIELD: row.number, email_field: values.get("email", "")}
                )
                user.set_unusable_password()
                new_users.append(user)
                person = Person(organization=org, employee_number=row.number, **values)
                person.name_pinyin, person.name_initials = pinyin_keys(person.name)
                new_people.append(person)
            else:
                fields = _apply_changes(person, values)
                if fields:
                    changed[row.number] = fields
            row.obj = person
        User._default_manager.bulk_create(new_users, batch_size=BATCH_SIZE)
        for person, user in zip(new_people, new_users, strict=True):
            person.user_id = user.pk
        Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
        by_number.update((p.employee_number, p) for p in new_people)
        if changed:
            Person.objects.bulk_update(
                [by_number[number] for number in changed],
                sorted(set().union(*changed.values())),
                batch_size=BATCH_SIZE,
            )
        result.people_created = len(new_people)
        result.people_updated = len(changed)
        result.people_unchanged = len(rows) - len(new_people) - len(changed)
        return by_number

    def write_positions(
        self,
        departments: list[_DepartmentRow],
        people: list[_PersonRow],
        departments_by_code: dict[str, Department],
        people_by_number: dict[str, Person],
        day: datetime.date,
    ) -> None:
        held: dict[int, dict[tuple[int, str], tuple[int, datetime.date]]] = defaultdict(dict)
        holders: dict[tuple[int, str], tuple[int, int, datetime.date]] = {}
        for pk, person_id, department_id, role, start in self.current_positions:
            held[person_id][(department_id, role)] = (pk, start)
            if role in SINGLE_HOLDER_ROLES:
                holders[(department_id, role)] = (pk, person_id, start)
        # What the file says each person holds: the whole truth for people listed with a
        # 所在科室及岗位 column, and additions (heads, liaison officers) for the others.
        complete = self.people_sheet is not None and "positions" in self.people_sheet.columns
        wanted: dict[str, set[tuple[str, str]]] = {}
        if complete:
            wanted = {row.number: set(row.positions) for row in people}
        additions: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for row in departments:
            for key, role in (
                ("head", PositionRole.HEAD),
                ("liaison", PositionRole.LIAISON_OFFICER),
            ):
                number = row.cells.get(key)
                if number:
                    (wanted[number] if number in wanted else additions[number]).add(
                        (row.code, role)
                    )
        to_end: dict[int, datetime.date] = {}
        to_open: set[tuple[int, int, str]] = set()
        for number, positions in wanted.items():
            person = people_by_number[number]
            keys = {(departments_by_code[code].pk, role) for code, role in positions}
            current = held.get(person.pk, {})
            for key, (pk, start) in current.items():
                if key not in keys:
                    to_end[pk] = start
            to_open.update((person.pk, *key) for key in keys if key not in current)
        for number, positions in additions.items():
            person = people_by_number[number]
            current = held.get(person.pk, {})
            for code, role in positions:
                key = (departments_by_code[code].pk, role)
                if key not in current:
                    to_open.add((person.pk, *key))
        for person_id, department_id, role in to_open:
            holder = holders.get((department_id, role))
            if holder is not None and holder[1] != person_id:
                to_end[holder[0]] = holder[2]
        _end(Position, to_end, day)
        Position.objects.bulk_create(
            [
                Position(person_id=p, department_id=d, role=role, start=day)
                for p, d, role in sorted(to_open)
            ],
            batch_size=BATCH_SIZE,
        )
        self.result.positions_opened = len(to_open)
        self.result.positions_closed = len(to_end)

    def write_leaders(
        self,
        departments: list[_DepartmentRow],
        departments_by_code: dict[str, Department],
        people_by_number: dict[str, Person],
        day: datetime.date,
    ) -> None:
        sheet = self.departments_sheet
        if sheet is None or "leader_in_charge" not in sheet.columns:
            return
        current = {
            department_id: (pk, leader_id, start)
            for pk, department_id, leader_id, start in self.current_leaders
        }
        to_end, to_open = {}, []
        for row in departments:
            number = row.cells["leader_in_charge"]
            department_id = departments_by_code[row.code].pk
            leader_id = people_by_number[number].pk if number else None
            assignment = current.get(department_id)
            if assignment is not None and assignment[1] == leader_id:
                continue
            if assignment is not None:
                to_end[assignment[0]] = assignment[2]
            if leader_id is not None:
                to_open.append(
                    LeaderInCharge(leader_id=leader_id, department_id=department_id, start=day)
                )
        _end(LeaderInCharge, to_end, day)
        LeaderInCharge.objects.bulk_create(to_open, batch_size=BATCH_SIZE)
        self.result.leaders_opened = len(to_open)
        self.result.leaders_closed = len(to_end)


def _apply_changes(obj, values: dict[str, str]) -> set[str]:
    """Set the values that differ on a department or person; return the changed fields,
    with the pinyin search keys when the name changed."""
    fields = {k for k, v in values.items() if getattr(obj, k) != v}
    for k in fields:
        setattr(obj, k, values[k])
    if "name" in fields:
        obj.name_pinyin, obj.name_initials = pinyin_keys(obj.name)
        fields |= {"name_pinyin", "name_initials"}
    return fields


def _end(model, starts: dict[int, datetime.date], day: datetime.date) -> None:
    """End the rows (pk -> start) on `day`, or on their start if that is later."""
    pks = [pk for pk, start in starts.items() if start <= day]
    for start in range(0, len(pks), CHUNK_SIZE):
        model.objects.filter(pk__in=pks[start : start + CHUNK_SIZE]).update(end=day)
    for pk, start in starts.items():
        if start > day:
            model.objects.filter(pk=pk).update(end=start)


def import_organization(
    organization: Organization,
    files: Iterable[FileInput],
    *,
    actor=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import (filename, bytes or binary file) pairs into `organization`.

    Returns the counts, or the errors (every bad row) with nothing written."""
    return _Importer(organization, actor, progress).run(files)


# --- Export ----------------------------------------------------------------------------


def export_rows(organization: Organization) -> tuple[list[list[str]], list[list[str]]]:
    """The 科室 and 人员 rows (without headers) of the organization's current state:
    departments parents first, people by employee number."""
    departments = list(
        Department.objects.filter(organization=organization).order_by("sort_order", "code")
    )
    by_id = {d.pk: d for d in departments}
    people = list(
        Person.objects.filter(organization=organization)
        .order_by("employee_number")
        .values_list("pk", "employee_number", "name", "phone", "email", "title")
    )
    numbers = {pk: number for pk, number, *_rest in people}
    holders: dict[tuple[int, str], str] = {}
    positions: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for person_id, department_id, role in (
        Position.objects.current()
        .filter(department__organization=organization)
        .order_by("start", "pk")
        .values_list("person_id", "department_id", "role")
    ):
        if person_id not in numbers:
            continue
        code = by_id[department_id].code
        positions[person_id].append((code, ROLE_ORDER.get(role, 99), role))
        if role in SINGLE_HOLDER_ROLES:
            holders[(department_id, role)] = numbers[person_id]
    leaders = {
        department_id: numbers[leader_id]
        for department_id, leader_id in LeaderInCharge.objects.current()
        .filter(department__organization=organization)
        .order_by("start", "pk")
        .values_list("department_id", "leader_id")
        if leader_id in numbers
    }
    children: dict[int | None, list[Department]] = defaultdict(list)
    for d in departments:
        children[d.parent_id if d.parent_id in by_id else None].append(d)
    ordered, seen, stack = [], set(), list(reversed(children[None]))
    while stack:
        department = stack.pop()
        if department.pk in seen:
            continue
        seen.add(department.pk)
        ordered.append(department)
        stack.extend(reversed(children[department.pk]))
    ordered += [d for d in departments if d.pk not in seen]  # only if the tree has a cycle
    department_rows = [
        [
            d.code,
            d.name,
            d.short_name,
            KIND_LABELS.get(d.kind, d.kind),
            by_id[d.parent_id].code if d.parent_id in by_id else "",
            holders.get((d.pk, PositionRole.HEAD), ""),
            holders.get((d.pk, PositionRole.LIAISON_OFFICER), ""),
            leaders.get(d.pk, ""),
            d.phone,
            d.location,
        ]
        for d in ordered
    ]
    people_rows = [
        [
            number,
            name,
            phone,
            email,
            title,
            ";".join(
                f"{code}:{ROLE_LABELS.get(role, role)}"
                for code, _order, role in sorted(set(positions.get(pk, ())))
            ),
        ]
        for pk, number, name, phone, email, title in people
    ]
    return department_rows, people_rows


def _widths(header: list[str], rows: list[list[str]]) -> list[int]:
    widths = [len(h) * 2 + 2 for h in header]
    for row in rows[:500]:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], min(len(value) * 2 + 2, 60))
    return widths


def write_xlsx(
    organization: Organization, target: str | os.PathLike | IO[bytes]
) -> tuple[int, int]:
    """Write the two-sheet workbook to a path or binary file; returns (departments, people)."""
    department_rows, people_rows = export_rows(organization)
    workbook = spreadsheets.workbook(target, {"in_memory": True})
    bold = workbook.add_format({"bold": True, "num_format": "@"})
    text = workbook.add_format({"num_format": "@"})
    for kind, rows in ((DEPARTMENTS, department_rows), (PEOPLE, people_rows)):
        header = [c.header for c in COLUMNS[kind]]
        worksheet = workbook.add_worksheet(SHEET_TITLES[kind])
        for index, width in enumerate(_widths(header, rows)):
            worksheet.set_column(index, index, width, text)
        spreadsheets.write_row(worksheet, 0, header, bold)
        for number, row in enumerate(rows, start=1):
            spreadsheets.write_row(worksheet, number, row)
        worksheet.freeze_panes(1, 0)
    workbook.close()
    return len(department_rows), len(people_rows)


def csv_paths(path: str | os.PathLike) -> tuple[str, str]:
    """The two files a CSV export to `name.csv` writes: `name-科室.csv` and `name-人员.csv`."""
    base, _extension = os.path.splitext(os.fspath(path))
    return f"{base}-{SHEET_TITLES[DEPARTMENTS]}.csv", f"{base}-{SHEET_TITLES[PEOPLE]}.csv"


def write_csv(
    organization: Organization,
    departments_target: str | os.PathLike | IO[str],
    people_target: str | os.PathLike | IO[str],
) -> tuple[int, int]:
    """Write the two sheets as CSV (UTF-8 with BOM, which Excel opens correctly)."""
    department_rows, people_rows = export_rows(organization)
    for kind, rows, target in (
        (DEPARTMENTS, department_rows, departments_target),
        (PEOPLE, people_rows, people_target),
    ):
        table = [[c.header for c in COLUMNS[kind]], *rows]
        if hasattr(target, "write"):
            spreadsheets.write_csv(target, table)
        else:
            with open(target, "w", encoding="utf-8-sig", newline="") as stream:
                spreadsheets.write_csv(stream, table)
    return len(department_rows), len(people_rows)


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


def error_count_message(count: int) -> str:
    return ngettext(
        "Nothing was written: %(count)d error.", "Nothing was written: %(count)d errors.", count
    ) % {"count": count}

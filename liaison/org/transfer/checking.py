"""Checking every row against the file and the database before anything is written."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import (
    SINGLE_HOLDER_ROLES,
    Department,
    Person,
    PositionRole,
)
from .format import (
    CHUNK_SIZE,
    COLUMNS,
    KIND_ALIASES,
    POSITION_SEPARATORS,
    ROLE_ALIASES,
    normalise_value,
)
from .reading import Sheet

# --- Checking --------------------------------------------------------------------------


class DepartmentRow:
    __slots__ = ("cells", "code", "kind", "obj", "row")

    def __init__(self, row: int, cells: dict[str, str]):
        self.row = row
        self.cells = cells
        self.code = cells.get("code", "")
        self.kind: str | None = None
        self.obj: Department | None = None


class PersonRow:
    __slots__ = ("cells", "number", "obj", "positions", "row")

    def __init__(self, row: int, cells: dict[str, str]):
        self.row = row
        self.cells = cells
        self.number = cells.get("employee_number", "")
        self.positions: list[tuple[str, str]] = []
        self.obj: Person | None = None


_POSITION_ENTRY = re.compile(r"^([^:：]*)(?:[:：](.*))?$", re.S)


def parse_positions(text: str) -> Iterator[tuple[str, str | None, str]]:
    """(department code, role or None if unknown, entry as written) for each entry."""
    for entry in re.split(r"[;；\n]+", text):
        entry = entry.strip()
        if not entry:
            continue
        match = _POSITION_ENTRY.match(entry)
        code, role_text = match[1].strip(), (match[2] or "").strip()
        role = (
            ROLE_ALIASES.get(normalise_value(role_text)) if role_text else PositionRole.STAFF.value
        )
        yield code, role, entry


class Checks:
    """The importer's checks (a mixin of `Importer`): each problem becomes a RowError."""

    # Row by row.

    def check_cells(self, sheet: Sheet, row: int, cells: dict[str, str]) -> None:
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

    def check_departments(self) -> list[DepartmentRow]:
        sheet = self.departments_sheet
        if sheet is None:
            return []
        rows, seen = [], {}
        for number, cells in sheet.rows:
            row = DepartmentRow(number, cells)
            self.check_cells(sheet, number, cells)
            if any(separator in row.code for separator in POSITION_SEPARATORS):
                self.error(sheet, number, _("A department code cannot contain ; or :."))
            kind = cells["kind"]
            if kind:
                row.kind = KIND_ALIASES.get(normalise_value(kind))
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

    def check_people(self) -> list[PersonRow]:
        sheet = self.people_sheet
        if sheet is None:
            return []
        rows, seen = [], {}
        total = len(sheet.rows)
        for done, (number, cells) in enumerate(sheet.rows, start=1):
            row = PersonRow(number, cells)
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
            for code, role, entry in parse_positions(cells.get("positions", "")):
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

    def check_references(self, departments: list[DepartmentRow], people: list[PersonRow]) -> None:
        dsheet, psheet = self.departments_sheet, self.people_sheet
        file_codes = {row.code for row in departments if row.code}
        known_codes = file_codes | self.db_departments.keys()
        known_numbers = {row.number for row in people if row.number} | self.db_people.keys()
        # (department code, role) -> [(sheet, row, employee number)]
        claims: dict[tuple[str, str], list[tuple[Sheet, int, str]]] = defaultdict(list)
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

    def check_cycles(self, departments: list[DepartmentRow], known_codes: set[str]) -> None:
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

    def check_usernames(self, people: list[PersonRow]) -> None:
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

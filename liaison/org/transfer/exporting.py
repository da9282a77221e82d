"""The export: the current state in the import's own format, so re-importing changes
nothing."""

from __future__ import annotations

import os
from collections import defaultdict
from typing import IO

from liaison.core import spreadsheets

from ..models import (
    SINGLE_HOLDER_ROLES,
    Department,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)
from .format import COLUMNS, DEPARTMENTS, KIND_LABELS, PEOPLE, ROLE_LABELS, ROLE_ORDER, SHEET_TITLES

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

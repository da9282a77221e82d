"""The import/export format: sheets, columns, their headers and accepted aliases, and
the labels of department kinds and position roles."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from ..models import (
    Department,
    DepartmentKind,
    Person,
    PositionRole,
)

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


def cell_text(value: Any) -> str:
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


def normalise_header(value: Any) -> str:
    return re.sub(r"[\s_\-*＊\ufeff]+", "", cell_text(value)).lower()


def normalise_value(value: str) -> str:
    return re.sub(r"[\s_\-/／·]+", "", value).lower()


def _build_aliases() -> dict[str, dict[str, str]]:
    aliases = {}
    for kind, columns in COLUMNS.items():
        mapping = {}
        for column in columns:
            for alias in (column.header, column.key, *column.aliases):
                mapping[normalise_header(alias)] = column.key
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
    normalise_value(alias): kind.value
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
    normalise_value(alias): role.value
    for role, aliases in {
        PositionRole.HEAD: ("科主任", "主任", "科室主任", "head"),
        PositionRole.DEPUTY_HEAD: ("副主任", "科副主任", "副科主任", "deputy_head"),
        PositionRole.HEAD_NURSE: ("护士长", "head_nurse"),
        PositionRole.LIAISON_OFFICER: ("联络员", "liaison_officer", "liaison"),
        PositionRole.STAFF: ("职员", "员工", "staff"),
    }.items()
    for alias in aliases
}

"""Organization import and export: files in, checks, writes, files out."""

import io

import openpyxl
import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from liaison.core.models import AuditAction, AuditEvent
from liaison.org.models import Department, LeaderInCharge, Person, Position
from liaison.org.services import today
from liaison.org.transfer import (
    ImportResult,
    RowError,
    csv_paths,
    import_organization,
    write_csv,
    write_xlsx,
)

from .factories import (
    DepartmentFactory,
    LeaderInChargeFactory,
    OrganizationFactory,
    PersonFactory,
    PositionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

User = get_user_model()

DEPARTMENT_HEADER = [
    "科室编码",
    "科室名称",
    "简称",
    "类别",
    "上级科室编码",
    "科主任工号",
    "联络员工号",
    "分管领导工号",
    "电话",
    "地点",
]
PEOPLE_HEADER = ["工号", "姓名", "电话", "邮箱", "职务", "所在科室及岗位"]


def departments():
    return [
        ["YB", "院办", "", "职能科室", "", "", "", "", "8000", ""],
        ["XXK", "信息科", "信息", "职能科室", "YB", "E001", "E002", "E010", "8001", "行政楼3层"],
        ["WK", "外科", "", "临床科室", "", "", "", "E010", "", ""],
        ["GK", "骨科", "", "clinical", "WK", "", "", "", "", ""],
    ]


def people():
    return [
        ["E001", "张伟", "13800000001", "zhangwei@example.com", "", "XXK:科主任"],
        ["E002", "李娜", "", "", "", "XXK:联络员；YB：职员"],
        ["E003", "王磊", "", "", "", "GK"],
        ["E010", "陈院长", "", "", "院长", ""],
    ]


def xlsx(dept_rows=None, people_rows=None, *, titles=("科室", "人员"), headers=None) -> bytes:
    dept_header, people_header = headers or (DEPARTMENT_HEADER, PEOPLE_HEADER)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in (
        (titles[0], dept_header, dept_rows),
        (titles[1], people_header, people_rows),
    ):
        if rows is not None:
            sheet = workbook.create_sheet(title)
            sheet.append(header)
            for row in rows:
                sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    lines = [",".join(header)] + [",".join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(organization, dept_rows=None, people_rows=None, **kwargs) -> ImportResult:
    return import_organization(organization, [("org.xlsx", xlsx(dept_rows, people_rows, **kwargs))])


def snapshot():
    """Every row the import could touch."""
    return (
        list(Department.objects.order_by("pk").values_list()),
        list(Person.objects.order_by("pk").values_list()),
        list(Position.objects.order_by("pk").values_list()),
        list(LeaderInCharge.objects.order_by("pk").values_list()),
        list(User.objects.order_by("pk").values_list("pk", "username", "email", "password")),
        AuditEvent.objects.count(),
    )


def holders(department_code, role):
    return list(
        Position.objects.current()
        .filter(department__code=department_code, role=role)
        .values_list("person__employee_number", flat=True)
    )


@pytest.fixture(autouse=True)
def english():
    """Messages are compared in English; the Chinese catalogue may translate them."""
    with translation.override("en"):
        yield


# --- A good file -----------------------------------------------------------------------


def test_xlsx_import_creates_departments_people_positions_and_leaders(organization):
    result = run(organization, departments(), people())

    assert result.ok, result.errors
    assert result.counts() == {
        "departments_created": 4,
        "departments_updated": 0,
        "departments_unchanged": 0,
        "people_created": 4,
        "people_updated": 0,
        "people_unchanged": 0,
        "positions_opened": 4,
        "positions_closed": 0,
        "leaders_opened": 2,
        "leaders_closed": 0,
    }
    it = Department.objects.get(organization=organization, code="XXK")
    assert (it.name, it.short_name, it.kind, it.parent.code) == (
        "信息科",
        "信息",
        "functional",
        "YB",
    )
    assert (it.phone, it.location) == ("8001", "行政楼3层")
    assert (it.name_pinyin, it.name_initials) == ("xinxike", "xxk")
    assert Department.objects.get(code="GK").parent.code == "WK"
    zhang = Person.objects.get(organization=organization, employee_number="E001")
    assert (zhang.name_pinyin, zhang.name_initials) == ("zhangwei", "zw")
    assert zhang.user.username == "E001"
    assert zhang.user.email == "zhangwei@example.com"
    assert not zhang.user.has_usable_password()
    assert holders("XXK", "head") == ["E001"]
    assert holders("XXK", "liaison_officer") == ["E002"]
    assert set(
        Position.objects.filter(person__employee_number="E002").values_list(
            "department__code", "role", "start", "end"
        )
    ) == {("XXK", "liaison_officer", today(), None), ("YB", "staff", today(), None)}
    assert Position.objects.get(person__employee_number="E003").department.code == "GK"
    assert set(
        LeaderInCharge.objects.current().values_list("department__code", "leader__employee_number")
    ) == {("XXK", "E010"), ("WK", "E010")}
    event = AuditEvent.objects.get(action=AuditAction.ORG_IMPORTED)
    assert event.organization == organization
    assert event.data["people_created"] == 4


def test_english_headers_sheet_names_and_codes(organization):
    headers = (
        ["code", "name", "short_name", "kind", "parent_code", "head", "liaison", "phone"],
        ["employee_number", "name", "email", "positions"],
    )
    result = run(
        organization,
        [
            ["IT", "Information", "", "functional", "", "", "", ""],
            ["OR", "骨科", "", "临床", "", "", "", ""],
        ],
        [["7", "Li", "li@example.com", "IT:head;OR:staff"]],
        titles=("departments", "people"),
        headers=headers,
    )

    assert result.ok, result.errors
    assert holders("IT", "head") == ["7"]
    assert Department.objects.get(code="OR").kind == "clinical"


def test_numbers_typed_as_numbers_in_excel_are_read_as_text(organization):
    result = run(
        organization,
        [[101, "信息科", "", "职能科室", "", 10023, "", "", 8001, ""]],
        [[10023, "张伟", 13800000001, "", "", "101:职员"]],
    )

    assert result.ok, result.errors
    person = Person.objects.get()
    assert (person.employee_number, person.phone) == ("10023", "13800000001")
    assert holders("101", "head") == ["10023"]


def test_parent_may_be_an_existing_department_not_in_the_file(organization):
    DepartmentFactory(organization=organization, code="ROOT", name="医院")

    result = run(organization, [["NEW", "新科室", "", "临床科室", "ROOT", "", "", "", "", ""]])

    assert result.ok, result.errors
    assert Department.objects.get(code="NEW").parent.code == "ROOT"
    assert result.departments_created == 1


def test_gbk_csv_pair(organization):
    files = [
        ("科室.csv", csv_bytes(DEPARTMENT_HEADER, departments(), "gbk")),
        ("人员.csv", csv_bytes(PEOPLE_HEADER, people(), "gbk")),
    ]

    result = import_organization(organization, files)

    assert result.ok, result.errors
    assert Department.objects.get(code="XXK").name == "信息科"
    assert Person.objects.get(employee_number="E010").title == "院长"
    assert holders("XXK", "head") == ["E001"]


def test_utf8_csv_with_bom(organization):
    files = [
        ("people.csv", csv_bytes(PEOPLE_HEADER, people(), "utf-8-sig")),
        ("departments.csv", csv_bytes(DEPARTMENT_HEADER, departments(), "utf-8-sig")),
    ]

    result = import_organization(organization, files)

    assert result.ok, result.errors
    assert result.departments_created == 4
    assert Person.objects.get(employee_number="E001").name == "张伟"


def test_file_like_objects_are_accepted(organization):
    result = import_organization(
        organization, [("a.xlsx", io.BytesIO(xlsx(departments(), people())))]
    )

    assert result.ok, result.errors
    assert Department.objects.count() == 4


# --- Bad files: every error reported with sheet, row and reason; nothing written -----------


def _replace(rows, index, column, value):
    rows[index][column] = value
    return rows


def _add(rows, *extra):
    return [*rows, *extra]


def _dept(code, name="新科室", kind="临床科室", parent="", head="", liaison="", leader=""):
    return [code, name, "", kind, parent, head, liaison, leader, "", ""]


BAD_ROWS = {
    "unknown parent": (
        lambda: (_add(departments(), _dept("ZZ", parent="NOPE")), people()),
        ("科室", 6, "Unknown parent department code: NOPE."),
    ),
    "cycle in the file": (
        lambda: (_add(departments(), _dept("A", parent="B"), _dept("B", parent="A")), people()),
        ("科室", 6, "Department A would be inside its own sub-department: A → B → A."),
    ),
    "department its own parent": (
        lambda: (_add(departments(), _dept("A", parent="A")), people()),
        ("科室", 6, "Department A would be inside its own sub-department: A → A."),
    ),
    "duplicate department code": (
        lambda: (_add(departments(), _dept("XXK")), people()),
        ("科室", 6, "Department code XXK is already in row 3."),
    ),
    "duplicate employee number": (
        lambda: (departments(), _add(people(), ["E001", "张伟伟", "", "", "", ""])),
        ("人员", 6, "Employee number E001 is already in row 2."),
    ),
    "two heads: department column and positions disagree": (
        lambda: (departments(), _replace(people(), 2, 5, "GK;XXK:科主任")),
        ("人员", 4, "Department XXK is given more than one head: E001, E003."),
    ),
    "two heads: the department column side": (
        lambda: (departments(), _replace(people(), 2, 5, "GK;XXK:科主任")),
        ("科室", 3, "Department XXK is given more than one head: E001, E003."),
    ),
    "two heads in positions": (
        lambda: (
            _replace(_replace(departments(), 1, 5, ""), 1, 6, ""),
            _replace(_replace(people(), 2, 5, "XXK:head"), 1, 5, ""),
        ),
        ("人员", 4, "Department XXK is given more than one head: E001, E003."),
    ),
    "two liaison officers": (
        lambda: (departments(), _replace(people(), 2, 5, "XXK:联络员")),
        ("人员", 4, "Department XXK is given more than one liaison officer: E002, E003."),
    ),
    "missing required value": (
        lambda: (departments(), _replace(people(), 1, 1, "")),
        ("人员", 3, "姓名 is required."),
    ),
    "missing kind": (
        lambda: (_replace(departments(), 0, 3, ""), people()),
        ("科室", 2, "类别 is required."),
    ),
    "unknown kind": (
        lambda: (_replace(departments(), 0, 3, "研究所"), people()),
        ("科室", 2, "Unknown department kind: 研究所."),
    ),
    "unknown role": (
        lambda: (departments(), _replace(people(), 2, 5, "GK:院长")),
        ("人员", 4, "Unknown position: GK:院长"),
    ),
    "position without department code": (
        lambda: (departments(), _replace(people(), 2, 5, "：职员")),
        ("人员", 4, "Invalid position entry: ：职员."),
    ),
    "unknown department code in positions": (
        lambda: (departments(), _replace(people(), 2, 5, "GK;NOPE:职员")),
        ("人员", 4, "Unknown department code: NOPE."),
    ),
    "unknown head employee number": (
        lambda: (_replace(departments(), 1, 5, "E999"), _replace(people(), 0, 5, "")),
        ("科室", 3, "Unknown employee number: E999."),
    ),
    "unknown liaison employee number": (
        lambda: (_replace(departments(), 1, 6, "E998"), _replace(people(), 1, 5, "")),
        ("科室", 3, "Unknown employee number: E998."),
    ),
    "unknown leader employee number": (
        lambda: (_replace(departments(), 2, 7, "E997"), people()),
        ("科室", 4, "Unknown employee number: E997."),
    ),
    "bad e-mail": (
        lambda: (departments(), _replace(people(), 3, 3, "chen@")),
        ("人员", 5, "Not a valid e-mail address: chen@."),
    ),
    "too long value": (
        lambda: (_replace(departments(), 3, 1, "骨" * 101), people()),
        ("科室", 5, "科室名称 is too long: 101 characters, at most 100."),
    ),
    "department code with a separator": (
        lambda: (_add(departments(), _dept("A:B")), people()),
        ("科室", 6, "A department code cannot contain ; or :."),
    ),
    "missing header column": (
        lambda: ([row[:3] for row in departments()], people()),
        ("科室", 1, "Missing required columns: 类别 (kind)."),
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_bad_rows_are_reported_and_nothing_is_written(organization, case):
    build, expected = BAD_ROWS[case]
    dept_rows, people_rows = build()
    headers = None
    if case == "missing header column":
        headers = (DEPARTMENT_HEADER[:3], PEOPLE_HEADER)
    before = snapshot()

    result = run(organization, dept_rows, people_rows, headers=headers)

    assert RowError(*expected) in result.errors, result.errors
    assert not result.ok
    assert result.departments_created == result.people_created == 0
    assert snapshot() == before


def test_cycle_through_departments_already_in_the_database(organization):
    top = DepartmentFactory(organization=organization, code="P", name="大外科")
    DepartmentFactory(organization=organization, code="C", name="外科", parent=top)
    before = snapshot()

    result = run(organization, [_dept("P", name="大外科", parent="C")])

    assert result.errors == [
        RowError("科室", 2, "Department P would be inside its own sub-department: P → C → P.")
    ]
    assert snapshot() == before


def test_username_taken_by_another_login_user(organization):
    UserFactory(username="E003")
    before = snapshot()

    result = run(organization, departments(), people())

    assert result.errors == [
        RowError(
            "人员",
            4,
            "The username E003 is already used by a login user not linked to this person.",
        )
    ]
    assert snapshot() == before


def test_every_bad_row_is_reported_in_sheet_and_row_order(organization):
    dept_rows = _add(departments(), _dept("Z1", kind="?"), _dept("Z2", parent="NOPE"))
    people_rows = _replace(_replace(people(), 0, 3, "bad"), 3, 1, "")

    result = run(organization, dept_rows, people_rows)

    assert [(e.sheet, e.row) for e in result.errors] == [
        ("科室", 6),
        ("科室", 7),
        ("人员", 2),
        ("人员", 5),
    ]
    assert Department.objects.count() == 0


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("empty.xlsx", b"", "The file is empty."),
        ("empty.csv", b"  \r\n", "The file is empty."),
        ("garbage.xlsx", bytes(range(256)) * 8, "This is not a valid XLSX workbook."),
        ("broken.bin", b"PK\x03\x04" + b"\x00garbage" * 50, "This is not a valid XLSX workbook."),
        (
            "garbage.csv",
            bytes(range(256)) * 8,
            "This file is neither an XLSX workbook nor a CSV file.",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "Old Excel .xls files are not supported; save the workbook as .xlsx.",
        ),
        (
            "other.csv",
            "甲,乙,丙\r\n1,2,3\r\n".encode(),
            "No 科室 (departments) or 人员 (people) sheet was found; check the sheet names "
            "and the header row.",
        ),
    ],
)
def test_unreadable_files(organization, filename, content, message):
    before = snapshot()

    result = import_organization(organization, [(filename, content)])

    assert result.errors == [RowError(filename, None, message)]
    assert snapshot() == before


def test_workbook_without_recognisable_sheet(organization):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.active.append(["甲", "乙"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = import_organization(organization, [("book.xlsx", buffer.getvalue())])

    assert [(e.sheet, e.row) for e in result.errors] == [("book.xlsx", None)]
    assert "No 科室 (departments) or 人员 (people) sheet" in result.errors[0].message


def test_file_with_only_headers(organization):
    before = snapshot()

    result = run(organization, [], [])

    assert result.errors == [RowError("科室", None, "There are no rows to import.")]
    assert snapshot() == before


def test_same_sheet_given_twice(organization):
    files = [
        ("org.xlsx", xlsx(departments(), people())),
        ("more.csv", csv_bytes(DEPARTMENT_HEADER, departments())),
    ]

    result = import_organization(organization, files)

    assert result.errors == [
        RowError("more.csv", None, "This sheet repeats 科室; give each of 科室 and 人员 only once.")
    ]
    assert Department.objects.count() == 0


def test_error_messages_in_english():
    with translation.override("en"):
        error = RowError("人员", 7, "Unknown department code: NOPE.")
        assert str(error) == "人员, row 7: Unknown department code: NOPE."
    assert ImportResult().summary() == (
        "Departments: 0 created, 0 updated, 0 unchanged. People: 0 created, 0 updated, "
        "0 unchanged. Positions: 0 started, 0 ended. Leaders in charge: 0 assigned, 0 ended."
    )


# --- Re-importing ----------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(organization):
    run(organization, departments(), people())
    before = snapshot()

    result = run(organization, departments(), people())

    assert result.ok
    assert not result.changed
    assert (result.departments_unchanged, result.people_unchanged) == (4, 4)
    assert snapshot() == before


def test_reimport_updates_by_keys_and_never_duplicates(organization):
    run(organization, departments(), people())
    dept_rows = _replace(_replace(departments(), 1, 1, "信息中心"), 1, 8, "8009")
    people_rows = _replace(people(), 2, 1, "王小磊")

    result = run(organization, dept_rows, people_rows)

    assert (result.departments_updated, result.departments_unchanged) == (1, 3)
    assert (result.people_updated, result.people_unchanged) == (1, 3)
    assert (result.departments_created, result.people_created) == (0, 0)
    assert Department.objects.count() == 4
    assert Person.objects.count() == User.objects.count() == 4
    it = Department.objects.get(code="XXK")
    assert (it.name, it.phone, it.name_initials) == ("信息中心", "8009", "xxzx")
    assert Person.objects.get(employee_number="E003").name_pinyin == "wangxiaolei"


def test_reimport_moves_a_department(organization):
    run(organization, departments(), people())

    result = run(organization, _replace(departments(), 3, 4, "YB"), people())

    assert result.departments_updated == 1
    assert Department.objects.get(code="GK").parent.code == "YB"


def test_missing_column_leaves_the_field_alone(organization):
    run(organization, departments(), people())

    result = run(
        organization,
        None,
        [["E001", "张伟"]],
        headers=(DEPARTMENT_HEADER, ["工号", "姓名"]),
    )

    assert result.ok and not result.changed
    zhang = Person.objects.get(employee_number="E001")
    assert zhang.phone == "13800000001"
    assert holders("XXK", "head") == ["E001"]


def test_reimport_ends_positions_no_longer_in_the_file(organization):
    run(organization, departments(), people())
    people_rows = _replace(people(), 1, 5, "XXK:联络员")

    result = run(organization, departments(), people_rows)

    assert (result.positions_opened, result.positions_closed) == (0, 1)
    ended = Position.objects.get(person__employee_number="E002", department__code="YB")
    assert ended.end == today()
    assert Position.objects.count() == 4  # ended, never deleted
    assert holders("XXK", "liaison_officer") == ["E002"]


def test_head_change_ends_the_old_heads_position(organization):
    run(organization, departments(), people())
    dept_rows = _replace(departments(), 1, 5, "E003")
    people_rows = _replace(people(), 0, 5, "XXK:职员")

    result = run(organization, dept_rows, people_rows)

    assert result.ok, result.errors
    assert (result.positions_opened, result.positions_closed) == (2, 1)
    assert holders("XXK", "head") == ["E003"]
    old = Position.objects.get(person__employee_number="E001", role="head")
    assert old.end == today()
    assert holders("XXK", "staff") == ["E001"]
    # E003 keeps 骨科 and gains the head position named on the department sheet.
    assert set(
        Position.objects.current()
        .filter(person__employee_number="E003")
        .values_list("department__code", "role")
    ) == {("GK", "staff"), ("XXK", "head")}


def test_head_named_on_department_sheet_replaces_a_head_not_in_the_file(organization):
    it = DepartmentFactory(organization=organization, code="XXK", name="信息科")
    old = PositionFactory(person__organization=organization, department=it, role="head")
    new = PersonFactory(organization=organization, employee_number="N1")

    result = run(organization, [_dept("XXK", name="信息科", kind="临床科室", head="N1")])

    assert (result.positions_opened, result.positions_closed) == (1, 1)
    old.refresh_from_db()
    assert old.end == today()
    assert holders("XXK", "head") == [new.employee_number]


def test_leader_in_charge_change_and_removal(organization):
    run(organization, departments(), people())
    dept_rows = _replace(_replace(departments(), 1, 7, "E001"), 2, 7, "")

    result = run(organization, dept_rows, people())

    assert (result.leaders_opened, result.leaders_closed) == (1, 2)
    assert set(
        LeaderInCharge.objects.current().values_list("department__code", "leader__employee_number")
    ) == {("XXK", "E001")}
    assert set(LeaderInCharge.objects.exclude(end=None).values_list("department__code", "end")) == {
        ("XXK", today()),
        ("WK", today()),
    }


# --- Export ----------------------------------------------------------------------------


@pytest.fixture
def hospital(organization):
    """State built by hand (not by the importer), with history."""
    office = DepartmentFactory(organization=organization, code="YB", name="院办", kind="functional")
    it = DepartmentFactory(
        organization=organization, code="XXK", name="信息科", kind="functional", parent=office
    )
    surgery = DepartmentFactory(organization=organization, code="WK", name="外科", phone="8100")
    DepartmentFactory(organization=organization, code="GK", name="骨科", parent=surgery)
    head = PositionFactory(
        person__organization=organization, person__email="h@example.com", department=it, role="head"
    ).person
    PositionFactory(person=head, department=surgery, role="deputy_head")
    PositionFactory(person__organization=organization, department=it, role="liaison_officer")
    PositionFactory(person__organization=organization, department=surgery, role="head_nurse")
    gone = PositionFactory(person__organization=organization, department=surgery)
    gone.end = gone.start
    gone.save()
    president = PersonFactory(organization=organization, title="院长")
    LeaderInChargeFactory(leader=president, department=it)
    PersonFactory(organization=organization, name="无岗位")
    other = OrganizationFactory(code="other")  # another organization is not exported
    DepartmentFactory(organization=other, code="XXK", name="别家的信息科")
    return organization


def test_export_writes_the_two_sheets_with_chinese_headers(hospital):
    buffer = io.BytesIO()

    counts = write_xlsx(hospital, buffer)

    assert counts == (4, 6)
    workbook = openpyxl.load_workbook(buffer, read_only=True)
    assert workbook.sheetnames == ["科室", "人员"]
    dept_rows = list(workbook["科室"].iter_rows(values_only=True))
    assert list(dept_rows[0]) == DEPARTMENT_HEADER
    assert [row[0] for row in dept_rows[1:]] == ["WK", "GK", "YB", "XXK"]  # parents first
    it = next(row for row in dept_rows if row[0] == "XXK")
    assert it[3] == "职能科室" and it[4] == "YB"
    assert it[5] == Position.objects.get(role="head").person.employee_number
    assert it[7] == LeaderInCharge.objects.get().leader.employee_number
    people_rows = list(workbook["人员"].iter_rows(values_only=True))
    assert list(people_rows[0]) == PEOPLE_HEADER
    head = Position.objects.get(role="head").person
    row = next(r for r in people_rows if r[0] == head.employee_number)
    assert row[5] == "WK:副主任;XXK:科主任"


def test_export_then_import_is_a_no_op(hospital):
    buffer = io.BytesIO()
    write_xlsx(hospital, buffer)
    before = snapshot()

    result = import_organization(hospital, [("export.xlsx", buffer.getvalue())])

    assert result.ok, result.errors
    assert not result.changed, result.counts()
    assert (result.departments_unchanged, result.people_unchanged) == (4, 6)
    assert snapshot() == before


def test_csv_export_then_import_is_a_no_op(hospital, tmp_path):
    targets = csv_paths(tmp_path / "org.csv")
    write_csv(hospital, *targets)
    assert [p.rsplit("/", 1)[-1] for p in targets] == ["org-科室.csv", "org-人员.csv"]
    before = snapshot()

    files = [(path, open(path, "rb").read()) for path in targets]  # noqa: SIM115
    result = import_organization(hospital, files)

    assert result.ok, result.errors
    assert not result.changed, result.counts()
    assert snapshot() == before


# --- Size ------------------------------------------------------------------------------


def test_twenty_thousand_people(organization):
    dept_count, people_count = 60, 20_000
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("科室")
    sheet.write_row(0, 0, DEPARTMENT_HEADER)
    for i in range(dept_count):
        parent = f"D{i // 10:03d}" if i >= 10 else ""
        sheet.write_row(i + 1, 0, [f"D{i:03d}", f"科室{i}", "", "临床科室", parent])
    sheet = workbook.add_worksheet("人员")
    sheet.write_row(0, 0, PEOPLE_HEADER)
    for i in range(people_count):
        department = f"D{i % dept_count:03d}"
        role = "科主任" if i < dept_count else "职员"
        sheet.write_row(i + 1, 0, [f"P{i:05d}", f"职工{i}", "", "", "", f"{department}:{role}"])
    workbook.close()
    data = buffer.getvalue()

    result = import_organization(organization, [("big.xlsx", data)])

    assert result.ok, result.errors[:5]
    assert (result.departments_created, result.people_created) == (dept_count, people_count)
    assert result.positions_opened == people_count
    assert Person.objects.count() == User.objects.count() == people_count
    assert holders("D007", "head") == ["P00007"]
    assert Department.objects.get(code="D057").parent.code == "D005"
    assert Person.objects.get(employee_number="P19999").name_pinyin == "zhigong19999"

    again = import_organization(organization, [("big.xlsx", data)])

    assert not again.changed
    assert again.people_unchanged == people_count


# --- Command line ----------------------------------------------------------------------


def test_import_command_success(organization, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(xlsx(departments(), people()))
    out = io.StringIO()

    call_command("import_org", str(path), stdout=out)

    assert "Departments: 4 created" in out.getvalue()
    assert Person.objects.count() == 4


def test_import_command_failure_lists_every_error_and_writes_nothing(organization, tmp_path):
    dept_path = tmp_path / "d.csv"
    dept_path.write_bytes(csv_bytes(DEPARTMENT_HEADER, _add(departments(), _dept("Z", kind="?"))))
    people_path = tmp_path / "p.csv"
    people_path.write_bytes(csv_bytes(PEOPLE_HEADER, _replace(people(), 3, 1, "")))
    err = io.StringIO()

    with pytest.raises(CommandError, match="Nothing was written: 2 errors"):
        call_command(
            "import_org", str(dept_path), str(people_path), "--organization=demo", stderr=err
        )

    assert err.getvalue().splitlines() == [
        "d.csv, row 6: Unknown department kind: ?.",
        "p.csv, row 5: 姓名 is required.",
    ]
    assert Department.objects.count() == Person.objects.count() == 0


def test_import_command_needs_an_organization(db, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(xlsx([_dept("A"), _dept("B", parent="A")]))
    with pytest.raises(CommandError, match="No organization exists yet"):
        call_command("import_org", str(path))
    OrganizationFactory(code="a")
    OrganizationFactory(code="b")
    with pytest.raises(CommandError, match="several organizations"):
        call_command("import_org", str(path))
    with pytest.raises(CommandError, match="Unknown organization: c"):
        call_command("import_org", str(path), organization="c")
    call_command("import_org", str(path), organization="b", stdout=io.StringIO())
    assert Department.objects.filter(organization__code="b").count() == 2


def test_export_command_xlsx_and_csv(hospital, tmp_path):
    out = io.StringIO()
    call_command("export_org", str(tmp_path / "org.xlsx"), organization="demo", stdout=out)
    call_command("export_org", str(tmp_path / "org.csv"), organization="demo", stdout=out)

    assert "Exported 4 departments and 6 people" in out.getvalue()
    assert {p.name for p in tmp_path.iterdir()} == {"org.xlsx", "org-科室.csv", "org-人员.csv"}
    out = io.StringIO()
    call_command("import_org", str(tmp_path / "org.xlsx"), organization="demo", stdout=out)
    assert "Departments: 0 created, 0 updated, 4 unchanged" in out.getvalue()
    with pytest.raises(CommandError, match=r"must end in \.xlsx or \.csv"):
        call_command("export_org", str(tmp_path / "org.txt"), organization="demo")


# --- Admin -----------------------------------------------------------------------------


@pytest.fixture
def admin_en(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


IMPORT_URL = "admin:org_department_import"


def test_admin_changelist_has_import_and_export_buttons(admin_en, organization):
    response = admin_en.get(reverse("admin:org_department_changelist"))

    content = response.content.decode()
    assert reverse(IMPORT_URL) in content
    assert reverse("admin:org_department_export") + "?organization=demo" in content


def test_admin_upload_of_a_bad_file_shows_every_error_and_writes_nothing(admin_en, organization):
    upload = io.BytesIO(xlsx(departments(), _replace(people(), 3, 3, "chen@")))
    upload.name = "org.xlsx"
    before = snapshot()

    response = admin_en.post(
        reverse(IMPORT_URL), {"organization": organization.pk, "files": upload}
    )

    assert response.status_code == 200
    errors = response.context["result"].errors
    assert errors == [RowError("人员", 5, "Not a valid e-mail address: chen@.")]
    content = response.content.decode()
    assert 'id="import-errors"' in content and "Not a valid e-mail address: chen@." in content
    assert snapshot() == before


def test_admin_upload_of_garbage_is_a_message_not_a_crash(admin_en, organization):
    upload = io.BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "org.xlsx"

    response = admin_en.post(
        reverse(IMPORT_URL), {"organization": organization.pk, "files": upload}
    )

    assert response.status_code == 200
    assert "This is not a valid XLSX workbook." in response.content.decode()


def test_admin_upload_of_good_csv_files_reports_the_counts(admin_en, organization):
    uploads = []
    for name, header, rows in (
        ("d.csv", DEPARTMENT_HEADER, departments()),
        ("p.csv", PEOPLE_HEADER, people()),
    ):
        upload = io.BytesIO(csv_bytes(header, rows, "gbk"))
        upload.name = name
        uploads.append(upload)

    response = admin_en.post(
        reverse(IMPORT_URL), {"organization": organization.pk, "files": uploads}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("admin:org_department_changelist")
    assert "Departments: 4 created, 0 updated, 0 unchanged. People: 4 created" in (
        response.content.decode()
    )
    assert Person.objects.count() == 4
    assert AuditEvent.objects.get(action=AuditAction.ORG_IMPORTED).actor.username == "admin"


def test_admin_upload_too_large(admin_en, organization, settings):
    settings.ORG_IMPORT_MAX_BYTES = 100
    upload = io.BytesIO(xlsx(departments(), people()))
    upload.name = "org.xlsx"

    response = admin_en.post(
        reverse(IMPORT_URL), {"organization": organization.pk, "files": upload}
    )

    assert response.status_code == 200
    assert "The upload is too large: at most 100" in response.content.decode()
    assert Department.objects.count() == 0


def test_admin_import_page_and_permissions(admin_en, client, organization):
    assert admin_en.get(reverse(IMPORT_URL)).status_code == 200
    # Not staff: the admin sends them to its login page.
    client.force_login(UserFactory())
    response = client.get(reverse(IMPORT_URL))
    assert response.status_code == 302 and "/login/" in response["Location"]
    # Staff without the permission: forbidden, for the upload and the export alike.
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    upload = io.BytesIO(xlsx(departments(), people()))
    upload.name = "org.xlsx"
    response = client.post(reverse(IMPORT_URL), {"organization": organization.pk, "files": upload})
    assert response.status_code == 403
    assert client.get(reverse("admin:org_department_export")).status_code == 403
    assert Department.objects.count() == 0


def test_admin_export_downloads_the_workbook(admin_en, hospital):
    response = admin_en.get(reverse("admin:org_department_export"), {"organization": "demo"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["科室", "人员"]


def test_the_admin_reports_bad_rows_in_chinese_by_default(admin_client, organization):
    upload = io.BytesIO(xlsx(departments(), _replace(people(), 3, 3, "chen@")))
    upload.name = "org.xlsx"
    with translation.override("zh-hans"):
        response = admin_client.post(
            reverse(IMPORT_URL), {"organization": organization.pk, "files": upload}
        )
    content = response.content.decode()
    assert "邮箱地址无效：chen@。" in content
    assert "未写入任何数据" in content


def test_the_command_reports_bad_rows_in_chinese_by_default(organization, tmp_path):
    path = tmp_path / "org.xlsx"
    path.write_bytes(xlsx([["XXK", "信息科", "", "奇怪", "", "", "", "", "", ""]], people()))
    with translation.override("zh-hans"), pytest.raises(CommandError) as failure:
        call_command("import_org", str(path))
    assert "未写入任何数据：共" in str(failure.value)


def test_a_first_import_finds_the_coordinating_office(organization):
    import_organization(organization, [("org.xlsx", xlsx(departments(), people()))])
    organization.refresh_from_db()
    assert organization.coordinating_department.code == "YB"


def test_the_import_page_without_any_organization_sends_the_admin_to_create_one(admin_en):
    response = admin_en.get(reverse(IMPORT_URL), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:org_organization_add")
    assert "Create the organization first" in response.content.decode()

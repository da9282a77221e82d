"""Reading the uploaded files (XLSX workbooks, CSV in UTF-8 or GB18030) into sheets of
text cells."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from liaison.core import spreadsheets

from .format import (
    COLUMNS,
    DEPARTMENTS,
    DISTINCTIVE_HEADERS,
    HEADER_ALIASES,
    PEOPLE,
    PROGRESS_EVERY,
    SHEET_NAMES,
    FileInput,
    Progress,
    cell_text,
    normalise_header,
)
from .results import RowError

# --- Reading files ---------------------------------------------------------------------


logger = logging.getLogger(__name__)


@dataclass
class Sheet:
    kind: str
    name: str
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def header(self, key: str) -> str:
        return self.headers.get(key) or key


def _detect_kind(header: Iterable[Any]) -> str | None:
    names = {normalise_header(h) for h in header}
    scores = {kind: len(names & DISTINCTIVE_HEADERS[kind]) for kind in COLUMNS}
    if scores[DEPARTMENTS] == scores[PEOPLE]:
        return None
    return max(scores, key=scores.get)


class Reader:
    def __init__(self, errors: list[RowError], progress: Progress | None):
        self.errors = errors
        self.progress = progress
        self.sheets: list[Sheet] = []

    def error(self, sheet: str, row: int | None, message: str) -> None:
        self.errors.append(RowError(sheet, row, message))

    def read(self, files: Iterable[FileInput]) -> None:
        for filename, content in files:
            label = os.path.basename(filename or "") or "?"
            data = read_bytes(content)
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
        sheet = Sheet(kind, name)
        self.sheets.append(sheet)
        aliases = HEADER_ALIASES[kind]
        for index, raw in enumerate(header):
            key = aliases.get(normalise_header(raw))
            if key is None:
                continue  # unknown columns are ignored
            if key in sheet.columns:
                self.error(
                    name,
                    1,
                    _("Column %(column)s appears more than once.") % {"column": cell_text(raw)},
                )
            sheet.columns[key] = index
            sheet.headers[key] = cell_text(raw)
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
            cells = [cell_text(values[i]) if i < width else "" for i in indexes]
            if any(cells):
                sheet.rows.append((number, dict(zip(keys, cells, strict=True))))
            if self.progress and number % PROGRESS_EVERY == 0:
                self.progress("read", number, estimate)


def read_bytes(content: bytes | IO[bytes] | str) -> bytes:
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    if isinstance(content, str):
        return content.encode("utf-8")
    if hasattr(content, "seek"):
        with contextlib.suppress(OSError, ValueError):
            content.seek(0)
    data = content.read()
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)

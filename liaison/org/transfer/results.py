"""What an import reports: its counts, or every bad row."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def error_count_message(count: int) -> str:
    return ngettext(
        "Nothing was written: %(count)d error.", "Nothing was written: %(count)d errors.", count
    ) % {"count": count}

"""What was typed into the attendance and minutes forms of a meeting page, kept as typed so
that a refused save shows it again with the refusal next to its row. The forms post
parallel lists (one decision row or one person per row); the rules stay in services.py.
"""

import datetime
from dataclasses import dataclass, field

from django.http import QueryDict

from liaison.core.errors import ServiceError
from liaison.org.models import Department, Person

from .. import services


def _pk(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() else None


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _row_error(error: ServiceError, prefix: str) -> tuple[int, str] | None:
    """(row index, field in the row) when the refusal is about a row of `prefix`."""
    parts = error.field.split(".")
    if len(parts) == 3 and parts[0] == prefix and parts[1].isdigit():
        return int(parts[1]), parts[2]
    return None


@dataclass
class DecisionRow:
    """One decision row as typed; the template reads it as it reads a saved Decision."""

    title: str = ""
    detail: str = ""
    owner_department_id: int | None = None
    responsible_id: int | None = None
    due: datetime.date | None = None
    error: str = ""
    error_field: str = ""

    @property
    def is_blank(self) -> bool:
        return not (
            self.title.strip()
            or self.detail.strip()
            or self.owner_department_id
            or self.responsible_id
            or self.due
        )


@dataclass
class MinutesEntry:
    summary: str = ""
    recorder_id: int | None = None
    rows: list[DecisionRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # by field: summary, recorder
    error: str = ""  # a refusal about no field

    @classmethod
    def of(cls, minutes, decisions) -> "MinutesEntry":
        """The saved minutes (or none yet) as the form shows them."""
        if minutes is None:
            return cls()
        return cls(
            summary=minutes.summary,
            recorder_id=minutes.recorder_id,
            rows=[
                DecisionRow(d.title, d.detail, d.owner_department_id, d.responsible_id, d.due)
                for d in decisions
            ],
        )

    @classmethod
    def typed(cls, data: QueryDict) -> "MinutesEntry":
        rows = [
            DecisionRow(title, detail, _pk(owner), _pk(responsible), _date(due))
            for title, detail, owner, responsible, due in zip(
                data.getlist("decision_title"),
                data.getlist("decision_detail"),
                data.getlist("decision_owner"),
                data.getlist("decision_responsible"),
                data.getlist("decision_due"),
                strict=False,
            )
        ]
        return cls(
            summary=data.get("summary", ""),
            recorder_id=_pk(data.get("recorder")),
            rows=[row for row in rows if not row.is_blank],
        )

    def decided(self) -> list[DecisionRow]:
        """The rows that say what was decided; rows without a decision are left out."""
        return [row for row in self.rows if row.title.strip()]

    def minutes_input(self, person: Person) -> services.MinutesInput:
        decided = self.decided()
        departments = Department.objects.filter(organization=person.organization).in_bulk(
            [row.owner_department_id for row in decided if row.owner_department_id]
        )
        people = Person.objects.filter(organization=person.organization).in_bulk(
            [row.responsible_id for row in decided if row.responsible_id]
            + ([self.recorder_id] if self.recorder_id else [])
        )
        return services.MinutesInput(
            summary=self.summary,
            recorder=people.get(self.recorder_id),
            decisions=tuple(
                services.DecisionInput(
                    title=row.title,
                    detail=row.detail,
                    owner_department=departments.get(row.owner_department_id),
                    responsible=people.get(row.responsible_id),
                    due=row.due,
                )
                for row in decided
            ),
        )

    def refused(self, error: ServiceError) -> None:
        """Put the refusal next to the row or field it is about."""
        found = _row_error(error, "decisions")
        decided = self.decided()
        if found is not None and found[0] < len(decided):
            decided[found[0]].error, decided[found[0]].error_field = error.message, found[1]
        elif error.field in ("summary", "recorder"):
            self.errors[error.field] = error.message
        else:
            self.error = error.message


@dataclass
class PresenceRow:
    """One expected person's row as typed; the template reads it as it reads a record."""

    presence: str = ""
    reason: str = ""
    substitute_id: int | None = None
    error: str = ""
    error_field: str = ""


@dataclass
class AttendanceEntry:
    rows: dict[int, PresenceRow] = field(default_factory=dict)  # by person pk
    order: list[int] = field(default_factory=list)  # the people sent to the service
    error: str = ""  # a refusal about no row

    @classmethod
    def typed(cls, data: QueryDict) -> "AttendanceEntry":
        """Rows are presence_<id>, reason_<id>, substitute_<id>; a row without a choice
        is not recorded, but what was typed in it is kept."""
        entry = cls()
        for key, presence in data.items():
            pk = key.removeprefix("presence_")
            if key == pk or not pk.isdigit():
                continue
            entry.rows[int(pk)] = PresenceRow(
                presence, data.get(f"reason_{pk}", ""), _pk(data.get(f"substitute_{pk}"))
            )
            if presence:
                entry.order.append(int(pk))
        return entry

    def presence_inputs(self, person: Person) -> list[services.PresenceInput]:
        people = Person.objects.filter(organization=person.organization).in_bulk(
            [*self.order, *(row.substitute_id for row in self.rows.values() if row.substitute_id)]
        )
        return [
            services.PresenceInput(
                people.get(pk),
                self.rows[pk].presence,
                self.rows[pk].reason,
                people.get(self.rows[pk].substitute_id),
            )
            for pk in self.order
        ]

    def refused(self, error: ServiceError) -> None:
        found = _row_error(error, "records")
        if found is not None and found[0] < len(self.order):
            row = self.rows[self.order[found[0]]]
            row.error, row.error_field = error.message, found[1]
        else:
            self.error = error.message

    def shown(self, attendance: list) -> list:
        """The (person, row) pairs of the attendance card, as typed."""
        return [(someone, self.rows.get(someone.pk, PresenceRow())) for someone, _ in attendance]

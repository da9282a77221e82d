"""Writing a checked import with bulk queries."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.contrib.auth import get_user_model

from ..models import (
    SINGLE_HOLDER_ROLES,
    Department,
    LeaderInCharge,
    Person,
    Position,
    PositionRole,
)
from ..pinyin import pinyin_keys
from ..services import today
from .checking import DepartmentRow, PersonRow
from .format import BATCH_SIZE, CHUNK_SIZE


class Writes:
    """The importer's writes (a mixin of `Importer`), run only after every check passed."""

    def write(self, departments: list[DepartmentRow], people: list[PersonRow]) -> None:
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

    def write_departments(self, rows: list[DepartmentRow]) -> dict[str, Department]:
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
                fields = apply_changes(department, values)
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

    def write_people(self, rows: list[PersonRow]) -> dict[str, Person]:
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
                fields = apply_changes(person, values)
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
        departments: list[DepartmentRow],
        people: list[PersonRow],
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
        end_rows(Position, to_end, day)
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
        departments: list[DepartmentRow],
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
        end_rows(LeaderInCharge, to_end, day)
        LeaderInCharge.objects.bulk_create(to_open, batch_size=BATCH_SIZE)
        self.result.leaders_opened = len(to_open)
        self.result.leaders_closed = len(to_end)


def apply_changes(obj, values: dict[str, str]) -> set[str]:
    """Set the values that differ on a department or person; return the changed fields,
    with the pinyin search keys when the name changed."""
    fields = {k for k, v in values.items() if getattr(obj, k) != v}
    for k in fields:
        setattr(obj, k, values[k])
    if "name" in fields:
        obj.name_pinyin, obj.name_initials = pinyin_keys(obj.name)
        fields |= {"name_pinyin", "name_initials"}
    return fields


def end_rows(model, starts: dict[int, datetime.date], day: datetime.date) -> None:
    """End the rows (pk -> start) on `day`, or on their start if that is later."""
    pks = [pk for pk, start in starts.items() if start <= day]
    for start in range(0, len(pks), CHUNK_SIZE):
        model.objects.filter(pk__in=pks[start : start + CHUNK_SIZE]).update(end=day)
    for pk, start in starts.items():
        if start > day:
            model.objects.filter(pk=pk).update(end=start)

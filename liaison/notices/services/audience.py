"""Whom a notice's audience reaches today: the people named directly, and the departments
whose people it reaches through their liaison officer."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from liaison.org.models import CoordinationGroup, Department, Person, Position
from liaison.org.roles import seniority

from ..models import AudienceKind, Notice


@dataclass
class Reach:
    """Whom a notice reaches: people named directly (seen at once) and the departments
    whose people it reaches through their liaison officer."""

    direct: dict[int, int | None] = field(default_factory=dict)  # person → department
    departments: dict[int, Department] = field(default_factory=dict)
    members: dict[int, dict[int, str]] = field(default_factory=dict)  # dept → person → role


def _subtree(department: Department, children: dict[int, list[Department]]) -> list[Department]:
    result, stack, seen = [], [department], set()
    while stack:
        node = stack.pop()
        if node.pk in seen:
            continue
        seen.add(node.pk)
        result.append(node)
        stack.extend(children.get(node.pk, ()))
    return result


def _first_departments(positions: Iterable[tuple[int, int, str]]) -> dict[int, int]:
    """Each person's first department by role (head before staff), then by position."""
    best: dict[int, tuple[int, int]] = {}
    for person_id, department_id, role in positions:
        rank = seniority(role)
        if person_id not in best or rank < best[person_id][0]:
            best[person_id] = (rank, department_id)
    return {person_id: department_id for person_id, (_rank, department_id) in best.items()}


def resolve_audience(notice: Notice) -> Reach:
    """The people the notice's audience names today (active people, current positions).
    Only the positions the audience needs are read: a notice to one person must not read
    the whole organization's."""
    organization_id = notice.organization_id
    current = Position.objects.current().filter(
        department__organization_id=organization_id,
        department__is_active=True,
        person__is_active=True,
    )
    columns = ("person_id", "department_id", "role")
    reach = Reach()
    entries = list(notice.audience.select_related("department"))

    chosen = [e.department for e in entries if e.kind == AudienceKind.DEPARTMENT]
    if any(e.with_subtree for e in entries if e.kind == AudienceKind.DEPARTMENT):
        children: dict[int, list[Department]] = {}
        for department in Department.objects.filter(
            organization_id=organization_id, is_active=True
        ):
            children.setdefault(department.parent_id, []).append(department)
        expanded = []
        for entry in entries:
            if entry.kind == AudienceKind.DEPARTMENT:
                expanded.extend(
                    _subtree(entry.department, children)
                    if entry.with_subtree
                    else [entry.department]
                )
        chosen = expanded
    for department in chosen:
        if department.is_active and department.pk not in reach.departments:
            reach.departments[department.pk] = department
            reach.members[department.pk] = {}
    if reach.departments:
        for person_id, department_id, role in current.filter(
            department_id__in=list(reach.departments)
        ).values_list(*columns):
            reach.members[department_id].setdefault(person_id, role)

    # Positions organization-wide: each person counts under the department of that position.
    roles = {e.role for e in entries if e.kind == AudienceKind.POSITION}
    if roles:
        for person_id, department_id, _role in current.filter(role__in=roles).values_list(*columns):
            reach.direct.setdefault(person_id, department_id)

    # Everyone, groups and named people count under their first department.
    others: set[int] = set()
    if notice.to_everyone:
        others |= set(
            Person.objects.filter(organization_id=organization_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
    groups = [e.group_id for e in entries if e.kind == AudienceKind.GROUP]
    if groups:
        others |= set(
            CoordinationGroup.members.through.objects.filter(
                group_id__in=groups, person__is_active=True
            ).values_list("person_id", flat=True)
        )
    named = [e.person_id for e in entries if e.kind == AudienceKind.PERSON]
    if named:
        others |= set(
            Person.objects.filter(pk__in=named, is_active=True).values_list("pk", flat=True)
        )
    others -= set(reach.direct)
    if others:
        positions = current if notice.to_everyone else current.filter(person_id__in=others)
        first = _first_departments(positions.values_list(*columns))
        for person_id in others:
            reach.direct[person_id] = first.get(person_id)
    return reach


def reach_counts(notice: Notice) -> tuple[int, int]:
    """How many departments and how many people publishing the notice would reach today,
    for the confirmation that says so."""
    reach = resolve_audience(notice)
    people = set(reach.direct)
    for members in reach.members.values():
        people |= set(members)
    return len(reach.departments), len(people)

"""Every change to the organization goes through these functions.

Views, admin actions, the importer and the demo builder call them, so the rules
(one current head, one current liaison, dated history, no cycles) live here and in the
database, nowhere else.
"""

import datetime
import enum

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from liaison.core.audit import record
from liaison.core.models import AuditAction

from .models import (
    SINGLE_HOLDER_ROLES,
    Department,
    DepartmentKind,
    LeaderInCharge,
    Organization,
    Person,
    Position,
    PositionRole,
)


class Relation(enum.StrEnum):
    """How two departments relate (协调范围); statistics and routing use it."""

    VERTICAL = "vertical"
    HORIZONTAL = "horizontal"
    EXTERNAL = "external"


def relation_between(a: Department, b: Department) -> Relation:
    """External if either side is an external unit or another organization; vertical if
    one department sits above the other in the tree; horizontal otherwise (peers such
    as functional ↔ clinical ↔ medical-technical)."""
    if a.organization_id != b.organization_id or DepartmentKind.EXTERNAL in (a.kind, b.kind):
        return Relation.EXTERNAL
    if a.pk == b.pk:
        return Relation.HORIZONTAL
    if any(x.pk == b.pk for x in a.ancestors()) or any(x.pk == a.pk for x in b.ancestors()):
        return Relation.VERTICAL
    return Relation.HORIZONTAL


def today() -> datetime.date:
    return timezone.localdate()


def holder_on(department: Department, role: str, day: datetime.date | None = None):
    """Who held a single-holder role (head, liaison officer) on a day: answers
    "who was the liaison of 药剂科 on 2026-03-01"."""
    position = (
        Position.objects.on(day or today())
        .filter(department=department, role=role)
        .select_related("person")
        .order_by("-start")
        .first()
    )
    return position.person if position else None


def leader_in_charge_on(department: Department, day: datetime.date | None = None):
    assignment = (
        LeaderInCharge.objects.on(day or today())
        .filter(department=department)
        .select_related("leader")
        .order_by("-start")
        .first()
    )
    return assignment.leader if assignment else None


@transaction.atomic
def appoint(
    person: Person,
    department: Department,
    role: str,
    start: datetime.date | None = None,
    *,
    actor=None,
) -> Position:
    """Give a person a position from `start` (today by default).

    For head and liaison officer, the current holder's position ends the day the new
    one starts, so history stays continuous and there is never a second current holder.
    Appointing someone to a position they already hold returns that position.
    """
    start = start or today()
    if person.organization_id != department.organization_id:
        raise ValidationError(_("The person and the department belong to different organizations."))
    if role not in PositionRole.values:
        raise ValidationError(_("Unknown position: %(role)s") % {"role": role})
    existing = Position.objects.current().filter(person=person, department=department, role=role)
    if existing.exists():
        return existing.get()
    if role in SINGLE_HOLDER_ROLES:
        holders = (
            Position.objects.select_for_update().current().filter(department=department, role=role)
        )
        for holder in holders:
            if holder.start > start:
                raise ValidationError(
                    _("%(person)s holds this position from %(day)s, after the requested start.")
                    % {"person": holder.person, "day": date_format(holder.start)}
                )
            holder.end = start
            holder.save(update_fields=["end"])
            _record_position(AuditAction.POSITION_ENDED, holder, actor)
    position = Position.objects.create(person=person, department=department, role=role, start=start)
    _record_position(AuditAction.POSITION_STARTED, position, actor)
    return position


def _record_position(action: AuditAction, position: Position, actor) -> None:
    record(
        action,
        actor=actor,
        organization=position.department.organization,
        target=position,
        person=position.person.employee_number,
        department=position.department.code,
        role=position.role,
        start=position.start,
        end=position.end,
    )


@transaction.atomic
def assign_leader_in_charge(
    leader: Person, department: Department, start: datetime.date | None = None, *, actor=None
) -> LeaderInCharge:
    """Make `leader` the leader in charge of `department` from `start`, ending the
    previous assignment that day."""
    start = start or today()
    if leader.organization_id != department.organization_id:
        raise ValidationError(_("The person and the department belong to different organizations."))
    current = LeaderInCharge.objects.select_for_update().current().filter(department=department)
    for assignment in current:
        if assignment.leader_id == leader.pk:
            return assignment
        if assignment.start > start:
            raise ValidationError(
                _("%(person)s is in charge from %(day)s, after the requested start.")
                % {"person": assignment.leader, "day": date_format(assignment.start)}
            )
        assignment.end = start
        assignment.save(update_fields=["end"])
        _record_oversight(AuditAction.LEADER_IN_CHARGE_ENDED, assignment, actor)
    assignment = LeaderInCharge.objects.create(leader=leader, department=department, start=start)
    _record_oversight(AuditAction.LEADER_IN_CHARGE_ASSIGNED, assignment, actor)
    return assignment


def _record_oversight(action: AuditAction, assignment: LeaderInCharge, actor) -> None:
    record(
        action,
        actor=actor,
        organization=assignment.department.organization,
        target=assignment,
        leader=assignment.leader.employee_number,
        department=assignment.department.code,
        start=assignment.start,
        end=assignment.end,
    )


@transaction.atomic
def move_department(department: Department, parent: Department | None, *, actor=None) -> Department:
    """Re-parent a department; refuses a move under itself or its own sub-department."""
    previous = department.parent
    department.parent = parent
    department.save(update_fields=["parent", "name_pinyin", "name_initials"])
    record(
        AuditAction.DEPARTMENT_MOVED,
        actor=actor,
        organization=department.organization,
        target=department,
        previous_parent=previous.code if previous else None,
        parent=parent.code if parent else None,
    )
    return department


@transaction.atomic
def create_department(
    organization: Organization,
    code: str,
    name: str,
    kind: str,
    *,
    parent: Department | None = None,
    short_name: str = "",
    phone: str = "",
    location: str = "",
    sort_order: int = 0,
    actor=None,
) -> Department:
    department = Department.objects.create(
        organization=organization,
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        short_name=short_name,
        phone=phone,
        location=location,
        sort_order=sort_order,
    )
    record(
        AuditAction.DEPARTMENT_CREATED,
        actor=actor,
        organization=organization,
        target=department,
        code=code,
        parent=parent.code if parent else None,
    )
    return department


@transaction.atomic
def update_department_contacts(
    department: Department, *, phone: str, location: str, actor=None
) -> Department:
    """A department keeps its own phone and location current."""
    changes = {
        field: [getattr(department, field), value]
        for field, value in (("phone", phone), ("location", location))
        if getattr(department, field) != value
    }
    if changes:
        for field, (_old, new) in changes.items():
            setattr(department, field, new)
        department.save(update_fields=list(changes))
        record(
            AuditAction.DEPARTMENT_CHANGED,
            actor=actor,
            organization=department.organization,
            target=department,
            **changes,
        )
    return department


def create_person(
    organization: Organization,
    employee_number: str,
    name: str,
    *,
    username: str | None = None,
    password: str | None = None,
    phone: str = "",
    email: str = "",
    title: str = "",
    actor=None,
) -> Person:
    """A person with their login user (username defaults to the employee number; without
    a password the user cannot log in until one is set)."""
    User = get_user_model()
    with transaction.atomic():
        user = User(username=username or employee_number, email=email)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        person = Person.objects.create(
            organization=organization,
            user=user,
            employee_number=employee_number,
            name=name,
            phone=phone,
            email=email,
            title=title,
        )
        record(
            AuditAction.PERSON_CREATED,
            actor=actor,
            organization=organization,
            target=person,
            employee_number=employee_number,
        )
        return person


def default_coordinating_departments(organization: Organization, *, actor=None) -> None:
    """Point the organization at 院办 and 督查办 when not set and such departments exist."""
    changed = []
    for field, names in (
        ("coordinating_department", ("院办", "院长办公室", "医院办公室")),
        ("supervision_department", ("督查办", "督查办公室")),
    ):
        if getattr(organization, field) is None:
            department = organization.departments.filter(name__in=names).first()
            if department is not None:
                setattr(organization, field, department)
                changed.append(field)
    if changed:
        organization.save(update_fields=changed)
        record(
            AuditAction.ORGANIZATION_CHANGED,
            actor=actor,
            organization=organization,
            target=organization,
            **{field: getattr(organization, field).code for field in changed},
        )

"""Projects, their stakeholder registers and communication plans, and the distributions
the plans produce: the only place their state changes. Pages, the API, the demo and the
sweep call these functions.

Each action follows the matters' pattern (liaison.matters.services): lock the row, check
the state and then the person's right, change, append a PlanEvent, notify. Refusals
raise the matters' errors (InvalidInput 400, NotAllowed 403, WrongState 409), so pages
and the API show them as they show the matters'.

Who may do what:
- everyone in the organization reads its projects, registers, plans and distributions;
- start a project: the heads, deputy heads and liaison officers of its owner department,
  and the coordinating office (院办);
- change a project, its register and its plan: its manager, those people of its owner
  department, and the coordinating office;
- mark a distribution sent or skipped: its owner (the row's "by whom") and whoever may
  change the project.

The sweep (every minute) creates each row's distributions as they fall due and asks
their owner to send them; a distribution not sent by the end of its due day is overdue,
and its owner and the project manager are told once.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, ServiceError, WrongState
from liaison.inbox.models import Ask, Notification
from liaison.inbox.services import mark_read, notify
from liaison.matters.services import _when, checked_upload_name
from liaison.org.models import Department, Person
from liaison.org.roles import handles, in_coordinating_office

from . import schedule
from .models import (
    Channel,
    Distribution,
    DistributionState,
    EventType,
    Layer,
    Level,
    PlanEvent,
    PlanRow,
    Project,
    Stakeholder,
)

__all__ = ["InvalidInput", "NotAllowed", "ServiceError", "WrongState"]

#: A sweep that finds a row far behind (the worker was stopped) creates at most this many
#: of its missed distributions, the latest ones.
MAX_CATCH_UP = 100


# Who may do what.


def _active_in(person: Person | None, organization_id: int) -> bool:
    return person is not None and person.is_active and person.organization_id == organization_id


def may_start_for(person: Person | None, department: Department | None) -> bool:
    """Whether the person may start (or move) a project owned by the department."""
    if department is None or not _active_in(person, department.organization_id):
        return False
    return handles(person, department) or in_coordinating_office(person)


def may_edit(person: Person | None, project: Project) -> bool:
    if not _active_in(person, project.organization_id):
        return False
    return (
        project.manager_id == person.pk
        or handles(person, project.owner_department)
        or in_coordinating_office(person)
    )


def may_handle(person: Person | None, distribution: Distribution) -> bool:
    """Whether the person may mark the distribution sent or skipped."""
    project = distribution.row.project
    if not _active_in(person, project.organization_id):
        return False
    return distribution.owner_id == person.pk or may_edit(person, project)


# Helpers.


def _require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _plain(value):
    if isinstance(value, datetime.datetime):
        return _when(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _event(
    project: Project,
    type_: str,
    actor: Person | None,
    summary: str = "",
    *,
    distribution: Distribution | None = None,
    at: datetime.datetime | None = None,
    **data,
) -> PlanEvent:
    return PlanEvent.objects.create(
        at=at or timezone.now(),
        organization_id=project.organization_id,
        project=project,
        distribution=distribution,
        type=type_,
        actor=actor,
        summary=str(summary)[:300],
        data={key: _plain(value) for key, value in data.items()},
    )


def _changes(before: dict, after: dict) -> dict:
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}


def project_url(project: Project) -> str:
    return reverse("communication:detail", args=[project.pk])


def distribution_url(distribution: Distribution) -> str:
    return reverse("communication:distribution", args=[distribution.pk])


def _check_person(organization_id: int, person: Person | None, message: str) -> Person:
    if person is None:
        raise InvalidInput(message)
    if person.organization_id != organization_id or not person.is_active:
        raise InvalidInput(_("Unknown person: %(name)s") % {"name": person.name})
    return person


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(_("Unknown time zone: %(zone)s") % {"zone": name}) from exc
    return name


# Projects.


@dataclass
class ProjectInput:
    name: str
    owner_department: Department | None
    manager: Person | None
    description: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    is_active: bool = True


def _checked_project(person: Person, data: ProjectInput, project_pk: int | None = None) -> str:
    organization_id = person.organization_id
    name = _require_text(data.name, _("Give the project a name."))
    department = data.owner_department
    if department is None:
        raise InvalidInput(_("Choose the owner department."))
    if department.organization_id != organization_id or not department.is_active:
        raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
    _check_person(organization_id, data.manager, _("Choose the project manager."))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        raise InvalidInput(_("A project cannot end before it starts."))
    taken = Project.objects.filter(organization_id=organization_id, name=name).exclude(
        pk=project_pk
    )
    if taken.exists():
        raise InvalidInput(_("A project of this name exists already."))
    return name


def _project_facts(project: Project) -> dict:
    return {
        "name": project.name,
        "description": project.description,
        "owner_department": project.owner_department.name,
        "manager": project.manager.name,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "is_active": project.is_active,
    }


@transaction.atomic
def create_project(person: Person, data: ProjectInput) -> Project:
    """Start a project with an empty register and plan."""
    name = _checked_project(person, data)
    if not may_start_for(person, data.owner_department):
        raise NotAllowed(
            _(
                "Only the heads and liaison officer of %(department)s and the coordinating "
                "office can start its projects."
            )
            % {"department": data.owner_department.name}
        )
    now = timezone.now()
    project = Project.objects.create(
        organization_id=person.organization_id,
        name=name,
        description=(data.description or "").strip(),
        owner_department=data.owner_department,
        manager=data.manager,
        start_date=data.start_date,
        end_date=data.end_date,
        is_active=data.is_active,
        created_by=person,
        created_at=now,
        updated_at=now,
    )
    _event(project, EventType.PROJECT_CREATED, person, project.name, **_project_facts(project))
    if data.manager != person:
        notify(
            [data.manager],
            ask=Ask.INFO,
            title=project.name,
            detail=_("You manage this project's stakeholders and communication plan."),
            url=project_url(project),
            subject=project,
            exclude=person,
        )
    return project


def _lock_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("organization", "owner_department", "manager")
        .get(pk=project.pk)
    )


def _require_edit(person: Person, project: Project) -> None:
    if not may_edit(person, project):
        raise NotAllowed(
            _(
                "Only the project manager, the heads and liaison officer of %(department)s "
                "and the coordinating office can change this project."
            )
            % {"department": project.owner_department.name}
        )


@transaction.atomic
def edit_project(project: Project, person: Person, data: ProjectInput) -> Project:
    """Change a project. Closing it stops its plan; reopening it resumes the plan from now
    (what fell due meanwhile is not made up)."""
    project = _lock_project(project)
    _require_edit(person, project)
    name = _checked_project(person, data, project.pk)
    if data.owner_department != project.owner_department and not may_start_for(
        person, data.owner_department
    ):
        raise NotAllowed(
            _("Only the heads and liaison officer of %(department)s can take the project over.")
            % {"department": data.owner_department.name}
        )
    before = _project_facts(project)
    reopened = data.is_active and not project.is_active
    project.name = name
    project.description = (data.description or "").strip()
    project.owner_department = data.owner_department
    project.manager = data.manager
    project.start_date = data.start_date
    project.end_date = data.end_date
    project.is_active = data.is_active
    changes = _changes(before, _project_facts(project))
    if not changes:
        return project
    project.updated_at = timezone.now()
    project.save()
    rows = project.rows.filter(is_active=True)
    if not project.is_active:
        rows.update(next_due_at=None)
    elif reopened:
        for row in rows:
            _arm(row, timezone.now())
            row.save(update_fields=["next_due_at"])
    _event(project, EventType.PROJECT_CHANGED, person, project.name, changes=changes)
    return project


# The stakeholder register.


@dataclass
class StakeholderInput:
    layer: str
    influence: str
    person: Person | None = None
    department: Department | None = None
    external_name: str = ""
    external_unit: str = ""
    external_contact: str = ""
    role: str = ""
    interest: str = ""
    information_needs: str = ""
    preferred_channel: str = ""


def _checked_stakeholder(project: Project, data: StakeholderInput, pk: int | None = None) -> None:
    data.external_name = (data.external_name or "").strip()
    data.external_unit = (data.external_unit or "").strip()
    data.external_contact = (data.external_contact or "").strip()
    parties = [data.person is not None, data.department is not None, bool(data.external_name)]
    if sum(parties) != 1:
        raise InvalidInput(
            _("A stakeholder is a person, a department or an external party: choose exactly one.")
        )
    if not data.external_name:
        data.external_unit = data.external_contact = ""
    if data.layer not in Layer.values:
        raise InvalidInput(_("Choose the stakeholder's layer."))
    if data.influence not in Level.values:
        raise InvalidInput(_("Choose the stakeholder's influence."))
    if data.interest and data.interest not in Level.values:
        raise InvalidInput(_("Choose the stakeholder's interest."))
    if data.preferred_channel and data.preferred_channel not in Channel.values:
        raise InvalidInput(_("Choose a channel from the list."))
    others = project.stakeholders.exclude(pk=pk)
    if data.person is not None:
        _check_person(project.organization_id, data.person, "")
        if others.filter(person=data.person).exists():
            raise InvalidInput(_("This person is in the register already."))
    if data.department is not None:
        department = data.department
        if department.organization_id != project.organization_id or not department.is_active:
            raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
        if others.filter(department=department).exists():
            raise InvalidInput(_("This department is in the register already."))
    if (
        data.external_name
        and others.filter(
            external_name=data.external_name, external_unit=data.external_unit
        ).exists()
    ):
        raise InvalidInput(_("This external party is in the register already."))


def _stakeholder_facts(stakeholder: Stakeholder) -> dict:
    return {
        "who": str(stakeholder),
        "contact": stakeholder.external_contact,
        "role": stakeholder.role,
        "layer": stakeholder.layer,
        "influence": stakeholder.influence,
        "interest": stakeholder.interest,
        "information_needs": stakeholder.information_needs,
        "preferred_channel": stakeholder.preferred_channel,
    }


def _fill_stakeholder(stakeholder: Stakeholder, data: StakeholderInput) -> None:
    for name in (
        "person",
        "department",
        "external_name",
        "external_unit",
        "external_contact",
        "layer",
        "influence",
        "interest",
        "preferred_channel",
    ):
        setattr(stakeholder, name, getattr(data, name))
    stakeholder.role = (data.role or "").strip()
    stakeholder.information_needs = (data.information_needs or "").strip()


@transaction.atomic
def add_stakeholder(project: Project, person: Person, data: StakeholderInput) -> Stakeholder:
    project = _lock_project(project)
    _require_edit(person, project)
    _checked_stakeholder(project, data)
    stakeholder = Stakeholder(project=project)
    _fill_stakeholder(stakeholder, data)
    stakeholder.save()
    _event(
        project,
        EventType.STAKEHOLDER_ADDED,
        person,
        str(stakeholder),
        stakeholder=stakeholder.pk,
        **_stakeholder_facts(stakeholder),
    )
    return stakeholder


@transaction.atomic
def edit_stakeholder(
    stakeholder: Stakeholder, person: Person, data: StakeholderInput
) -> Stakeholder:
    project = _lock_project(stakeholder.project)
    _require_edit(person, project)
    stakeholder = Stakeholder.objects.select_related("person", "department").get(pk=stakeholder.pk)
    _checked_stakeholder(project, data, stakeholder.pk)
    before = _stakeholder_facts(stakeholder)
    _fill_stakeholder(stakeholder, data)
    changes = _changes(before, _stakeholder_facts(stakeholder))
    if changes:
        stakeholder.save()
        _event(
            project,
            EventType.STAKEHOLDER_CHANGED,
            person,
            str(stakeholder),
            stakeholder=stakeholder.pk,
            changes=changes,
        )
    return stakeholder


@transaction.atomic
def remove_stakeholder(stakeholder: Stakeholder, person: Person) -> None:
    """Take a stakeholder off the register and out of the plan's rows; refused while they
    are the only recipient of a row still in use. Past distributions keep their names."""
    project = _lock_project(stakeholder.project)
    _require_edit(person, project)
    stakeholder = Stakeholder.objects.select_related("person", "department").get(pk=stakeholder.pk)
    alone = [
        row.information
        for row in stakeholder.plan_rows.filter(is_active=True)
        if row.stakeholders.count() == 1
    ]
    if alone:
        raise InvalidInput(
            _("%(who)s is the only recipient of %(rows)s: change those rows first.")
            % {"who": stakeholder, "rows": get_text_list(alone, _("and"))}
        )
    facts = _stakeholder_facts(stakeholder)
    pk = stakeholder.pk
    stakeholder.delete()
    _event(project, EventType.STAKEHOLDER_REMOVED, person, facts["who"], stakeholder=pk, **facts)


# The communication plan.


@dataclass
class RowInput:
    information: str
    stakeholders: Iterable[Stakeholder]
    rule: str
    start_date: datetime.date | None
    channel: str
    owner: Person | None
    due_time: datetime.time | None = datetime.time(9, 0)
    content: str = ""
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)
    is_active: bool = True


def _checked_row(project: Project, data: RowInput) -> tuple[str, str, list[Stakeholder]]:
    """Everything about a row checked; returns its information, canonical rule and
    recipients."""
    information = _require_text(data.information, _("Say what information is distributed."))
    recipients = list(dict.fromkeys(data.stakeholders or ()))
    if not recipients:
        raise InvalidInput(_("Choose at least one stakeholder to send it to."))
    for stakeholder in recipients:
        if stakeholder.project_id != project.pk:
            raise InvalidInput(
                _("%(who)s is not a stakeholder of this project.") % {"who": stakeholder}
            )
    if data.channel not in Channel.values:
        raise InvalidInput(_("Choose the channel."))
    _check_person(project.organization_id, data.owner, _("Choose who sends it."))
    if not isinstance(data.start_date, datetime.date):
        raise InvalidInput(_("Choose the first day."))
    if not isinstance(data.due_time, datetime.time):
        raise InvalidInput(_("Choose the due time."))
    data.due_time = data.due_time.replace(second=0, microsecond=0)
    zone = _zone(data.time_zone)
    try:
        rule = schedule.build(data.rule, data.start_date, data.due_time, zone)
    except schedule.RuleError as error:
        raise InvalidInput(error.message) from error
    return information, rule, recipients


def _row_facts(row: PlanRow) -> dict:
    return {
        "information": row.information,
        "content": row.content,
        "to": sorted(str(s) for s in row.stakeholders.select_related("person", "department")),
        "rule": row.rule,
        "start_date": row.start_date,
        "due_time": row.due_time,
        "time_zone": row.time_zone,
        "channel": row.channel,
        "owner": row.owner.name,
        "is_active": row.is_active,
    }


def _arm(row: PlanRow, now: datetime.datetime) -> None:
    """Set the row's next due moment: the first one from now on, if it is in use."""
    if not (row.is_active and row.project.is_active):
        row.next_due_at = None
        return
    row.next_due_at = schedule.next_due(
        row.rule, row.start_date, row.due_time, row.time_zone, now, inc=True
    )


def _fill_row(row: PlanRow, data: RowInput, information: str, rule: str) -> None:
    row.information = information
    row.content = (data.content or "").strip()
    row.rule = rule
    row.start_date = data.start_date
    row.due_time = data.due_time
    row.time_zone = data.time_zone
    row.channel = data.channel
    row.owner = data.owner
    row.is_active = data.is_active


@transaction.atomic
def add_row(project: Project, person: Person, data: RowInput) -> PlanRow:
    """Add a row to the plan. It falls due from now on: a first day in the past does not
    create the distributions that would have been due before today."""
    project = _lock_project(project)
    _require_edit(person, project)
    information, rule, recipients = _checked_row(project, data)
    now = timezone.now()
    row = PlanRow(project=project, created_by=person, created_at=now, updated_at=now)
    _fill_row(row, data, information, rule)
    _arm(row, now)
    row.save()
    row.stakeholders.set(recipients)
    _event(project, EventType.ROW_ADDED, person, row.information, row=row.pk, **_row_facts(row))
    if row.owner != person:
        notify(
            [row.owner],
            ask=Ask.INFO,
            title=f"{project.name}：{row.information}",
            detail=_("You send this information: %(rule)s.") % {"rule": describe(row)},
            url=project_url(project),
            subject=project,
            exclude=person,
        )
    return row


def _lock_row(row: PlanRow) -> PlanRow:
    return (
        PlanRow.objects.select_for_update(of=("self",))
        .select_related("project", "owner")
        .get(pk=row.pk)
    )


@transaction.atomic
def edit_row(row: PlanRow, person: Person, data: RowInput) -> PlanRow:
    """Change a row. It falls due by its new rule from now on; distributions already due
    stay, and go to the new owner if the owner changed."""
    project = _lock_project(row.project)
    _require_edit(person, project)
    row = _lock_row(row)
    information, rule, recipients = _checked_row(project, data)
    before = _row_facts(row)
    old_owner = row.owner
    _fill_row(row, data, information, rule)
    row.save()
    row.stakeholders.set(recipients)
    changes = _changes(before, _row_facts(row))
    if not changes:
        return row
    now = timezone.now()
    row.updated_at = now
    _arm(row, now)
    row.save(update_fields=["updated_at", "next_due_at"])
    _event(project, EventType.ROW_CHANGED, person, row.information, row=row.pk, changes=changes)
    if row.owner != old_owner:
        handed = row.distributions.filter(state=DistributionState.DUE)
        handed.update(owner=row.owner)
        notify(
            [row.owner],
            ask=Ask.INFO,
            title=f"{project.name}：{row.information}",
            detail=_("You send this information now: %(rule)s.") % {"rule": describe(row)},
            url=reverse("communication:mine"),
            subject=project,
            exclude=person,
        )
    return row


@transaction.atomic
def remove_row(row: PlanRow, person: Person) -> bool:
    """Remove a row from the plan. A row with distributions on record is ended instead
    (it falls due no more; its record stays). Returns whether it was deleted."""
    project = _lock_project(row.project)
    _require_edit(person, project)
    row = _lock_row(row)
    facts = _row_facts(row)
    if row.distributions.exists():
        row.is_active = False
        row.next_due_at = None
        row.updated_at = timezone.now()
        row.save(update_fields=["is_active", "next_due_at", "updated_at"])
        _event(project, EventType.ROW_ENDED, person, row.information, row=row.pk, **facts)
        return False
    pk = row.pk
    row.delete()
    _event(project, EventType.ROW_REMOVED, person, facts["information"], row=pk, **facts)
    return True


def describe(row: PlanRow) -> str:
    """The row's schedule in words: its rule and due time."""
    return _("%(rule)s at %(time)s") % {
        "rule": schedule.describe(row.rule, row.time_zone),
        "time": row.due_time.strftime("%H:%M"),
    }


# Distributions: falling due, sent, skipped, overdue.


def audience_of(row: PlanRow) -> str:
    names = [str(s) for s in row.stakeholders.select_related("person", "department")]
    return "、".join(names)


def _tell_due(row: PlanRow, made: list[Distribution]) -> None:
    latest = made[-1]
    if len(made) == 1:
        detail = _("Due %(when)s by %(channel)s, to %(audience)s.") % {
            "when": _when(latest.due_at),
            "channel": row.get_channel_display(),
            "audience": latest.audience,
        }
    else:
        detail = _("%(count)s distributions are due, the latest %(when)s.") % {
            "count": len(made),
            "when": _when(latest.due_at),
        }
    notify(
        [latest.owner],
        ask=Ask.DISTRIBUTE,
        title=f"{row.project.name}：{row.information}",
        detail=detail,
        url=distribution_url(latest) if len(made) == 1 else reverse("communication:mine"),
        subject=latest,
    )


@transaction.atomic
def _fall_due(pk: int, now: datetime.datetime) -> int:
    """Create the distributions of one row whose moment has come; claimed under a row
    lock and re-checked, so two sweeps at once create each one once."""
    row = (
        PlanRow.objects.select_for_update(of=("self",))
        .select_related("project", "owner")
        .filter(pk=pk, next_due_at__lte=now)
        .first()
    )
    if row is None:
        return 0  # another sweep got there first, or the row changed
    if not (row.is_active and row.project.is_active):
        row.next_due_at = None
        row.save(update_fields=["next_due_at"])
        return 0
    times = schedule.due_times(
        row.rule, row.start_date, row.due_time, row.time_zone, row.next_due_at, now
    )[-MAX_CATCH_UP:]
    audience = audience_of(row)
    made = []
    for moment in times:
        distribution, created = Distribution.objects.get_or_create(
            row=row,
            due_at=moment,
            defaults={"owner": row.owner, "audience": audience, "created_at": now},
        )
        if created:
            made.append(distribution)
            _event(
                row.project,
                EventType.FELL_DUE,
                None,
                row.information,
                distribution=distribution,
                at=now,
                row=row.pk,
                due_at=moment,
                owner=row.owner.name,
                audience=audience,
            )
    row.next_due_at = schedule.next_due(row.rule, row.start_date, row.due_time, row.time_zone, now)
    row.save(update_fields=["next_due_at"])
    if made:
        _tell_due(row, made)
    return len(made)


@transaction.atomic
def _mark_overdue(pk: int, now: datetime.datetime) -> bool:
    claimed = Distribution.objects.filter(
        pk=pk, state=DistributionState.DUE, overdue_notified_at__isnull=True
    ).update(overdue_notified_at=now)
    if not claimed:
        return False  # another sweep got there first, or it was sent meanwhile
    distribution = Distribution.objects.select_related("row__project", "owner").get(pk=pk)
    row = distribution.row
    _event(
        row.project,
        EventType.OVERDUE,
        None,
        row.information,
        distribution=distribution,
        at=now,
        due_at=distribution.due_at,
        owner=distribution.owner.name,
    )
    notify(
        [distribution.owner, row.project.manager],
        ask=Ask.OVERDUE,
        title=f"{row.project.name}：{row.information}",
        detail=_("Due %(when)s and not yet sent.") % {"when": _when(distribution.due_at)},
        url=distribution_url(distribution),
        subject=distribution,
    )
    return True


def sweep(now: datetime.datetime | None = None) -> dict:
    """Periodic work, safe to run twice at once: create the distributions that have
    fallen due (found through the index on next_due_at) and ask their owners to send them;
    tell owners and managers once about distributions gone overdue."""
    now = now or timezone.now()
    due = list(
        PlanRow.objects.filter(next_due_at__lte=now)
        .order_by("next_due_at")
        .values_list("pk", flat=True)
    )
    late = list(
        Distribution.objects.overdue(now)
        .filter(overdue_notified_at__isnull=True)
        .values_list("pk", flat=True)
    )
    made = overdue = 0
    # The worker has no request: its notices are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        for pk in due:
            made += _fall_due(pk, now)
        for pk in late:
            overdue += _mark_overdue(pk, now)
    return {"distributions_due": made, "distributions_overdue": overdue}


def _lock_distribution(distribution: Distribution) -> Distribution:
    return (
        Distribution.objects.select_for_update(of=("self",))
        .select_related("row__project__owner_department", "owner", "sent_by", "skipped_by")
        .get(pk=distribution.pk)
    )


def _require_due(distribution: Distribution) -> None:
    if distribution.state == DistributionState.SENT:
        raise WrongState(
            _("%(who)s marked it sent at %(when)s.")
            % {"who": distribution.sent_by.name, "when": _when(distribution.sent_at)}
        )
    if distribution.state == DistributionState.SKIPPED:
        raise WrongState(
            _("%(who)s skipped it at %(when)s.")
            % {"who": distribution.skipped_by.name, "when": _when(distribution.skipped_at)}
        )


def _require_handle(person: Person, distribution: Distribution) -> None:
    if not may_handle(person, distribution):
        raise NotAllowed(
            _("Only %(owner)s and the project's managers can mark this distribution.")
            % {"owner": distribution.owner.name}
        )


def _done_with(distribution: Distribution) -> None:
    """The owner's inbox items about it are done with."""
    items = Notification.objects.filter(
        recipient=distribution.owner,
        content_type=ContentType.objects.get_for_model(Distribution),
        object_id=str(distribution.pk),
        read_at__isnull=True,
    ).values_list("pk", flat=True)
    mark_read(distribution.owner, list(items))


@transaction.atomic
def mark_sent(
    distribution: Distribution,
    person: Person,
    *,
    note: str = "",
    sent_to: Iterable[Stakeholder] | None = None,
    link: str = "",
    upload=None,
) -> Distribution:
    """Record that the information was sent: to whom (the row's recipients unless said),
    a note of what was sent, and optionally a link or a file."""
    distribution = _lock_distribution(distribution)
    _require_due(distribution)
    _require_handle(person, distribution)
    row = distribution.row
    recipients = list(row.stakeholders.all()) if sent_to is None else list(dict.fromkeys(sent_to))
    if not recipients:
        raise InvalidInput(_("Say to whom it was sent."))
    for stakeholder in recipients:
        if stakeholder.project_id != row.project_id:
            raise InvalidInput(
                _("%(who)s is not a stakeholder of this project.") % {"who": stakeholder}
            )
    link = (link or "").strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError as exc:
            raise InvalidInput(_("The link must be a web address.")) from exc
    name = checked_upload_name(upload) if upload is not None else ""
    distribution.state = DistributionState.SENT
    distribution.sent_at = timezone.now()
    distribution.sent_by = person
    distribution.note = (note or "").strip()
    distribution.link = link
    if upload is not None:
        distribution.attachment.save(name, upload, save=False)
        distribution.attachment_name = name[:255]
    distribution.save()
    distribution.sent_to.set(recipients)
    _event(
        row.project,
        EventType.SENT,
        person,
        row.information,
        distribution=distribution,
        due_at=distribution.due_at,
        to=[str(s) for s in recipients],
        note=distribution.note,
        link=link,
        file=name,
    )
    _done_with(distribution)
    return distribution


@transaction.atomic
def skip(distribution: Distribution, person: Person, *, reason: str) -> Distribution:
    """Record that this time the information is not sent, and why."""
    distribution = _lock_distribution(distribution)
    _require_due(distribution)
    _require_handle(person, distribution)
    reason = _require_text(reason, _("Say why it is skipped."))
    distribution.state = DistributionState.SKIPPED
    distribution.skipped_at = timezone.now()
    distribution.skipped_by = person
    distribution.note = reason
    distribution.save()
    _event(
        distribution.row.project,
        EventType.SKIPPED,
        person,
        distribution.row.information,
        distribution=distribution,
        due_at=distribution.due_at,
        reason=reason,
    )
    _done_with(distribution)
    return distribution

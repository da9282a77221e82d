"""The communication plan: what information goes to whom, how often, how and by whom.
Each row falls due by its rule (liaison.communication.schedule) from now on."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput
from liaison.core.plain import checked_zone
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text, readable
from liaison.org.models import Person

from .. import schedule
from ..models import Channel, DistributionState, EventType, PlanRow, Project, Stakeholder
from .common import (
    arm,
    changed,
    check_person,
    event,
    lock_project,
    project_url,
    require_edit,
    require_text,
    row_title,
)


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
    information = require_text(data.information, _("Say what information is distributed."))
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
    check_person(project.organization_id, data.owner, _("Choose who sends it."))
    if not isinstance(data.start_date, datetime.date):
        raise InvalidInput(_("Choose the first day."))
    if not isinstance(data.due_time, datetime.time):
        raise InvalidInput(_("Choose the due time."))
    data.due_time = data.due_time.replace(second=0, microsecond=0)
    zone = checked_zone(data.time_zone)
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
    project = lock_project(project)
    require_edit(person, project)
    information, rule, recipients = _checked_row(project, data)
    now = timezone.now()
    row = PlanRow(project=project, created_by=person, created_at=now, updated_at=now)
    _fill_row(row, data, information, rule)
    arm(row, now)
    row.save()
    row.stakeholders.set(recipients)
    event(project, EventType.ROW_ADDED, person, row.information, row=row.pk, **_row_facts(row))
    if row.owner != person:
        notify(
            [row.owner],
            ask=Ask.INFO,
            title=row_title(row),
            detail=Text(gettext_noop("You send this information: %(rule)s."), rule=_words(row)),
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
    project = lock_project(row.project)
    require_edit(person, project)
    row = _lock_row(row)
    information, rule, recipients = _checked_row(project, data)
    before = _row_facts(row)
    old_owner = row.owner
    _fill_row(row, data, information, rule)
    row.save()
    row.stakeholders.set(recipients)
    changes = changed(before, _row_facts(row))
    if not changes:
        return row
    now = timezone.now()
    row.updated_at = now
    arm(row, now)
    row.save(update_fields=["updated_at", "next_due_at"])
    event(project, EventType.ROW_CHANGED, person, row.information, row=row.pk, changes=changes)
    if row.owner != old_owner:
        handed = row.distributions.filter(state=DistributionState.DUE)
        handed.update(owner=row.owner)
        notify(
            [row.owner],
            ask=Ask.INFO,
            title=row_title(row),
            detail=Text(gettext_noop("You send this information now: %(rule)s."), rule=_words(row)),
            url=reverse("communication:mine"),
            subject=project,
            exclude=person,
        )
    return row


@transaction.atomic
def remove_row(row: PlanRow, person: Person) -> bool:
    """Remove a row from the plan. A row with distributions on record is ended instead
    (it falls due no more; its record stays). Returns whether it was deleted."""
    project = lock_project(row.project)
    require_edit(person, project)
    row = _lock_row(row)
    facts = _row_facts(row)
    if row.distributions.exists():
        row.is_active = False
        row.next_due_at = None
        row.updated_at = timezone.now()
        row.save(update_fields=["is_active", "next_due_at", "updated_at"])
        event(project, EventType.ROW_ENDED, person, row.information, row=row.pk, **facts)
        return False
    pk = row.pk
    row.delete()
    event(project, EventType.ROW_REMOVED, person, facts["information"], row=pk, **facts)
    return True


def describe(row: PlanRow) -> str:
    """The row's schedule in words: its rule and due time."""
    return schedule_in_words(row.rule, row.time_zone, row.due_time.strftime("%H:%M"))


@readable
def schedule_in_words(rule: str, zone: str, time: str) -> str:
    return _("%(rule)s at %(time)s") % {"rule": schedule.describe(rule, zone), "time": time}


def _words(row: PlanRow) -> dict:
    """The row's schedule, put into words in the reader's language when read."""
    return Text.call(
        schedule_in_words, rule=row.rule, zone=row.time_zone, time=row.due_time.strftime("%H:%M")
    )

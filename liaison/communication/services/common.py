"""What every communication use case shares: checking input, locking a project, the
plan's timeline (PlanEvent), links, and arming a row's next due moment.

Each action follows one pattern: lock the row, check the state and then the person's
right (liaison.communication.policy), change, append a PlanEvent, notify. Refusals are
liaison.core.errors' (InvalidInput 400, NotAllowed 403, WrongState 409).
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed
from liaison.core.plain import plain
from liaison.inbox.texts import Text
from liaison.org.models import Person

from .. import policy, schedule
from ..models import Distribution, PlanEvent, PlanRow, Project


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def event(
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
        data=plain(data),
    )


def changed(before: dict, after: dict) -> dict:
    """What changed between two sets of facts, as [before, after] pairs."""
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}


def row_title(row: PlanRow) -> Text:
    """An inbox title naming the project and the information, in the reader's language."""
    return Text(
        gettext_noop("%(project)s: %(information)s"),
        project=row.project.name,
        information=row.information,
    )


def project_url(project: Project) -> str:
    return reverse("communication:detail", args=[project.pk])


def distribution_url(distribution: Distribution) -> str:
    return reverse("communication:distribution", args=[distribution.pk])


def check_person(organization_id: int, person: Person | None, message: str) -> Person:
    if person is None:
        raise InvalidInput(message)
    if person.organization_id != organization_id or not person.is_active:
        raise InvalidInput(_("Unknown person: %(name)s") % {"name": person.name})
    return person


def lock_project(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("organization", "owner_department", "manager")
        .get(pk=project.pk)
    )


def require_edit(person: Person, project: Project) -> None:
    if not policy.may_edit(person, project):
        raise NotAllowed(
            _(
                "Only the project manager, the heads and liaison officer of %(department)s "
                "and the coordinating office can change this project."
            )
            % {"department": project.owner_department.name}
        )


def arm(row: PlanRow, now: datetime.datetime) -> None:
    """Set the row's next due moment: the first one from now on, if it is in use."""
    if not (row.is_active and row.project.is_active):
        row.next_due_at = None
        return
    row.next_due_at = schedule.next_due(
        row.rule, row.start_date, row.due_time, row.time_zone, now, inc=True
    )

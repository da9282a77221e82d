"""Projects: starting one, changing it, closing and reopening it."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.org.models import Department, Person

from .. import policy
from ..models import EventType, Project
from .common import (
    arm,
    changed,
    check_person,
    event,
    lock_project,
    project_url,
    require_edit,
    require_text,
)


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
    name = require_text(data.name, _("Give the project a name."))
    department = data.owner_department
    if department is None:
        raise InvalidInput(_("Choose the owner department."))
    if department.organization_id != organization_id or not department.is_active:
        raise InvalidInput(_("Unknown department: %(code)s") % {"code": department.code})
    check_person(organization_id, data.manager, _("Choose the project manager."))
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
    if not policy.may_start_for(person, data.owner_department):
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
    event(project, EventType.PROJECT_CREATED, person, project.name, **_project_facts(project))
    if data.manager != person:
        notify(
            [data.manager],
            ask=Ask.INFO,
            title=project.name,
            detail=Text(
                gettext_noop("You manage this project's stakeholders and communication plan.")
            ),
            url=project_url(project),
            subject=project,
            exclude=person,
        )
    return project


@transaction.atomic
def edit_project(project: Project, person: Person, data: ProjectInput) -> Project:
    """Change a project. Closing it stops its plan; reopening it resumes the plan from now
    (what fell due meanwhile is not made up)."""
    project = lock_project(project)
    require_edit(person, project)
    name = _checked_project(person, data, project.pk)
    if data.owner_department != project.owner_department and not policy.may_start_for(
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
    changes = changed(before, _project_facts(project))
    if not changes:
        return project
    project.updated_at = timezone.now()
    project.save()
    rows = project.rows.filter(is_active=True)
    if not project.is_active:
        rows.update(next_due_at=None)
    elif reopened:
        for row in rows:
            arm(row, timezone.now())
            row.save(update_fields=["next_due_at"])
    event(project, EventType.PROJECT_CHANGED, person, project.name, changes=changes)
    return project

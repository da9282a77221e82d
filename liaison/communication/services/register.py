"""The stakeholder register: who is told about a project (people, departments, external
parties), their layer, influence, interest and needs."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.core.plain import listing
from liaison.org.models import Department, Person

from ..models import Channel, EventType, Layer, Level, Project, Stakeholder
from .common import changed, check_person, event, lock_project, require_edit


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
        check_person(project.organization_id, data.person, "")
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
    project = lock_project(project)
    require_edit(person, project)
    _checked_stakeholder(project, data)
    stakeholder = Stakeholder(project=project)
    _fill_stakeholder(stakeholder, data)
    stakeholder.save()
    event(
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
    project = lock_project(stakeholder.project)
    require_edit(person, project)
    stakeholder = Stakeholder.objects.select_related("person", "department").get(pk=stakeholder.pk)
    _checked_stakeholder(project, data, stakeholder.pk)
    before = _stakeholder_facts(stakeholder)
    _fill_stakeholder(stakeholder, data)
    changes = changed(before, _stakeholder_facts(stakeholder))
    if changes:
        stakeholder.save()
        event(
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
    project = lock_project(stakeholder.project)
    require_edit(person, project)
    stakeholder = Stakeholder.objects.select_related("person", "department").get(pk=stakeholder.pk)
    alone = [
        row.information
        for row in stakeholder.plan_rows.filter(is_active=True)
        if row.stakeholders.count() == 1
    ]
    if alone:
        raise InvalidInput(
            _("%(who)s is the only recipient of %(rows)s: change those rows first.")
            % {"who": stakeholder, "rows": listing(alone)}
        )
    facts = _stakeholder_facts(stakeholder)
    pk = stakeholder.pk
    stakeholder.delete()
    event(project, EventType.STAKEHOLDER_REMOVED, person, facts["who"], stakeholder=pk, **facts)

"""Reads of projects and distributions: the one place that decides who sees what.

Projects, registers, plans and distributions are not secret inside an organization
(everyone may need to know who is told what, and when), so everyone in an organization
reads them and nobody outside it does. Changing them is policy.may_edit's question.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from liaison.org.models import Person

from .models import (
    Distribution,
    DistributionState,
    Layer,
    Level,
    PlanRow,
    Project,
    Stakeholder,
    overdue_before,
)

STAKEHOLDER_RELATED = ("person", "department")
DISTRIBUTION_RELATED = ("row__project", "owner", "sent_by", "skipped_by")


def _get(queryset, person: Person | None, pk, organization_field: str):
    if not person:
        raise Http404
    try:
        return queryset.get(**{organization_field: person.organization_id}, pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def project_for(person: Person | None, pk) -> Project:
    """A project of the person's organization, or 404."""
    queryset = Project.objects.select_related("organization", "owner_department", "manager")
    return _get(queryset, person, pk, "organization_id")


def stakeholder_for(person: Person | None, pk) -> Stakeholder:
    queryset = Stakeholder.objects.select_related("project__owner_department", *STAKEHOLDER_RELATED)
    return _get(queryset, person, pk, "project__organization_id")


def row_for(person: Person | None, pk) -> PlanRow:
    queryset = PlanRow.objects.select_related("project__owner_department", "owner")
    return _get(queryset, person, pk, "project__organization_id")


def distribution_for(person: Person | None, pk) -> Distribution:
    queryset = Distribution.objects.select_related(
        "row__project__owner_department", "row__project__manager", "owner", "sent_by", "skipped_by"
    )
    return _get(queryset, person, pk, "row__project__organization_id")


def _per_project(queryset, field: str) -> dict[int, int]:
    return dict(queryset.values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def projects_of(person: Person, *, closed: bool = False) -> list[Project]:
    """The organization's projects with their counts, for the list: a few grouped
    queries rather than one join of stakeholders, rows and distributions."""
    projects = list(
        Project.objects.filter(organization_id=person.organization_id, is_active=not closed)
        .select_related("owner_department", "manager")
        .order_by("name", "pk")
    )
    ids = [p.pk for p in projects]
    due = Distribution.objects.filter(row__project_id__in=ids, state=DistributionState.DUE)
    stakeholders = _per_project(Stakeholder.objects.filter(project_id__in=ids), "project_id")
    rows = _per_project(PlanRow.objects.filter(project_id__in=ids, is_active=True), "project_id")
    due_counts = _per_project(due, "row__project_id")
    overdue = _per_project(due.filter(due_at__lt=overdue_before()), "row__project_id")
    for project in projects:
        project.stakeholder_count = stakeholders.get(project.pk, 0)
        project.row_count = rows.get(project.pk, 0)
        project.due_count = due_counts.get(project.pk, 0)
        project.overdue_count = overdue.get(project.pk, 0)
    return projects


@dataclass
class Register:
    """A project's stakeholders by layer, and the influence × layer grid."""

    layers: list[tuple[str, str, list[Stakeholder]]]  # (layer, label, stakeholders)
    grid: list[tuple[str, str, list[list[Stakeholder]]]]  # (level, label, one cell per layer)
    total: int


def register_of(project: Project) -> Register:
    stakeholders = list(
        project.stakeholders.select_related(*STAKEHOLDER_RELATED).order_by("layer", "pk")
    )
    rank = {level: index for index, level in enumerate(Level.values)}
    stakeholders.sort(key=lambda s: (rank[s.influence], s.pk))
    layers = [
        (layer.value, layer.label, [s for s in stakeholders if s.layer == layer]) for layer in Layer
    ]
    grid = [
        (
            level.value,
            level.label,
            [
                [s for s in stakeholders if s.layer == layer and s.influence == level]
                for layer in Layer
            ],
        )
        for level in Level
    ]
    return Register(layers=layers, grid=grid, total=len(stakeholders))


def rows_of(project: Project) -> list[PlanRow]:
    return list(
        project.rows.select_related("owner")
        .prefetch_related("stakeholders__person", "stakeholders__department")
        .order_by("-is_active", "pk")
    )


def distributions_of(project: Project, state: str = ""):
    """A project's distributions, the latest due first; `state` is due, overdue, sent or
    skipped (anything else: all)."""
    distributions = Distribution.objects.filter(row__project=project).select_related(
        *DISTRIBUTION_RELATED
    )
    if state == "overdue":
        return distributions.overdue()
    if state in DistributionState.values:
        return distributions.filter(state=state)
    return distributions


def counts_of(project: Project) -> Counter:
    counts = Counter(
        dict(
            Distribution.objects.filter(row__project=project)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        )
    )
    counts["overdue"] = Distribution.objects.filter(row__project=project).overdue().count()
    return counts


@dataclass
class Mine:
    due: list[Distribution]
    done: list[Distribution]
    rows: list[PlanRow]
    overdue: int


#: "My distributions" lists what I sent or skipped in this last stretch.
RECENT = datetime.timedelta(days=60)


def mine(person: Person) -> Mine:
    """What the person must send now (the oldest first), what they recently sent or
    skipped, and the rows they send with their next due moment."""
    now = timezone.now()
    due = list(
        Distribution.objects.filter(owner=person, state=DistributionState.DUE)
        .select_related(*DISTRIBUTION_RELATED)
        .prefetch_related("row__stakeholders__person", "row__stakeholders__department")
        .order_by("due_at", "pk")
    )
    done = list(
        Distribution.objects.filter(
            Q(sent_by=person) | Q(skipped_by=person) | Q(owner=person),
            state__in=[DistributionState.SENT, DistributionState.SKIPPED],
            due_at__gte=now - RECENT,
        )
        .select_related(*DISTRIBUTION_RELATED)
        .order_by("-due_at", "-pk")[:50]
    )
    rows = list(
        PlanRow.objects.filter(owner=person, is_active=True, project__is_active=True)
        .select_related("project")
        .order_by("next_due_at", "pk")
    )
    cutoff = overdue_before(now)
    return Mine(due=due, done=done, rows=rows, overdue=sum(1 for d in due if d.due_at < cutoff))

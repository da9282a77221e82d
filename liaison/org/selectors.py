"""Reads of the organization: what a person may see, search, and the chart."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from .models import Department, LeaderInCharge, Organization, Person, Position, PositionRole
from .pinyin import pinyin_keys


def organization_for(request) -> Organization:
    """The organization a request works in: the signed-in person's, else the only one."""
    person = getattr(request, "person", None)
    if person:
        return person.organization
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        raise Http404
    return organization


def _search_q(query: str) -> Q | None:
    """Chinese substring, or pinyin (full or initials) prefix or substring, case-insensitive."""
    query = query.strip()
    if not query:
        return None
    condition = Q(name__icontains=query)
    latin = query.lower().replace(" ", "")
    if latin.isascii() and latin.isalnum():
        condition |= Q(name_initials__startswith=latin) | Q(name_pinyin__contains=latin)
    elif not latin.isascii():
        full, _initials = pinyin_keys(query)
        condition |= Q(name_pinyin__contains=full)
    return condition


def search_departments(organization: Organization, query: str) -> QuerySet[Department]:
    condition = _search_q(query)
    departments = Department.objects.filter(organization=organization, is_active=True)
    if condition is None:
        return departments.none()
    short = Q(short_name__icontains=query.strip()) | Q(code__iexact=query.strip())
    return departments.filter(condition | short)


def search_people(organization: Organization, query: str) -> QuerySet[Person]:
    condition = _search_q(query)
    people = Person.objects.filter(organization=organization, is_active=True)
    if condition is None:
        return people.none()
    return people.filter(condition | Q(employee_number=query.strip()))


def people_directory(organization: Organization, query: str = "", department=None):
    people = Person.objects.filter(organization=organization, is_active=True)
    if query.strip():
        people = search_people(organization, query)
    if department is not None:
        people = people.filter(
            positions__department=department, positions__end__isnull=True
        ).distinct()
    return people.prefetch_related(
        Prefetch(
            "positions",
            queryset=Position.objects.current().select_related("department"),
            to_attr="current_position_list",
        )
    ).order_by("name_pinyin", "employee_number")


@dataclass
class ChartNode:
    department: Department
    head: Person | None = None
    liaison: Person | None = None
    leader: Person | None = None
    children: list["ChartNode"] = field(default_factory=list)

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)


def org_chart(organization: Organization) -> list[ChartNode]:
    """The department tree with each department's current head, liaison officer and
    leader in charge, in four queries whatever the size."""
    departments = list(
        Department.objects.filter(organization=organization, is_active=True).order_by(
            "sort_order", "code"
        )
    )
    nodes = {d.pk: ChartNode(d) for d in departments}
    for position in (
        Position.objects.current()
        .filter(
            department__organization=organization,
            role__in=[PositionRole.HEAD, PositionRole.LIAISON_OFFICER],
        )
        .select_related("person__user")
    ):
        node = nodes.get(position.department_id)
        if node is None:
            continue
        if position.role == PositionRole.HEAD:
            node.head = position.person
        else:
            node.liaison = position.person
    for assignment in (
        LeaderInCharge.objects.current()
        .filter(department__organization=organization)
        .select_related("leader__user")
    ):
        node = nodes.get(assignment.department_id)
        if node is not None:
            node.leader = assignment.leader
    roots, children = [], defaultdict(list)
    for department in departments:
        if department.parent_id in nodes:
            children[department.parent_id].append(nodes[department.pk])
        else:
            roots.append(nodes[department.pk])
    for pk, node in nodes.items():
        node.children = children.get(pk, [])
    return roots


def department_for(request, pk: int) -> Department:
    """A department the signed-in person may see, or 404."""
    organization = organization_for(request)
    try:
        return Department.objects.select_related("parent", "organization").get(
            pk=pk, organization=organization
        )
    except Department.DoesNotExist as exc:
        raise Http404 from exc


def person_for(request, pk: int) -> Person:
    organization = organization_for(request)
    try:
        return Person.objects.get(pk=pk, organization=organization)
    except Person.DoesNotExist as exc:
        raise Http404 from exc

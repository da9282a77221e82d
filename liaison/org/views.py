from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.core import tokens
from liaison.org.policy import roles_of

from . import search as finders
from . import selectors, services
from .forms import DepartmentContactsForm
from .models import LeaderInCharge, Position, PositionRole

ROLE_LABELS = {
    "system_admin": gettext_lazy("System admin"),
    "coordination_office": gettext_lazy("Coordination office"),
    "supervision_office": gettext_lazy("Supervision office"),
    "leader": gettext_lazy("Leader"),
    "department_head": gettext_lazy("Department head"),
    "liaison_officer": gettext_lazy("Liaison officer"),
    "staff": gettext_lazy("Staff"),
}


@login_required
def profile(request):
    person = request.person
    context = {"roles": [ROLE_LABELS[r] for r in roles_of(request.user)]}
    if person:
        context.update(
            person=person,
            positions=person.positions.current().select_related("department"),
            past_positions=person.positions.filter(end__isnull=False).select_related("department"),
            oversights=person.oversights.current().select_related("department"),
            leaders=LeaderInCharge.objects.current()
            .filter(department__positions__person=person, department__positions__end__isnull=True)
            .select_related("leader", "department")
            .distinct(),
            groups=person.group_memberships.select_related("group"),
        )
    context["api_tokens"] = tokens.active(request.user)
    return render(request, "org/profile.html", context)


@login_required
@require_POST
def revoke_api_token(request):
    if tokens.revoke_by_digest(request.user, request.POST.get("token", "")):
        messages.success(
            request, _("The API token was revoked; programs using it must log in again.")
        )
    else:
        messages.info(request, _("That API token no longer exists: it expired or was revoked."))
    return redirect("org:profile")


@login_required
def chart(request):
    organization = selectors.organization_for(request)
    return render(
        request,
        "org/chart.html",
        {"organization": organization, "roots": selectors.org_chart(organization)},
    )


@login_required
def department_detail(request, pk):
    return _department_page(request, selectors.department_for(request, pk))


def _department_page(request, department, contacts_form=None, status=200):
    """The department; `contacts_form` bound to what was typed when it came back."""
    positions = department.positions.select_related("person").order_by(
        "end", "role", "person__name"
    )
    # One row per person: a liaison officer is usually also on the staff.
    order = list(PositionRole.values)
    members: dict[int, dict] = {}
    for position in sorted(
        (p for p in positions if p.end is None), key=lambda p: order.index(p.role)
    ):
        row = members.setdefault(
            position.person_id,
            {"person": position.person, "roles": [], "start": position.start, "rank": 99},
        )
        row["roles"].append(position.get_role_display())
        row["start"] = min(row["start"], position.start)
        row["rank"] = min(row["rank"], order.index(position.role))
    current = sorted(members.values(), key=lambda r: (r["rank"], r["person"].name_pinyin))
    return render(
        request,
        "org/department.html",
        {
            "department": department,
            "current_positions": current,
            "past_positions": [p for p in positions if p.end is not None],
            "leaders": department.oversights.select_related("leader").order_by("-start"),
            "children": department.children.filter(is_active=True),
            "can_edit_contacts": request.user.has_perm(
                "org.change_department_contacts", department
            ),
            "contacts_form": contacts_form or DepartmentContactsForm.for_department(department),
        },
        status=status,
    )


@login_required
@require_POST
def department_contacts(request, pk):
    department = selectors.department_for(request, pk)
    if not request.user.has_perm("org.change_department_contacts", department):
        raise PermissionDenied
    form = DepartmentContactsForm.for_department(department, request.POST)
    if form.is_valid():
        services.update_department_contacts(
            department,
            phone=form.cleaned_data["phone"],
            location=form.cleaned_data["location"],
            actor=request.user,
        )
        messages.success(request, _("Contact details saved."))
        return redirect("org:department", pk=department.pk)
    return _department_page(request, department, contacts_form=form, status=400)


@login_required
def people(request):
    organization = selectors.organization_for(request)
    query = request.GET.get("q", "")
    department = None
    if request.GET.get("department", "").isdigit():
        department = selectors.department_for(request, int(request.GET["department"]))
    page = Paginator(selectors.people_directory(organization, query, department), 50).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "query": query, "department": department}
    template = "org/_people_rows.html" if request.htmx else "org/people.html"
    return render(request, template, context)


#: How many people a picker is offered at once: typing narrows the rest down.
PICKER_LIMIT = 30


@login_required
def people_search(request):
    """The people pickers' options as JSON: matching `q` (name, pinyin, initials, employee
    number), working in `department` when given; each with where they work."""
    organization = selectors.organization_for(request)
    department = None
    if request.GET.get("department", "").isdigit():
        department = selectors.department_for(request, int(request.GET["department"]))
    people = selectors.people_directory(organization, request.GET.get("q", ""), department)
    results = []
    for person in people[:PICKER_LIMIT]:
        positions = person.current_position_list
        if department is not None:
            positions = [p for p in positions if p.department_id == department.pk] or positions
        where = ", ".join(f"{p.department.name} {p.get_role_display()}" for p in positions)
        results.append(
            {
                "value": str(person.pk),
                "text": person.name,
                "title": person.title,
                "where": where,
                "pinyin": person.name_pinyin,
                "initials": person.name_initials,
                "employee_number": person.employee_number,
            }
        )
    return JsonResponse({"results": results})


@login_required
def person_detail(request, pk):
    person = selectors.person_for(request, pk)
    return render(
        request,
        "org/person.html",
        {
            "person": person,
            "positions": person.positions.select_related("department").order_by("end", "-start"),
            "oversights": person.oversights.current().select_related("department"),
            "groups": person.group_memberships.select_related("group"),
        },
    )


@login_required
def search(request):
    organization = selectors.organization_for(request)
    query = request.GET.get("q", "").strip()
    departments = list(selectors.search_departments(organization, query)[:20])
    people = list(
        selectors.search_people(organization, query).prefetch_related(
            Prefetch(
                "positions",
                queryset=Position.objects.current().select_related("department"),
                to_attr="current_position_list",
            )
        )[:20]
    )
    context = {
        "query": query,
        "search_query": query,
        "departments": departments,
        "people": people,
        "hits": finders.find(request.person, query),
    }
    template = "org/_search_results.html" if request.htmx else "org/search.html"
    return render(request, template, context)

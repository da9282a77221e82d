"""Communication pages: the projects, a project with its stakeholder register and plan,
the forms that change them, a project's distributions, one distribution with its sent
and skip forms, my distributions, and the register and plan as a spreadsheet.

Views are thin: they read the input, call selectors and services, and render. A refusal
of the services is shown on the form or as a message and changes nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.downloads import download
from liaison.core.errors import InvalidInput, ServiceError
from liaison.org.models import Department, Person

from . import export as spreadsheet
from . import policy, selectors, services
from .forms import ProjectForm, RowForm, SentForm, SkipForm, StakeholderForm
from .models import DistributionState, overdue_before

#: Distributions shown on a project's distributions page.
PAGE = 200
#: Changes to the register and the plan shown on a project's page.
HISTORY = 30


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no projects (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def _refuse_edit(request, project) -> bool:
    if policy.may_edit(_person(request), project):
        return False
    messages.error(request, _("Only the project's managers can change it."))
    return True


# Projects.


@login_required
def project_list(request):
    person = _person(request)
    closed = request.GET.get("closed") == "1"
    return render(
        request,
        "communication/project_list.html",
        {
            "projects": selectors.projects_of(person, closed=closed),
            "closed": closed,
            "may_start": policy.startable_departments(person).exists(),
        },
    )


def _project_form(request, person: Person, project=None):
    departments = policy.startable_departments(person)
    if project is not None:
        # The current owner stays a choice for a manager who does not act for it.
        departments = (
            departments | Department.objects.filter(pk=project.owner_department_id)
        ).distinct()
    initial = ProjectForm.initial_for(project) if project is not None else {"manager": person}
    form = ProjectForm(person, departments, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if project is None:
                saved = services.create_project(person, form.project_input())
            else:
                saved = services.edit_project(project, person, form.project_input())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The project is saved."))
            return redirect("communication:detail", pk=saved.pk)
    return render(
        request,
        "communication/project_form.html",
        {"form": form, "project": project, "may_start": departments.exists()},
    )


@login_required
def project_new(request):
    return _project_form(request, _person(request))


@login_required
def project_edit(request, pk):
    project = selectors.project_for(_person(request), pk)
    if _refuse_edit(request, project):
        return redirect("communication:detail", pk=project.pk)
    return _project_form(request, _person(request), project)


@login_required
def project_detail(request, pk):
    person = _person(request)
    project = selectors.project_for(person, pk)
    rows = selectors.rows_of(project)
    context = {
        "project": project,
        "register": selectors.register_of(project),
        "rows": [(row, services.describe(row)) for row in rows],
        "counts": selectors.counts_of(project),
        "may_edit": policy.may_edit(person, project),
        # The register's and plan's history; each distribution's is on its own page.
        "events": list(
            project.events.filter(distribution__isnull=True)
            .select_related("actor")
            .order_by("-at", "-pk")[:HISTORY]
        ),
    }
    return render(request, "communication/project_detail.html", context)


@login_required
def project_distributions(request, pk):
    person = _person(request)
    project = selectors.project_for(person, pk)
    state = request.GET.get("state", "")
    distributions = selectors.distributions_of(project, state)
    return render(
        request,
        "communication/project_distributions.html",
        {
            "project": project,
            "state": state,
            "states": [("", _("All")), ("overdue", _("Overdue")), *DistributionState.choices],
            "distributions": list(distributions.prefetch_related("sent_to")[:PAGE]),
            "counts": selectors.counts_of(project),
            "overdue_before": overdue_before(),
        },
    )


@login_required
def export(request, pk):
    project = selectors.project_for(_person(request), pk)
    response = HttpResponse(
        spreadsheet.workbook(project),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="communication-plan-{project.pk}.xlsx"'
    return response


# The register.


def _stakeholder_form(request, person: Person, project, stakeholder=None):
    initial = StakeholderForm.initial_for(stakeholder) if stakeholder is not None else None
    form = StakeholderForm(person, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if stakeholder is None:
                services.add_stakeholder(project, person, form.stakeholder_input())
            else:
                services.edit_stakeholder(stakeholder, person, form.stakeholder_input())
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The register is saved."))
            return redirect("communication:detail", pk=project.pk)
    return render(
        request,
        "communication/stakeholder_form.html",
        {"form": form, "project": project, "stakeholder": stakeholder},
    )


@login_required
def stakeholder_new(request, pk):
    project = selectors.project_for(_person(request), pk)
    if _refuse_edit(request, project):
        return redirect("communication:detail", pk=project.pk)
    return _stakeholder_form(request, _person(request), project)


@login_required
def stakeholder_edit(request, pk):
    stakeholder = selectors.stakeholder_for(_person(request), pk)
    project = stakeholder.project
    if _refuse_edit(request, project):
        return redirect("communication:detail", pk=project.pk)
    return _stakeholder_form(request, _person(request), project, stakeholder)


@login_required
@require_POST
def stakeholder_remove(request, pk):
    stakeholder = selectors.stakeholder_for(_person(request), pk)
    project = stakeholder.project
    try:
        services.remove_stakeholder(stakeholder, _person(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(who)s is off the register.") % {"who": stakeholder})
    return redirect("communication:detail", pk=project.pk)


# The plan.


def _row_form(request, person: Person, project, row=None):
    initial = RowForm.initial_for(row) if row is not None else RowForm.initial_new(person)
    form = RowForm(project, person, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.row_input()
            if row is None:
                services.add_row(project, person, data)
            else:
                services.edit_row(row, person, data)
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("communication:detail", pk=project.pk)
    return render(
        request, "communication/row_form.html", {"form": form, "project": project, "row": row}
    )


@login_required
def row_new(request, pk):
    project = selectors.project_for(_person(request), pk)
    if _refuse_edit(request, project):
        return redirect("communication:detail", pk=project.pk)
    if not project.stakeholders.exists():
        messages.info(request, _("Add the stakeholders first: a plan row says whom to tell."))
        return redirect("communication:stakeholder-new", pk=project.pk)
    return _row_form(request, _person(request), project)


@login_required
def row_edit(request, pk):
    row = selectors.row_for(_person(request), pk)
    if _refuse_edit(request, row.project):
        return redirect("communication:detail", pk=row.project_id)
    return _row_form(request, _person(request), row.project, row)


@login_required
@require_POST
def row_remove(request, pk):
    row = selectors.row_for(_person(request), pk)
    try:
        deleted = services.remove_row(row, _person(request))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The row is removed from the plan.")
            if deleted
            else _("The row is ended: it falls due no more; its distributions stay on record."),
        )
    return redirect("communication:detail", pk=row.project_id)


# Distributions.


@login_required
def mine(request):
    person = _person(request)
    return render(
        request,
        "communication/mine.html",
        {"mine": selectors.mine(person), "overdue_before": overdue_before()},
    )


def _distribution_page(request, distribution, sent_form=None, skip_form=None, status=200):
    person = _person(request)
    context = {
        "d": distribution,
        "project": distribution.row.project,
        "rule_text": services.describe(distribution.row),
        "sent_to": list(distribution.sent_to.select_related("person", "department")),
        "overdue_before": overdue_before(),
        "may_handle": policy.may_mark(person, distribution),
        "sent_form": sent_form or SentForm(distribution),
        "skip_form": skip_form or SkipForm(),
        "events": list(distribution.events.select_related("actor").order_by("-at", "-pk")),
    }
    return render(request, "communication/distribution.html", context, status=status)


@login_required
def distribution(request, pk):
    return _distribution_page(request, selectors.distribution_for(_person(request), pk))


def _after(request, distribution):
    """Back to "my distributions" when the form was sent from there."""
    if request.POST.get("next") == "mine":
        return redirect("communication:mine")
    return redirect("communication:distribution", pk=distribution.pk)


@login_required
@require_POST
def mark_sent(request, pk):
    person = _person(request)
    distribution = selectors.distribution_for(person, pk)
    form = SentForm(distribution, request.POST, request.FILES)
    if form.is_valid():
        try:
            services.mark_sent(
                distribution,
                person,
                note=form.cleaned_data.get("note") or "",
                sent_to=form.cleaned_data["sent_to"],
                link=form.cleaned_data.get("link") or "",
                upload=form.cleaned_data.get("file"),
            )
        except InvalidInput as error:
            form.add_error(None, error.message)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("communication:distribution", pk=distribution.pk)
        else:
            messages.success(request, _("Marked sent."))
            return _after(request, distribution)
    return _distribution_page(request, distribution, sent_form=form, status=400)


@login_required
@require_POST
def skip(request, pk):
    person = _person(request)
    distribution = selectors.distribution_for(person, pk)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            services.skip(distribution, person, reason=form.cleaned_data["reason"])
        except InvalidInput as error:
            form.add_error(None, error.message)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("communication:distribution", pk=distribution.pk)
        else:
            messages.success(request, _("Skipped this time."))
            return _after(request, distribution)
    return _distribution_page(request, distribution, skip_form=form, status=400)


@login_required
def attachment(request, pk):
    """The file sent with a distribution, always as a download."""
    distribution = selectors.distribution_for(_person(request), pk)
    if not distribution.attachment:
        raise Http404
    return download(distribution.attachment, distribution.attachment_name or "file")

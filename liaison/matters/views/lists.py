"""My to-do and the other lists, and the ledger export of a list."""

import tempfile
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.core.errors import ServiceError
from liaison.core.paginator import CappedPaginator
from liaison.core.plain import listing
from liaison.inbox.models import Ask
from liaison.org.models import Department

from .. import policy, selectors, services, worklist
from ..forms import FilterForm
from ..ledger import write_ledger
from ..models import CoOrganizer, ExtensionRequest, ExtensionState, SavedView
from .common import no_person, person_or_404

PAGE_SIZE = 50


LIST_COUNT_CAP = 1000


#: Tones of what the to-do asks, for its badge.
ASK_TONES = {
    Ask.DISPATCH: "azure",
    Ask.ACCEPT: "orange",
    Ask.CONTRIBUTE: "teal",
    Ask.REPLY: "blue",
    Ask.CONFIRM: "purple",
    Ask.DECIDE_EXTENSION: "yellow",
    Ask.DECIDE: "red",
    Ask.REVIEW_RECTIFICATION: "pink",
}


@dataclass
class Row:
    matter: object
    asks: list = field(default_factory=list)
    decisions: list = field(default_factory=list)  # the DECIDE ask's actions


def _rows(page, person, reach, with_asks: bool) -> list[Row]:
    matters = selectors.matters_in_order(list(page))
    if not with_asks:
        return [Row(m) for m in matters]
    ids = [m.pk for m in matters]
    missing = set(
        CoOrganizer.objects.filter(
            matter_id__in=ids, department_id__in=reach.handled, contributed_at__isnull=True
        ).values_list("matter_id", flat=True)
    )
    pending = set(
        ExtensionRequest.objects.filter(
            matter_id__in=ids, state=ExtensionState.PENDING
        ).values_list("matter_id", flat=True)
    )
    extra = selectors.waiting_elsewhere(person, reach, ids)
    rows = []
    for m in matters:
        asks = policy.asks_of(
            m, person, reach, part_missing=m.pk in missing, extension_pending=m.pk in pending
        )
        asks += extra.get(m.pk, [])
        rows.append(
            Row(
                m,
                [(ask, Ask(ask).label, ASK_TONES.get(ask, "secondary")) for ask in asks],
                policy.decisions_of(m) if Ask.DECIDE in asks else [],
            )
        )
    return rows


TABS = [
    ("todo", gettext_lazy("To-do")),
    ("raised", gettext_lazy("Raised by me")),
    ("queue", gettext_lazy("My department's queue")),
    ("all", gettext_lazy("All matters")),
]


#: The table head's sort links: (sort key, label).
SORT_LINKS = [
    ("deadline", gettext_lazy("Deadline")),
    ("age", gettext_lazy("Raised")),
    ("urgency", gettext_lazy("Urgency")),
    ("department", gettext_lazy("Department")),
]


def _tab_matters(tab, person, reach, params):
    if tab == "todo":
        return selectors.todo(person, reach), None
    if tab == "raised":
        return selectors.raised_by(person), None
    if tab == "queue":
        queue = selectors.department_queue(reach.departments)
        if params.get("overdue"):  # a department head's overdue count (liaison.dashboard)
            queue = selectors.filter_matters(queue, selectors.MatterFilter(overdue=True))
        return queue, None
    filters = FilterForm(person.organization, params)
    matters = selectors.filter_matters(
        selectors.visible_matters(person, reach), filters.matter_filter()
    )
    return filters.narrow(matters), filters


def _sort_links(query, current: str) -> list[tuple]:
    """Each sort's link (the active one reversed) and how it is applied now."""
    links = []
    for key, label in SORT_LINKS:
        active = current.removeprefix("-") == key
        descending = current.startswith("-")
        target = query.copy()
        target["sort"] = f"-{key}" if active and not descending else key
        state = ("descending" if descending else "ascending") if active else ""
        links.append((key, label, target.urlencode(), state))
    return links


@login_required
def todo(request):
    """待办: what waits on me; my raised matters; my departments' queue; and, for the
    offices and leaders, all matters with filters. Sortable, with saved views and
    actions on several selected matters."""
    if not request.person:  # a lazy object: test what it wraps
        return no_person(request)
    return _todo_page(request, request.person, request.GET)


def _todo_page(request, person, params, kept=None, status=200):
    """The to-do as `params` (its query) asks; `kept` is what a refused form of it posted
    (the selected matters, the lead, a view's name) and the reason, to show again."""
    reach = selectors.reach_of(person)
    can_see_all = reach.sees_all or bool(reach.overseen)
    tabs = [(key, label) for key, label in TABS if key != "all" or can_see_all]
    tab = params.get("tab") or "todo"
    if tab not in {key for key, _label in tabs}:
        tab = "todo"
    matters, filters = _tab_matters(tab, person, reach, params)
    matters, sort = selectors.sorted_matters(matters, params.get("sort", ""))
    # Pages of ids first: only the page's 50 matters are then read with their departments
    # and people, not every matter of the list before the sort. The personal lists are
    # short enough to read all their ids in one query (the count and the page at once);
    # everything the offices see (or a common search word) is too much to count at every
    # click, so that count stops at a cap (and its tab shows no count).
    ids = matters.values_list("pk", flat=True)
    if tab == "all":
        paginator = CappedPaginator(ids, PAGE_SIZE, cap=LIST_COUNT_CAP)
    else:
        ids = list(ids)
        paginator = Paginator(ids, PAGE_SIZE)
    counts = {key: None for key, _label in tabs}
    for key in ("todo", "raised", "queue"):
        counts[key] = (
            len(ids) if key == tab else _tab_matters(key, person, reach, params)[0].count()
        )
    page = paginator.get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    unsorted = query.copy()
    unsorted.pop("sort", None)
    context = {
        "tab": tab,
        "tabs": [(key, label, counts[key]) for key, label in tabs],
        "filters": filters,
        "page": page,
        "rows": _rows(page, person, reach, with_asks=tab == "todo"),
        "query": query.urlencode(),
        "sort": sort,
        "sort_links": _sort_links(unsorted, sort),
        "saved_views": SavedView.objects.filter(person=person),
        "current_view": services.view_query(params.urlencode()),
        "batch_actions": [
            (name, action.label)
            for name, action in worklist.batch_actions().items()
            if action.offered(person, reach)
        ],
        "may_dispatch": reach.sees_all or bool(reach.handled),
        "kept": kept or {},
    }
    if request.htmx and request.htmx.target == "matter-list":
        return render(request, "matters/_list.html", context)
    context["lead_choices"] = (
        Department.objects.filter(organization_id=person.organization_id, is_active=True)
        .exclude(kind="external")
        .order_by("sort_order", "name_pinyin")
        .only("pk", "name")
        if context["may_dispatch"]
        else []
    )
    return render(request, "matters/todo.html", context, status=status)


def _refused(request, person, kept: dict, status: int):
    """The to-do again as it was, with the refused form's choices and the reason."""
    lead = request.POST.get("lead", "")
    kept["selected"] = [int(v) for v in request.POST.getlist("matters") if v.isdigit()]
    kept["lead"] = int(lead) if lead.isdigit() else None
    return _todo_page(request, person, QueryDict(request.POST.get("back", "")), kept, status)


def _back(request):
    """Back to the to-do as it was (its query string, never another site)."""
    query = request.POST.get("back", "")
    return redirect(reverse("matters:todo") + (f"?{query}" if query else ""))


@login_required
@require_POST
def save_view(request):
    person = person_or_404(request)
    try:
        view = services.save_view(person, request.POST.get("name", ""), request.POST.get("back"))
    except ServiceError as error:
        kept = {"form": "save-view", "error": error.message, "name": request.POST.get("name", "")}
        return _refused(request, person, kept, error.status)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(reverse("matters:todo") + (f"?{view.query}" if view.query else ""))


@login_required
@require_POST
def delete_view(request, pk):
    person = person_or_404(request)
    view = get_object_or_404(SavedView, pk=pk, person=person)  # another's is not found
    services.delete_view(person, view)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return _back(request)


def _report(request, result, done_text: str, action="") -> None:
    """One message for what was done, one per refusal with its reason."""
    if result.done:
        numbers = listing(m.number for m in result.done)
        messages.success(
            request,
            done_text % {"count": len(result.done), "numbers": numbers, "action": action},
        )
    for matter, reason in result.refused:
        messages.error(
            request,
            _("%(number)s not done: %(reason)s") % {"number": matter.number, "reason": reason},
        )
    if result.unseen:
        messages.error(
            request,
            _("%(count)s selected matters were not found.") % {"count": result.unseen},
        )


@login_required
@require_POST
def batch(request):
    """An action on each of the selected matters: dispatch them to one lead department,
    or an action another area offers (supervision's urge)."""
    person = person_or_404(request)
    action = request.POST.get("action", "")
    selected = request.POST.getlist("matters")
    try:
        if action == "dispatch":
            lead_id = request.POST.get("lead", "")
            departments = Department.objects.filter(organization_id=person.organization_id)
            lead = departments.filter(pk=lead_id).first() if lead_id.isdigit() else None
            result = services.dispatch_all(person, selected, lead)
            done_text, label = _("Dispatched %(count)s: %(numbers)s."), ""
        elif action in worklist.batch_actions():
            chosen = worklist.batch_actions()[action]
            result = services.run_batch(person, selected, chosen.run)
            done_text = _("%(action)s: %(count)s done (%(numbers)s).")
            label = chosen.label
        else:
            raise services.InvalidInput(_("Choose what to do with the selected matters."))
    except ServiceError as error:
        return _refused(request, person, {"form": "batch", "error": error.message}, error.status)
    _report(request, result, done_text, label)
    return _back(request)


@login_required
@require_POST
def batch_ledger(request):
    """台账 of the selected matters (those the person sees), as XLSX."""
    person = person_or_404(request)
    ids = [value for value in request.POST.getlist("matters") if value.isdigit()]
    if not ids:
        kept = {"form": "batch", "error": _("Select at least one matter.")}
        return _refused(request, person, kept, 400)
    return _ledger_response(selectors.visible_matters(person).filter(pk__in=ids))


def _ledger_response(matters):
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    write_ledger(matters, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"台账-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@login_required
def ledger(request):
    """台账: the filtered list of all matters this person sees, as XLSX, no row cap."""
    person = person_or_404(request)
    filters = FilterForm(person.organization, request.GET)
    matters = selectors.filter_matters(selectors.visible_matters(person), filters.matter_filter())
    return _ledger_response(filters.narrow(matters))

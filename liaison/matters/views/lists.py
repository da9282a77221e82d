"""My to-do and the other lists, and the ledger export of a list."""

import tempfile
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from liaison.core.paginator import CappedPaginator
from liaison.inbox.models import Ask

from .. import policy, selectors
from ..forms import FilterForm
from ..ledger import write_ledger
from ..models import CoOrganizer, ExtensionRequest, ExtensionState
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
}


@dataclass
class Row:
    matter: object
    asks: list = field(default_factory=list)


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
    return [
        Row(
            m,
            [
                (ask, Ask(ask).label, ASK_TONES.get(ask, "secondary"))
                for ask in policy.asks_of(
                    m,
                    person,
                    reach,
                    part_missing=m.pk in missing,
                    extension_pending=m.pk in pending,
                )
            ],
        )
        for m in matters
    ]


TABS = [
    ("todo", gettext_lazy("To-do")),
    ("raised", gettext_lazy("Raised by me")),
    ("queue", gettext_lazy("My department's queue")),
    ("all", gettext_lazy("All matters")),
]


@login_required
def todo(request):
    """待办: what waits on me; my raised matters; my departments' queue; and, for the
    offices and leaders, all matters with filters."""
    if not request.person:  # a lazy object: test what it wraps
        return no_person(request)
    person = request.person
    reach = selectors.reach_of(person)
    can_see_all = reach.sees_all or bool(reach.overseen)
    tabs = [(key, label) for key, label in TABS if key != "all" or can_see_all]
    tab = request.GET.get("tab") or "todo"
    if tab not in {key for key, _label in tabs}:
        tab = "todo"
    filters = None  # only the all-matters tab has them
    if tab == "todo":
        matters = selectors.todo(person, reach)
    elif tab == "raised":
        matters = selectors.raised_by(person)
    elif tab == "queue":
        matters = selectors.department_queue(reach.departments)
    else:
        filters = FilterForm(person.organization, request.GET)
        matters = selectors.filter_matters(
            selectors.visible_matters(person, reach), filters.matter_filter()
        )
    # Pages of ids first: only the page's 50 matters are then read with their departments
    # and people, not every matter of the list before the sort. The personal lists are
    # short enough to read all their ids in one query (the count and the page at once);
    # everything the offices see (or a common search word) is too much to count at every
    # click, so that count stops at a cap.
    ids = matters.values_list("pk", flat=True)
    paginator = (
        CappedPaginator(ids, PAGE_SIZE, cap=LIST_COUNT_CAP)
        if tab == "all"
        else Paginator(list(ids), PAGE_SIZE)
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "tab": tab,
        "tabs": tabs,
        "filters": filters,
        "page": page,
        "rows": _rows(page, person, reach, with_asks=tab == "todo"),
        "query": query.urlencode(),
    }
    if request.htmx and request.htmx.target == "matter-list":
        return render(request, "matters/_list.html", context)
    return render(request, "matters/todo.html", context)


@login_required
def ledger(request):
    """台帐: the filtered list of all matters this person sees, as XLSX, no row cap."""
    person = person_or_404(request)
    filters = FilterForm(person.organization, request.GET)
    matters = selectors.filter_matters(selectors.visible_matters(person), filters.matter_filter())
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    write_ledger(matters, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"台帐-{timezone.localdate():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

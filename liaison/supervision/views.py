"""Supervision pages: the board (督办台), and the forms of the supervision card on the
matter page, which post here and go back to the matter with a message (or, refused, show
the matter page again with the form and what was typed)."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.errors import InvalidInput, ServiceError
from liaison.matters import selectors as matter_selectors
from liaison.matters.views.page import detail_context
from liaison.org.models import Department, Person

from . import selectors, services
from .models import Rag


@login_required
def board(request):
    """Supervised matters with their traffic light, and counts per lead department."""
    person = request.person or None
    scope = selectors.board_scope(person)
    if scope is None:
        return render(request, "supervision/forbidden.html", status=403)
    rag = request.GET.get("rag") or ""
    if rag not in Rag.values:
        rag = ""
    departments = list(
        Department.objects.filter(organization=person.organization, is_active=True).order_by(
            "sort_order", "code"
        )
    )
    department = None
    value = request.GET.get("department") or ""
    if value.isdigit():
        department = next((d for d in departments if d.pk == int(value)), None)
    ended = request.GET.get("ended") == "1"
    everything = selectors.board_rows(scope, department=department, ended=ended)
    rows = [row for row in everything if not rag or row.rag == rag]
    context = {
        "rows": rows,
        # The lights of what is under supervision now, whichever list is shown.
        "summary": selectors.summary(
            selectors.board_rows(scope, department=department) if ended else everything
        ),
        "rag": rag,
        "rags": Rag.choices,
        "department": department,
        "departments": departments,
        "ended": ended,
        "scope": scope,
    }
    if request.htmx and request.htmx.target == "supervision-board":
        return render(request, "supervision/_board.html", context)
    return render(request, "supervision/board.html", context)


# The forms of the matter page's supervision card.


def _text(request, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def _date(request, name: str) -> datetime.date | None:
    value = _text(request, name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(_("Enter a valid date.")) from exc


def _supervisor(person: Person, value: str) -> Person | None:
    if not value:
        return None
    found = (
        Person.objects.filter(organization=person.organization, pk=value).first()
        if value.isdigit()
        else None
    )
    if found is None:
        raise InvalidInput(_("Unknown person."))
    return found


def _supervise(request, matter, person) -> str:
    supervision = services.supervise(
        matter,
        person,
        supervisor=_supervisor(person, _text(request, "supervisor")),
        deadline=_date(request, "deadline"),
        reason=_text(request, "reason"),
        rectification_required=request.POST.get("rectification_required") == "1",
    )
    return _("Under supervision until %(date)s.") % {"date": date_format(supervision.deadline)}


def _urge(request, matter, person) -> str:
    item = services.urge(matter, person, _text(request, "note"))
    return _("Urged (no. %(count)s).") % {"count": item.sequence}


def _rectify(request, matter, person) -> str:
    services.submit_rectification(
        matter,
        person,
        measures=_text(request, "measures"),
        evidence=_text(request, "evidence"),
        completion_date=_date(request, "completion_date"),
        attachments=request.FILES.getlist("attachments"),
    )
    return _("Rectification reply submitted for review.")


def _review(request, matter, person) -> str:
    accept = request.POST.get("accept") == "yes"
    services.review_rectification(matter, person, accept=accept, reason=_text(request, "reason"))
    if accept:
        return _("Rectification reply accepted; the supervision has ended.")
    return _("Rectification reply rejected; a new one is asked for.")


HANDLERS = {
    "supervise": _supervise,
    "urge": _urge,
    "rectify": _rectify,
    "review": _review,
}


@login_required
@require_POST
def act(request, pk, action):
    handler = HANDLERS.get(action)
    if handler is None or not request.person:
        raise Http404
    person = request.person
    matter = matter_selectors.matter_for(person, pk)
    try:
        with transaction.atomic():  # a refusal half-way leaves nothing behind
            message = handler(request, matter, person)
    except ServiceError as error:
        # The matter page again, with this form open and what was typed still in it.
        matter = matter_selectors.matter_for(person, pk)
        context = detail_context(person, matter, f"sv-{action}", error.message, request.POST)
        # A wrong input is shown at its form; a refusal of the person or the state at the top.
        context["failed_elsewhere"] = error.status != 400
        return render(request, "matters/detail.html", context, status=error.status)
    messages.success(request, message)
    return redirect(reverse("matters:detail", args=[matter.pk]) + "#supervision")

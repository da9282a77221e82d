"""Scorecard pages (考核): a period's rankings per kind of department with the red and
black lists, a department's card with its trend, the records behind each figure, and the
XLSX ledger. Who sees which line is policy.py's and selectors.lines_for's; a period never
computed is computed on demand, as in the API."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.errors import InvalidInput, ServiceError
from liaison.core.indicators import Period, indicator
from liaison.matters.views.common import person_or_404
from liaison.org.models import Department, Person

from . import cards, periods, policy, selectors, services
from .export import write_scorecard
from .models import Scorecard


def _forbidden(request):
    return render(request, "evaluation/forbidden.html", status=403)


def _period(request, code: str | None) -> Period:
    """The period asked for; the running quarter, with a warning, when it is not one."""
    if not code:
        return periods.current()
    try:
        return periods.parse(code)
    except InvalidInput as error:
        messages.warning(request, error.message)
        return periods.current()


def _scorecard(request, person: Person) -> Scorecard:
    period = _period(request, request.GET.get("period"))
    return services.scorecard_for(person.organization, period)


def _choices() -> dict:
    quarters, months = cards.period_choices()
    return {"quarters": quarters, "months": months}


def _department(person: Person, code: str) -> Department:
    department = Department.objects.filter(organization=person.organization, code=code).first()
    if department is None:
        raise Http404
    return department


@login_required
def scorecard(request):
    """The period's rankings: every department for the office and leaders, their own for
    a department's head, deputy or liaison officer."""
    person = person_or_404(request)
    if not policy.may_see_scorecards(person):
        return _forbidden(request)
    card = _scorecard(request, person)
    cols = cards.columns(card)
    kinds, weights = cards.weights_table(card, cols)
    return render(
        request,
        "evaluation/scorecard.html",
        {
            "scorecard": card,
            "columns": cols,
            "tables": cards.kind_tables(selectors.lines_for(person, card), cols),
            "everyone": policy.sees_every_department(person),
            "may_compute": policy.may_compute(person),
            **_choices(),
            "weight_kinds": kinds,
            "weights": weights,
        },
    )


@login_required
@require_POST
def compute(request):
    """The coordinating office computes the period again with the rules in force now."""
    person = person_or_404(request)
    if not policy.may_compute(person):
        return _forbidden(request)
    code = request.POST.get("period") or ""
    try:
        card = services.compute(person.organization, periods.parse(code), person)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("evaluation:scorecard")
    messages.success(
        request, _("The scorecard of %(period)s was computed again.") % {"period": card.period}
    )
    return redirect(f"{reverse('evaluation:scorecard')}?period={card.period}")


@login_required
def department(request, code: str):
    """A department's card: its figures against its kind's, and its trend."""
    person = person_or_404(request)
    found = _department(person, code)
    if not policy.may_see_line(person, found.pk):
        return _forbidden(request)
    card = _scorecard(request, person)
    if not policy.may_see_line(person, found.pk, card):
        return _forbidden(request)
    line = card.lines.filter(department=found).first()
    if line is None:  # not evaluated (an external unit, or created after the computation)
        raise Http404
    cols = cards.columns(card)
    kind_lines = cards.of_kind(card, line.kind)
    figures = cards.kind_figures(kind_lines, cols)
    row = cards.row(line, cols)
    return render(
        request,
        "evaluation/department.html",
        {
            "scorecard": card,
            "department": found,
            "row": row,
            "cells": [(cell, figures[cell.column.code]) for cell in row.cells],
            "trend": cards.trend(person.organization, card, line, kind_lines),
            **_choices(),
        },
    )


@login_required
def records(request, code: str, indicator_code: str):
    """The records behind one figure: all of the denominator's, or only the counted ones
    (`?counted=1`, the numerator), as many rows as the figure clicked."""
    person = person_or_404(request)
    found = _department(person, code)
    if not policy.may_see_line(person, found.pk):
        return _forbidden(request)
    measured = indicator(indicator_code)
    if measured is None:
        raise Http404
    card = _scorecard(request, person)
    if not policy.may_see_line(person, found.pk, card):
        return _forbidden(request)
    rows = selectors.records_for(person, selectors.period_of(card), found, measured)
    counted_only = request.GET.get("counted") == "1"
    if counted_only:
        rows = [r for r in rows if r["counted"]]
    column = next((c for c in cards.columns(card) if c.code == indicator_code), None)
    return render(
        request,
        "evaluation/records.html",
        {
            "scorecard": card,
            "department": found,
            "column": column,
            "name": column.name if column else str(measured.name),
            "rows": rows,
            "counted_only": counted_only,
        },
    )


@login_required
def export(request):
    """The scorecard as an XLSX ledger (台账) of the lines the person sees."""
    person = person_or_404(request)
    if not policy.may_see_scorecards(person):
        return _forbidden(request)
    card = _scorecard(request, person)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    write_scorecard(card, selectors.lines_for(person, card), spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"考核台账-{card.period}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )

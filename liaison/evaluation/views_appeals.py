"""Appeal and lifecycle pages (申诉): a department's appeal naming one record (pre-filled
from the drill-down's "appeal this record"), the office's queue with accept and reject,
and the scorecard's next step behind a confirmation that says what it does. The rules
are the services' and policy.py's; a refused form keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.core.errors import ServiceError
from liaison.matters.models import Matter
from liaison.matters.views.common import person_or_404
from liaison.org.models import Department

from . import cards, policy, selectors
from .models import Appeal, AppealState, Effect, Scorecard, ScorecardEvent, ScorecardState
from .services import appeals, lifecycle
from .views import _forbidden, _scorecard


def scorecard_url(scorecard: Scorecard) -> str:
    return f"{reverse('evaluation:scorecard')}?period={scorecard.period}"


def _form_context(scorecard: Scorecard, department: Department, values: dict) -> dict:
    return {
        "scorecard": scorecard,
        "department": department,
        "columns": cards.columns(scorecard),
        "values": values,
        "until": lifecycle.appeal_until(scorecard),
    }


@login_required
def file(request, code: str):
    """The appeal form (GET, pre-filled with ?indicator=&matter=) and filing it (POST)."""
    person = person_or_404(request)
    department = get_object_or_404(Department, organization=person.organization, code=code)
    if not policy.may_appeal(person, department.pk):
        return _forbidden(request)
    scorecard = _scorecard(request, person)
    source = request.POST if request.method == "POST" else request.GET
    values = {key: source.get(key, "").strip() for key in ("indicator", "matter", "reason")}
    if request.method == "POST":
        matter = Matter.objects.filter(
            organization=person.organization, number=values["matter"]
        ).first()
        try:
            appeals.file_appeal(
                scorecard,
                person,
                appeals.AppealInput(department, values["indicator"], matter, values["reason"]),
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your appeal was filed; the office will decide it."))
            url = reverse("evaluation:department", args=[department.code])
            return redirect(f"{url}?period={scorecard.period}")
    elif not lifecycle.window_open(scorecard):
        messages.warning(request, _("This scorecard is not open for appeal."))
    return render(
        request,
        "evaluation/appeals/form.html",
        _form_context(scorecard, department, values),
        status=400 if request.method == "POST" else 200,
    )


def _queue(request, person, scorecard: Scorecard, typed: dict | None = None, status=200):
    found = appeals.appeals_for(person, scorecard)
    return render(
        request,
        "evaluation/appeals/queue.html",
        {
            "scorecard": scorecard,
            "pending": [a for a in found if a.state == AppealState.PENDING],
            "decided": [a for a in found if a.state != AppealState.PENDING],
            "may_decide": policy.may_compute(person),
            "effects": Effect.choices,
            "typed": typed or {},
            "until": lifecycle.appeal_until(scorecard),
            # The period's record (every transition and decision) for the office and leaders.
            "events": ScorecardEvent.objects.filter(
                scorecard__organization=scorecard.organization_id,
                scorecard__period=scorecard.period,
            ).select_related("actor")
            if policy.sees_every_department(person)
            else [],
        },
        status=status,
    )


@login_required
def queue(request):
    """The period's appeals: the office decides them; leaders and heads follow theirs."""
    person = person_or_404(request)
    if not policy.may_see_scorecards(person):
        return _forbidden(request)
    return _queue(request, person, _scorecard(request, person))


@login_required
@require_POST
def decide(request, pk: int):
    person = person_or_404(request)
    appeal = get_object_or_404(
        Appeal.objects.select_related("scorecard"),
        pk=pk,
        scorecard__organization=person.organization,
    )
    typed = {
        "appeal": appeal.pk,
        "reason": request.POST.get("reason", ""),
        "effect": request.POST.get("effect", Effect.MET),
    }
    try:
        appeals.decide_appeal(
            appeal,
            person,
            accept=request.POST.get("decision") == "accept",
            reason=typed["reason"],
            effect=typed["effect"],
        )
    except ServiceError as error:
        messages.error(request, error.message)
        latest = selectors.latest_scorecard(person.organization, appeal.scorecard.period)
        return _queue(request, person, latest, typed, status=400)
    messages.success(request, _("The appeal was decided."))
    return redirect(f"{reverse('evaluation:appeals')}?period={appeal.scorecard.period}")


#: What each next state does, said before the button is pressed.
CONSEQUENCES = {
    ScorecardState.PROVISIONAL: gettext_lazy(
        "The heads and liaison officers of the departments will see their department's line."
    ),
    ScorecardState.APPEAL: gettext_lazy(
        "The departments may appeal against single records for %(days)s working days."
    ),
    ScorecardState.REVIEWED: gettext_lazy(
        "The appeals are closed. You may not review a scorecard you computed yourself."
    ),
    ScorecardState.FINAL: gettext_lazy(
        "The results become final. A department on the black list for the second period in "
        "a row gets a talk (约谈) matter with its leader in charge."
    ),
    ScorecardState.PUBLISHED: gettext_lazy(
        "A notice with the results is sent to all departments, with read receipts."
    ),
}


@login_required
def advance(request, pk: int):
    """The next step: a confirmation saying what it does (GET), then doing it (POST)."""
    person = person_or_404(request)
    scorecard = get_object_or_404(Scorecard, pk=pk, organization=person.organization)
    to = lifecycle.NEXT.get(scorecard.state)
    if to is None:
        raise Http404
    if not policy.may_advance(person, to):
        return _forbidden(request)
    reason = request.POST.get("reason", "")
    if request.method == "POST":
        try:
            lifecycle.advance(scorecard, person, reason=reason)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The scorecard of %(period)s is now: %(state)s.")
                % {"period": scorecard.period, "state": ScorecardState(to).label},
            )
            return redirect(scorecard_url(scorecard))
    return render(
        request,
        "evaluation/appeals/advance.html",
        {
            "scorecard": scorecard,
            "to": ScorecardState(to).label,
            "consequence": CONSEQUENCES[to] % {"days": lifecycle.APPEAL_DAYS},
            "reason": reason,
        },
        status=400 if request.method == "POST" else 200,
    )

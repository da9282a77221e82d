"""Peer evaluation (三评) pages: the office opens a quarter's round, follows its progress
(answered / asked per evaluated department, and for audit who rated) and issues external
raters' codes; a rater department's head, deputy or liaison officer sees what it has to
rate and answers the questionnaire; an external rater answers with a code, without a
login. The evaluated department sees its own progress and score, never its raters."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.core.errors import ServiceError
from liaison.matters.views.common import person_or_404
from liaison.org.models import Department, DepartmentKind
from liaison.suggestions import privacy

from . import periods, policy
from .api_rounds import progress_rows
from .models import PeerBallot, PeerRound, RoundState, Satisfaction
from .services import rounds

QUESTIONS = {
    "overall": gettext_lazy("Overall"),
    "attitude": gettext_lazy("Attitude"),
    "efficiency": gettext_lazy("Efficiency"),
    "quality": gettext_lazy("Quality"),
    "cooperation": gettext_lazy("Cooperation"),
}


class QuestionnaireForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Your comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required at 'Dissatisfied' or below."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item, label in reversed(QUESTIONS.items()):
            self.fields = {
                item: forms.TypedChoiceField(
                    label=label,
                    choices=Satisfaction.choices,
                    coerce=int,
                    widget=forms.RadioSelect(attrs={"class": "form-selectgroup-input"}),
                ),
                **self.fields,
            }

    def questions(self):
        return [self[item] for item in QUESTIONS]


class CodeQuestionnaireForm(QuestionnaireForm):
    code = forms.CharField(label=gettext_lazy("Your code"), max_length=20)


class CodesForm(forms.Form):
    rater = forms.CharField(label=gettext_lazy("External rater"), max_length=100)
    departments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Departments they rate"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(
            organization=organization, is_active=True
        ).exclude(kind=DepartmentKind.EXTERNAL)


def _answer_or_errors(form, save) -> bool:
    """Runs `save` with the form's answers; a refusal goes onto its field, and the form
    keeps what was typed."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return False
    return True


@login_required
def round_list(request):
    person = person_or_404(request)
    if not policy.may_see_round(person):
        return render(request, "evaluation/forbidden.html", status=403)
    found = PeerRound.objects.filter(organization=person.organization)
    return render(
        request,
        "evaluation/rounds/list.html",
        {
            "rounds": found,
            "may_open": policy.may_run_rounds(person),
            "period": periods.current().code,
            "due": mine_due(person).count(),
        },
    )


@login_required
@require_POST
def open_round(request):
    person = person_or_404(request)
    try:
        peer_round = rounds.open_round(person.organization, request.POST.get("period", ""), person)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("evaluation:rounds")
    messages.success(request, _("The round is open."))
    return redirect("evaluation:round", peer_round.pk)


@login_required
def round_detail(request, pk):
    person = person_or_404(request)
    if not policy.may_see_round(person):
        return render(request, "evaluation/forbidden.html", status=403)
    peer_round = get_object_or_404(PeerRound, pk=pk, organization=person.organization)
    codes_form, issued = None, []
    # Codes are offered while the round takes ballots: a closed round takes none.
    if policy.may_run_rounds(person) and peer_round.state == RoundState.OPEN:
        codes_form = CodesForm(request.POST or None, organization=person.organization)
        if request.method == "POST" and codes_form.is_valid():
            try:
                issued = rounds.issue_codes(
                    peer_round,
                    person,
                    codes_form.cleaned_data["rater"],
                    list(codes_form.cleaned_data["departments"]),
                )
            except ServiceError as error:
                codes_form.add_error(None, error.message)
    elif request.method == "POST":
        return render(request, "evaluation/forbidden.html", status=403)
    response = render(
        request,
        "evaluation/rounds/detail.html",
        {
            "round": peer_round,
            "rows": progress_rows(peer_round, person),
            "sees_raters": policy.may_see_raters(person),
            "codes_form": codes_form,
            "issued": issued,
            "minimum": rounds.MINIMUM_RATERS,
        },
    )
    # Codes are shown this once: never kept by a browser or a proxy.
    return privacy.quiet(response) if issued else response


def mine_due(person):
    return PeerBallot.objects.filter(
        round__organization=person.organization,
        round__state=RoundState.OPEN,
        rater_department__in=policy.own_departments(person),
        answered_at__isnull=True,
    )


@login_required
def to_rate(request):
    person = person_or_404(request)
    ballots = (
        PeerBallot.objects.filter(
            round__organization=person.organization,
            rater_department__in=policy.own_departments(person),
        )
        .select_related("round", "evaluated", "rater_department")
        .order_by("-round__opens", "answered_at", "evaluated__sort_order")
    )
    return render(request, "evaluation/rounds/to_rate.html", {"ballots": ballots})


@login_required
def ballot(request, pk):
    person = person_or_404(request)
    found = PeerBallot.objects.filter(pk=pk, round__organization=person.organization).first()
    if found is None or not policy.may_answer(person, found):
        raise Http404
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and _answer_or_errors(
        form, lambda answers: rounds.answer(found, person, answers)
    ):
        messages.success(request, _("Thank you: your answer is recorded."))
        return redirect("evaluation:to-rate")
    # A ballot already answered is shown, not asked again.
    return render(
        request,
        "evaluation/rounds/ballot.html",
        {"ballot": found, "form": form, "answers": _answers(found)},
    )


def _answers(found: PeerBallot) -> list[tuple[str, str]]:
    if found.answered_at is None:
        return []
    return [(label, Satisfaction(getattr(found, item)).label) for item, label in QUESTIONS.items()]


@privacy.unlogged
def by_code(request):
    """An external rater's questionnaire: the code and the answers in one form."""
    form = CodeQuestionnaireForm(request.POST or None)
    done = False
    if request.method == "POST":
        if privacy.guessing_blocked(request):
            form.add_error(
                None, _("Too many wrong codes from here. Wait a quarter of an hour and retry.")
            )
        else:

            def save(answers):
                code = answers.pop("code")
                try:
                    rounds.answer_by_code(code, answers)
                except ServiceError as error:
                    if error.field == "code":
                        privacy.count_wrong_code(request)
                    raise

            done = _answer_or_errors(form, save)
    return render(request, "evaluation/rounds/by_code.html", {"form": form, "done": done})

"""Suggestion pages: writing a letter (staff, and the public with a captcha), reading the
reply with the code, the office's list and letter page with reply, route and publish, my
letters, and the published replies.

Views are thin: they read the input, call selectors and services, and render. A sent
letter redirects to the page that shows its code once (so a refresh cannot send it again);
the code travels only in a short-lived signed cookie in the writer's own browser, deleted
when shown, never in a session, a message, a URL or the database.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.core.errors import ServiceError
from liaison.org.models import Organization, Person

from . import captcha, policy, privacy, selectors, services
from .forms import CodeForm, PublicSuggestionForm, ReplyForm, RouteForm, SuggestionForm
from .models import Channel, Kind, Mailbox, Status

PER_PAGE = 30


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no letters (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


SENT_COOKIE = "liaison_letter_sent"
SENT_SALT = "liaison.suggestions.sent"
SENT_SECONDS = 10 * 60


def _created(code):
    response = redirect("suggestions:sent")
    response.set_signed_cookie(
        SENT_COOKIE,
        code,
        salt=SENT_SALT,
        max_age=SENT_SECONDS,
        path="/suggestions/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Strict",
    )
    return response


@privacy.unlogged
def sent(request):
    """The new letter's code, shown once: the cookie that carried it is deleted."""
    code = request.get_signed_cookie(
        SENT_COOKIE, default=None, salt=SENT_SALT, max_age=SENT_SECONDS
    )
    suggestion = services.find_by_code(code) if code else None
    if suggestion is None:
        messages.info(request, _("A letter's code is shown only once, right after sending."))
        response = redirect("suggestions:by-code")
    else:
        response = render(
            request,
            "suggestions/created.html",
            {"suggestion": suggestion, "code": code, "organization": suggestion.organization},
        )
    response.delete_cookie(SENT_COOKIE, path="/suggestions/", samesite="Strict")
    return response


# Writing.


@login_required
@privacy.unlogged
def new(request):
    person = _person(request)
    organization = person.organization
    form = SuggestionForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            _suggestion, code = services.submit(
                organization,
                form.suggestion_input(),
                channel=Channel.STAFF,
                writer=person,
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _created(code)
    return render(
        request,
        "suggestions/new.html",
        {"form": form, "organization": organization, "public": False},
    )


@privacy.unlogged
def public_new(request, organization_code):
    organization = get_object_or_404(Organization, code=organization_code)
    form = PublicSuggestionForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            _suggestion, code = services.submit(
                organization, form.suggestion_input(), channel=Channel.PUBLIC
            )
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            return _created(code)
    return render(
        request,
        "suggestions/new.html",
        {
            "form": form,
            "organization": organization,
            "public": True,
            "challenge": captcha.new_challenge(),
        },
    )


# Reading the reply with the code.


@privacy.unlogged
def by_code(request):
    form = CodeForm(request.POST or None)
    suggestion = None
    if request.method == "POST" and form.is_valid():
        if privacy.guessing_blocked(request):
            form.add_error(
                "code", _("Too many wrong codes from here. Wait a quarter of an hour and retry.")
            )
        else:
            suggestion = services.find_by_code(form.cleaned_data["code"])
            if suggestion is None:
                privacy.count_wrong_code(request)
                form.add_error(
                    "code",
                    _("No letter has this code. Check it (it looks like XXXX-XXXX-XXXX)."),
                )
    return render(request, "suggestions/by_code.html", {"form": form, "suggestion": suggestion})


# The office.


@login_required
def suggestion_list(request):
    """The letters of the mailboxes the person handles; everyone else sees their own."""
    person = request.person or None  # a lazy object: test what it wraps
    handled = policy.handled_mailboxes(person)
    if not handled:
        return redirect("suggestions:mine")
    filters = selectors.Filters.of(request.GET)
    page = Paginator(selectors.handled_by(person, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "suggestions/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "mailboxes": [(v, label) for v, label in Mailbox.choices if v in handled],
            "counts": _counts(person),
        },
    )


def _counts(person: Person) -> dict:
    letters = selectors.handled_by(person)
    return {"new": letters.filter(status=Status.NEW).count(), "all": letters.count()}


@login_required
def mine(request):
    person = request.person or None  # a login without a person has written nothing
    return render(
        request,
        "suggestions/mine.html",
        {
            "letters": selectors.written_by(person) if person else [],
            "handles": bool(policy.handled_mailboxes(person)),
        },
    )


@login_required
def detail(request, pk):
    person = _person(request)
    return _detail(request, person, selectors.suggestion_for(person, pk))


def _detail(request, person, suggestion, reply_form=None, route_form=None, status=200):
    """The letter; for its handlers with the reply and route forms, bound to what was typed
    when one came back with an error."""
    handles = policy.may_handle(person, suggestion)
    context = {"suggestion": suggestion, "handles": handles}
    if handles:
        context.update(
            reply_form=reply_form or ReplyForm(initial={"text": suggestion.reply}),
            route_form=route_form or RouteForm(organization=person.organization),
            events=suggestion.events.select_related("actor"),
        )
    return render(request, "suggestions/detail.html", context, status=status)


def _act(request, pk, action) -> object:
    person = _person(request)
    suggestion = selectors.suggestion_for(person, pk)
    try:
        action(person, suggestion)
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("suggestions:detail", pk=suggestion.pk)


def _refused(request, person, suggestion, error: ServiceError, form, field: str, forms: dict):
    """The letter again with the refusal next to the field it is about. A refusal of the
    person or the state (not a handler; a matter already opened) leaves no form to fix:
    it is told in a message instead."""
    if error.status != 400:
        messages.error(request, error.message)
        return redirect("suggestions:detail", pk=suggestion.pk)
    form.add_error(error.field if error.field in form.fields else field, error.message)
    return _detail(request, person, suggestion, **forms, status=400)


@login_required
@require_POST
def reply(request, pk):
    person = _person(request)
    suggestion = selectors.suggestion_for(person, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            services.reply(suggestion, person, text=form.cleaned_data["text"])
        except ServiceError as error:
            forms = {"reply_form": form}
            return _refused(request, person, suggestion, error, form, "text", forms)
        messages.success(request, _("Reply saved."))
        return redirect("suggestions:detail", pk=suggestion.pk)
    return _detail(request, person, suggestion, reply_form=form, status=400)


@login_required
@require_POST
def route(request, pk):
    person = _person(request)
    suggestion = selectors.suggestion_for(person, pk)
    form = RouteForm(request.POST, organization=person.organization)
    if form.is_valid():
        try:
            matter = services.route(
                suggestion,
                person,
                lead_department=form.cleaned_data["lead_department"],
                title=form.cleaned_data["title"],
            )
        except ServiceError as error:
            forms = {"route_form": form}
            return _refused(request, person, suggestion, error, form, "lead_department", forms)
        messages.success(request, _("Matter %(number)s opened.") % {"number": matter.number})
        return redirect("suggestions:detail", pk=suggestion.pk)
    return _detail(request, person, suggestion, route_form=form, status=400)


@login_required
@require_POST
def publish(request, pk):
    def act(person, suggestion):
        if request.POST.get("published") == "0":
            services.unpublish(suggestion, person)
            messages.success(request, _("The letter is no longer published."))
        else:
            services.publish(suggestion, person)
            messages.success(request, _("The letter and its reply are published."))

    return _act(request, pk, act)


# Published replies.


def _published(request, organization, public: bool):
    kind = request.GET.get("kind") or ""
    letters = selectors.published_in(organization)
    if kind in Kind.values:
        letters = letters.filter(kind=kind)
    page = Paginator(letters, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "suggestions/published.html",
        {
            "page": page,
            "organization": organization,
            "public": public,
            "kind": kind,
            "kinds": Kind.choices,
        },
    )


@login_required
def published(request):
    return _published(request, _person(request).organization, public=False)


def public_published(request, organization_code):
    organization = get_object_or_404(Organization, code=organization_code)
    return _published(request, organization, public=True)

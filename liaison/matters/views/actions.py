"""Actions: every form on the matter page posts here."""

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

from liaison.core.errors import ServiceError
from liaison.org.models import Department, Person

from .. import policy, selectors, services
from ..models import LinkKind, State
from .common import person_or_404
from .page import detail_context

Action = policy.Action


def _text(request, name: str) -> str:
    return (request.POST.get(name) or "").strip()


def _department(person: Person, value: str | None) -> Department | None:
    if not value:
        return None
    department = (
        Department.objects.filter(organization=person.organization, pk=value).first()
        if str(value).isdigit()
        else None
    )
    if department is None:
        raise services.InvalidInput(_("Unknown department."))
    return department


def _departments(person: Person, values: list[str]) -> list[Department]:
    return [d for d in (_department(person, v) for v in values if v) if d is not None]


def _responsible(person: Person, value: str | None) -> Person | None:
    if not value:
        return None
    found = (
        Person.objects.filter(organization=person.organization, pk=value).first()
        if str(value).isdigit()
        else None
    )
    if found is None:
        raise services.InvalidInput(_("Unknown person."))
    return found


def _due(request, name: str = "due", *, required: bool = False) -> datetime.date | None:
    value = _text(request, name)
    if not value:
        if required:
            raise services.InvalidInput(_("Choose a date."))
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise services.InvalidInput(_("Enter a valid date.")) from exc


def _files(request) -> list:
    return request.FILES.getlist("attachments")


def _submit(request, matter, person):
    matter = services.submit_matter(matter, person)
    return _("Submitted: now with %(department)s.") % {"department": matter.owner_department}


def _dispatch(request, matter, person):
    lead = _department(person, request.POST.get("lead"))
    if lead is None:
        raise services.InvalidInput(_("Choose the lead department."))
    matter = services.dispatch(
        matter,
        person,
        lead=lead,
        co_departments=_departments(person, request.POST.getlist("co")),
        due=_due(request),
        responsible=_responsible(person, request.POST.get("responsible")),
        reason=_text(request, "reason"),
    )
    return _("Dispatched to %(department)s.") % {"department": matter.lead_department}


def _accept(request, matter, person):
    matter = services.accept(
        matter, person, responsible=_responsible(person, request.POST.get("responsible"))
    )
    return _("Accepted. %(person)s is responsible; due %(due)s.") % {
        "person": matter.responsible_person,
        "due": date_format(matter.due) if matter.due else "—",
    }


def _return(request, matter, person):
    matter = services.return_matter(matter, person, reason=_text(request, "reason"))
    return _("Returned to %(department)s.") % {"department": matter.owner_department}


def _transfer(request, matter, person):
    lead = _department(person, request.POST.get("lead"))
    if lead is None:
        raise services.InvalidInput(_("Choose the department to transfer to."))
    matter = services.transfer(matter, person, lead=lead, reason=_text(request, "reason"))
    return _("Transferred to %(department)s.") % {"department": matter.lead_department}


def _contribute(request, matter, person):
    services.contribute(matter, person, text=_text(request, "text"), attachments=_files(request))
    return _("Your department's part is recorded.")


def _request_extension(request, matter, person):
    extension = services.request_extension(
        matter, person, due=_due(request, required=True), reason=_text(request, "reason")
    )
    return _("Extension until %(due)s requested.") % {"due": date_format(extension.proposed_due)}


def _decide_extension(request, matter, person):
    approve = request.POST.get("approve") == "yes"
    services.decide_extension(matter, person, approve=approve, reason=_text(request, "reason"))
    return _("Extension approved.") if approve else _("Extension denied.")


def _reply(request, matter, person):
    services.reply(matter, person, text=_text(request, "text"), attachments=_files(request))
    return _("Reply sent; the originator is asked to confirm.")


def _ask_originator(request, matter, person):
    services.ask_originator(matter, person, question=_text(request, "text"))
    return _("Asked; the reply clock stands until the originator answers.")


def _give_information(request, matter, person):
    services.give_information(
        matter, person, text=_text(request, "text"), attachments=_files(request)
    )
    return _("Information given; the lead department's clock runs again.")


def _confirm(request, matter, person):
    matter = services.confirm(
        matter, person, rating=request.POST.get("rating", ""), comment=_text(request, "comment")
    )
    if matter.state == State.CLOSED:
        return _("Thank you: the matter is closed.")
    return _("The matter goes back to %(department)s to be handled again.") % {
        "department": matter.owner_department
    }


def _reopen(request, matter, person):
    matter = services.reopen(matter, person, reason=_text(request, "reason"))
    return _("Reopened: back with %(department)s.") % {"department": matter.owner_department}


def _escalate(request, matter, person):
    matter = services.escalate(matter, person, reason=_text(request, "reason"))
    return _("Escalated: now with %(department)s.") % {"department": matter.owner_department}


def _withdraw(request, matter, person):
    services.withdraw(matter, person, reason=_text(request, "reason"))
    return _("Withdrawn.")


def _close(request, matter, person):
    services.close_as_not_a_matter(matter, person, reason=_text(request, "reason"))
    return _("Closed as not a matter.")


def _comment(request, matter, person):
    text = _text(request, "text")
    files = _files(request)
    if not text and files:
        services.add_attachments(matter, person, files)
        return _("Attachment added.")
    services.comment(
        matter, person, text=text, internal=request.POST.get("internal") == "1", attachments=files
    )
    return _("Comment added.")


def _link(request, matter, person):
    link = services.link(
        matter,
        person,
        target_number=_text(request, "target"),
        kind=request.POST.get("kind", LinkKind.RELATED),
    )
    return _("Linked to %(number)s.") % {"number": link.target.number}


def _unlink(request, matter, person):
    number = _text(request, "target")
    services.unlink(matter, person, target_number=number)
    return _("The link to %(number)s is removed.") % {"number": number}


HANDLERS = {
    Action.SUBMIT: _submit,
    Action.DISPATCH: _dispatch,
    Action.ACCEPT: _accept,
    Action.RETURN: _return,
    Action.TRANSFER: _transfer,
    Action.CONTRIBUTE: _contribute,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.DECIDE_EXTENSION: _decide_extension,
    Action.REPLY: _reply,
    Action.CONFIRM: _confirm,
    Action.ASK_ORIGINATOR: _ask_originator,
    Action.GIVE_INFORMATION: _give_information,
    Action.REOPEN: _reopen,
    Action.ESCALATE: _escalate,
    Action.WITHDRAW: _withdraw,
    Action.CLOSE: _close,
    Action.COMMENT: _comment,
    Action.LINK: _link,
    "unlink": _unlink,
}


@login_required
@require_POST
def act(request, pk, action):
    person = person_or_404(request)
    matter = selectors.matter_for(person, pk)
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404
    try:
        with transaction.atomic():  # a refusal half-way leaves nothing behind
            message = handler(request, matter, person)
    except ServiceError as error:
        # The page again, with the form open and what was typed still in it.
        matter = selectors.matter_for(person, pk)
        context = detail_context(person, matter, action, error.message, request.POST)
        return render(request, "matters/detail.html", context, status=error.status)
    messages.success(request, message)
    return redirect(reverse("matters:detail", args=[matter.pk]) + "#top")

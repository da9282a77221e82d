"""Matter pages: my to-do, raising a matter, the matter page with its actions, attachment
downloads and the ledger export.

Views are thin: they read the input, call selectors and services, and render. Services
refuse what the state or the person does not allow with a message in the person's
language; the pages show it and change nothing.
"""

import datetime
import tempfile
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from liaison.core.downloads import download
from liaison.core.errors import ServiceError
from liaison.core.paginator import CappedPaginator
from liaison.inbox.models import Ask
from liaison.org.models import Department, DepartmentKind, Person
from liaison.org.roles import people_of

from . import selectors, services
from .chain import build_chain
from .forms import FilterForm, MatterForm, organization_departments
from .ledger import write_ledger
from .models import (
    LINK_INVERSE_LABELS,
    Attachment,
    CoOrganizer,
    EscalationLevel,
    EventType,
    ExtensionRequest,
    ExtensionState,
    LinkKind,
    Rating,
    State,
)

Action = services.Action

PAGE_SIZE = 50
LIST_COUNT_CAP = 1000

RELATION_LABELS = {
    "vertical": gettext_lazy("Vertical (between levels)"),
    "horizontal": gettext_lazy("Horizontal (between peers)"),
    "external": gettext_lazy("External"),
}

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

#: The actions that move a matter forward stand out; the ones that stop it are red.
BUTTON_STYLES = {
    Action.SUBMIT: "btn-primary",
    Action.DISPATCH: "btn-primary",
    Action.ACCEPT: "btn-primary",
    Action.CONTRIBUTE: "btn-primary",
    Action.REPLY: "btn-primary",
    Action.CONFIRM: "btn-primary",
    Action.DECIDE_EXTENSION: "btn-primary",
    Action.ESCALATE: "btn-outline-danger",
    Action.WITHDRAW: "btn-outline-danger",
    Action.CLOSE: "btn-outline-danger",
}


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no matters (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def _no_person(request):
    messages.warning(request, _("Your login is not linked to a person, so it has no matters."))
    return redirect("org:profile")


# My to-do and the other lists.


@dataclass
class Row:
    matter: object
    asks: list = field(default_factory=list)


def asks_for(matter, person, reach, *, part_missing: bool, extension_pending: bool) -> list:
    """What the to-do asks of this person on this matter, from its state and their
    place: the same rules as the services, read cheaply for a whole page of rows."""
    asks = []
    office_id = person.organization.coordinating_department_id
    mine = (
        matter.responsible_person_id == person.pk
        or matter.owner_department_id in reach.handled
        or (
            office_id is not None
            and matter.owner_department_id == office_id
            and office_id in reach.departments
        )
        or (
            matter.state == State.ESCALATED
            and getattr(reach, "in_leading_group", False)
            and matter.escalation_level == EscalationLevel.LEADING_GROUP
        )
    )
    if mine:
        ask = {
            State.SUBMITTED: Ask.DISPATCH,
            State.DISPATCHED: Ask.ACCEPT,
            State.ACCEPTED: Ask.REPLY,
            State.REPLIED: Ask.CONFIRM,
            State.ESCALATED: Ask.DECIDE,
        }.get(matter.state)
        if ask:
            asks.append(ask)
    if part_missing and matter.state in (State.DISPATCHED, State.ACCEPTED):
        asks.append(Ask.CONTRIBUTE)
    if extension_pending and (
        matter.dispatcher_id == person.pk or matter.lead_department_id in reach.overseen
    ):
        asks.append(Ask.DECIDE_EXTENSION)
    return [(ask, Ask(ask).label, ASK_TONES.get(ask, "secondary")) for ask in asks]


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
            asks_for(
                m, person, reach, part_missing=m.pk in missing, extension_pending=m.pk in pending
            ),
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
        return _no_person(request)
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


# Raising a matter.


def _matter_input(data) -> services.MatterInput:
    return services.MatterInput(
        title=data["title"],
        kind=data["kind"],
        description=data["description"],
        urgency=data["urgency"],
        originator_department=data["originator_department"],
        lead_department=data["lead_department"],
        co_departments=tuple(data["co_departments"]),
        due=data["due"],
        categories=tuple(data["categories"]),
    )


def _draft_initial(matter) -> dict:
    return {
        "title": matter.title,
        "kind": matter.kind,
        "urgency": matter.urgency,
        "description": matter.description,
        "originator_department": matter.originator_department,
        "lead_department": matter.lead_department,
        "co_departments": [c.department for c in matter.co_organizers.all()],
        "due": matter.due,
        "categories": list(matter.categories.all()),
    }


def _matter_form(request, person, matter=None):
    """Raise a matter, or edit a draft (`matter`): saved as a draft or submitted."""
    initial = _draft_initial(matter) if matter is not None else None
    form = MatterForm(person, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("intent") == "submit"
        files = request.FILES.getlist("attachments")
        matter_input = _matter_input(form.cleaned_data)
        try:
            # All or nothing: a refused file or a refused submission saves nothing.
            with transaction.atomic():
                if matter is None:
                    saved = services.create_matter(person, matter_input)
                else:
                    saved = services.edit_draft(matter, person, matter_input)
                if files:
                    services.add_attachments(saved, person, files)
                if submit:
                    saved = services.submit_matter(saved, person)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            if not submit:
                messages.success(request, _("Saved as a draft. Submit it when it is ready."))
            else:
                messages.success(
                    request,
                    _("%(number)s is submitted and now with %(department)s.")
                    % {"number": saved.number, "department": saved.owner_department},
                )
            return redirect("matters:detail", pk=saved.pk)
    elif request.method == "GET" and matter is None:
        form.initial["originator_department"] = form.fields[
            "originator_department"
        ].queryset.first()
        coordination = form.fields["kind"].queryset.filter(code="coordination").first()
        form.initial["kind"] = coordination or form.fields["kind"].queryset.first()
    return render(
        request,
        "matters/new.html",
        {
            "form": form,
            "matter": matter,
            "has_department": form.fields["originator_department"].queryset.exists(),
            "max_mb": _max_mb(),
            "allowed_types": ", ".join(sorted(services.ALLOWED_EXTENSIONS)),
        },
    )


@login_required
def new(request):
    if not request.person:  # a lazy object: test what it wraps
        return _no_person(request)
    return _matter_form(request, request.person)


@login_required
def edit(request, pk):
    """Edit a draft: only its originator, only before it is submitted."""
    person = _person(request)
    matter = selectors.matter_for(person, pk)
    if Action.EDIT not in services.allowed_actions(person, matter):
        messages.error(request, _("Only the originator can edit a matter, and only as a draft."))
        return redirect("matters:detail", pk=matter.pk)
    return _matter_form(request, person, matter)


def _max_mb() -> int:
    return settings.MATTER_ATTACHMENT_MAX_BYTES // (1024 * 1024)


# The matter page.


def _event_facts(event, departments: dict, people: dict) -> list[tuple[str, str]]:
    """The details of an event worth a line on the timeline."""
    data = event.data or {}
    facts = []

    def names(codes):
        return "、".join(departments[c].name if c in departments else c for c in codes)

    if data.get("lead") and event.type in (EventType.DISPATCHED, EventType.TRANSFERRED):
        facts.append((_("Lead department"), names([data["lead"]])))
    if data.get("co_departments"):
        facts.append((_("Co-organizer departments"), names(data["co_departments"])))
    if data.get("responsible"):
        who = data["responsible"]
        facts.append((_("Responsible person"), people.get(who, who)))
    if data.get("due") and event.type in (EventType.DISPATCHED, EventType.EXTENSION_DECIDED):
        facts.append((_("Due date"), _date_text(data["due"])))
    if data.get("proposed_due"):
        facts.append((_("Proposed due date"), _date_text(data["proposed_due"])))
    if "approved" in data:
        facts.append((_("Decision"), _("Approved") if data["approved"] else _("Denied")))
    if data.get("rating") in Rating.values:
        facts.append((_("Rating"), Rating(data["rating"]).label))
    if data.get("step") in CLOCK_STEPS:
        facts.append((_("Time limit"), CLOCK_STEPS[data["step"]]))
    if data.get("due") and event.type in (EventType.REMINDED, EventType.BREACHED):
        facts.append((_("Due"), _moment_text(data["due"])))
    if data.get("due") and event.type == EventType.INFO_GIVEN:
        facts.append((_("Reply by"), _moment_text(data["due"])))
    if data.get("level") in EscalationLevel.values:
        facts.append((_("Escalated to"), EscalationLevel(data["level"]).label))
    if data.get("extension_lapsed"):
        facts.append((_("Extension request lapsed"), _date_text(data["extension_lapsed"])))
    if data.get("kind") in LinkKind.values:
        other = data.get("target") or data.get("source") or data.get("other") or ""
        label = (
            LINK_INVERSE_LABELS[data["kind"]]
            if data.get("source")
            else LinkKind(data["kind"]).label
        )
        facts.append((label, other))
    if data.get("fields"):
        facts.append(
            (_("Changed"), "、".join(str(DRAFT_FIELD_LABELS.get(f, f)) for f in data["fields"]))
        )
    if data.get("previous_number"):
        facts.append((_("Previous number"), data["previous_number"]))
    return facts


DRAFT_FIELD_LABELS = {
    "title": gettext_lazy("Title"),
    "description": gettext_lazy("Description"),
    "kind": gettext_lazy("Kind"),
    "urgency": gettext_lazy("Urgency"),
    "originator_department": gettext_lazy("On behalf of"),
    "lead_department": gettext_lazy("Lead department"),
    "co_departments": gettext_lazy("Co-organizer departments"),
    "due": gettext_lazy("Due date"),
    "categories": gettext_lazy("Categories"),
}


CLOCK_STEPS = {
    "dispatch": gettext_lazy("Dispatch"),
    "accept": gettext_lazy("Accept"),
    "reply": gettext_lazy("Reply"),
    "confirm": gettext_lazy("Confirm"),
    "decide": gettext_lazy("Decision at this level"),
}


def _moment_text(value: str) -> str:
    try:
        moment = datetime.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _date_text(value: str) -> str:
    try:
        return date_format(datetime.date.fromisoformat(value[:10]))
    except (TypeError, ValueError):
        return str(value)


@login_required
def detail(request, pk):
    person = _person(request)
    matter = selectors.matter_for(person, pk)
    handling = services.is_handling(person, matter)
    actions = services.allowed_actions(person, matter)
    events = list(
        matter.events.select_related("actor", "actor_department", "owner_department")
        .prefetch_related("attachments")
        .order_by("at", "pk")
    )
    if not handling:
        events = [e for e in events if not e.is_internal]
    departments = list(organization_departments(matter.organization))
    by_code = {d.code: d for d in departments}
    numbers = {e.data.get("responsible") for e in events if e.data and e.data.get("responsible")}
    people = dict(
        Person.objects.filter(
            organization=matter.organization, employee_number__in=numbers
        ).values_list("employee_number", "name")
    )
    for event in events:
        event.facts = _event_facts(event, by_code, people)
    said = "\n".join(f"{e.reason}\n{e.text}" for e in events if "@" in e.reason + e.text)
    named_people, named_departments = services.mentioned(matter.organization, said)
    known_names = {p.name for p in named_people} | {p.employee_number for p in named_people}
    known_names |= {d.name for d in named_departments} | {d.short_name for d in named_departments}
    known_names.discard("")
    co_organizers = list(matter.co_organizers.select_related("department", "contributed_by"))
    extensions = list(matter.extensions.select_related("requested_by", "decided_by"))
    attachments = [a for e in events for a in e.attachments.all()]
    lead_people = []
    if Action.ACCEPT in actions and matter.lead_department is not None:
        lead_people = people_of(matter.lead_department)
    context = {
        "matter": matter,
        "actions": actions,
        "buttons": [
            (a, Action.LABELS.get(a, a), BUTTON_STYLES.get(a, "btn-outline-secondary"))
            for a in actions
            if a not in (Action.COMMENT, Action.LINK)
        ],
        "links": selectors.links_of(matter, person),
        "may_link": Action.LINK in actions,
        "link_kinds": LinkKind.choices,
        "handling": handling,
        "events": events,
        "chain": build_chain(events),
        "known_names": known_names,
        "co_organizers": co_organizers,
        "missing_parts": [c for c in co_organizers if c.contributed_at is None],
        "co_ids": [c.department_id for c in co_organizers],
        "extensions": extensions,
        "pending_extension": next(
            (x for x in extensions if x.state == ExtensionState.PENDING), None
        ),
        "attachments": attachments,
        "departments": departments,
        "lead_choices": [d for d in departments if d.kind != DepartmentKind.EXTERNAL],
        "lead_people": lead_people,
        "categories": list(matter.categories.all()),
        "relation_label": RELATION_LABELS.get(matter.relation, ""),
        "ratings": Rating.choices,
        "clocks": selectors.clocks(matter),
        "pending_question": next(
            (e for e in reversed(events) if e.type == EventType.INFO_REQUESTED), None
        )
        if matter.paused_at
        else None,
        "today": timezone.localdate(),
        "max_mb": _max_mb(),
    }
    return render(request, "matters/detail.html", context)


@login_required
def department_people(request):
    """The people of a department, as <option>s for a responsible-person picker (htmx)."""
    person = _person(request)
    value = request.GET.get("lead") or request.GET.get("department") or ""
    department = None
    if value.isdigit():
        department = Department.objects.filter(
            organization=person.organization, pk=int(value)
        ).first()
    people = people_of(department) if department is not None else []
    return render(request, "matters/_people_options.html", {"people": people})


# Actions: every form on the matter page posts here.


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
    person = _person(request)
    matter = selectors.matter_for(person, pk)
    handler = HANDLERS.get(action)
    if handler is None:
        raise Http404
    try:
        message = handler(request, matter, person)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, message)
    return redirect(reverse("matters:detail", args=[matter.pk]) + "#top")


# Files.


@login_required
def attachment(request, pk):
    """Download an attachment: only for people who see the matter (404 otherwise), always
    as a download, and never as HTML or SVG that a browser would render."""
    person = _person(request)
    item = Attachment.objects.select_related("event").filter(pk=pk).first()
    if item is None:
        raise Http404
    matter = selectors.matter_for(person, item.matter_id)
    if (
        item.event is not None
        and item.event.is_internal
        and not services.is_handling(person, matter)
    ):
        raise Http404
    return download(item.file, item.original_name)


@login_required
def ledger(request):
    """台帐: the filtered list of all matters this person sees, as XLSX, no row cap."""
    person = _person(request)
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

"""The matter page, its people picker and its attachments."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from liaison.core.downloads import download
from liaison.core.plain import listing
from liaison.org.models import Department, DepartmentKind, Person
from liaison.org.roles import people_of

from .. import policy, selectors, services
from ..chain import build_chain
from ..forms import organization_departments
from ..models import (
    LINK_INVERSE_LABELS,
    Attachment,
    EscalationLevel,
    EventType,
    ExtensionState,
    LinkKind,
    Rating,
)
from .common import max_mb, person_or_404

Action = policy.Action


RELATION_LABELS = {
    "vertical": gettext_lazy("Vertical (between levels)"),
    "horizontal": gettext_lazy("Horizontal (between peers)"),
    "external": gettext_lazy("External"),
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


def _event_facts(event, departments: dict, people: dict) -> list[tuple[str, str]]:
    """The details of an event worth a line on the timeline."""
    data = event.data or {}
    facts = []

    def names(codes):
        return listing(departments[c].name if c in departments else c for c in codes)

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
        facts.append(
            (
                pgettext("extension request", "Decision"),
                _("Approved") if data["approved"] else _("Denied"),
            )
        )
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
        facts.append((_("Changed"), listing(DRAFT_FIELD_LABELS.get(f, f) for f in data["fields"])))
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
    person = person_or_404(request)
    matter = selectors.matter_for(person, pk)
    return render(request, "matters/detail.html", detail_context(person, matter))


def detail_context(person, matter, failed: str = "", error: str = "", kept=None) -> dict:
    """The matter page; `failed` names the action whose form came back with `error`, to be
    shown again open with what was typed (`kept`, the posted data)."""
    handling = policy.is_handling(person, matter)
    actions = policy.allowed_actions(person, matter)
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
            (
                a,
                Action.LABELS.get(a, a),
                BUTTON_STYLES.get(a, "btn-outline-secondary"),
                kept if a == failed else {},
                error if a == failed else "",
            )
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
        "max_mb": max_mb(),
        "failed": failed,
        "failed_error": error,
        # No form for it on the page any more (someone acted first): say so, keep the text.
        "failed_elsewhere": bool(failed) and failed not in actions,
        "failed_text": next(
            (
                kept[k]
                for k in ("text", "reason", "comment", "measures", "note")
                if kept and kept.get(k)
            ),
            "",
        ),
        "kept": kept or {},
        **_kept_choices(matter.organization, kept or {}),
    }
    return context


def _kept_choices(organization, kept) -> dict:
    """The departments and person chosen in a form that came back, as the pickers need
    them: ids of departments, and the person (shown by name)."""

    def ids(values):
        return [int(v) for v in values if str(v).isdigit()]

    responsible = kept.get("responsible", "")
    return {
        "kept_lead": ids([kept.get("lead", "")]),
        "kept_co": ids(kept.getlist("co")) if hasattr(kept, "getlist") else [],
        "kept_responsible": Person.objects.filter(organization=organization, pk=responsible).first()
        if str(responsible).isdigit()
        else None,
    }


@login_required
def department_people(request):
    """The people of a department, as <option>s for a responsible-person picker (htmx)."""
    person = person_or_404(request)
    value = request.GET.get("lead") or request.GET.get("department") or ""
    department = None
    if value.isdigit():
        department = Department.objects.filter(
            organization=person.organization, pk=int(value)
        ).first()
    people = people_of(department) if department is not None else []
    return render(request, "matters/_people_options.html", {"people": people})


@login_required
def attachment(request, pk):
    """Download an attachment: only for people who see the matter (404 otherwise), always
    as a download, and never as HTML or SVG that a browser would render."""
    person = person_or_404(request)
    item = Attachment.objects.select_related("event").filter(pk=pk).first()
    if item is None:
        raise Http404
    matter = selectors.matter_for(person, item.matter_id)
    if item.event is not None and item.event.is_internal and not policy.is_handling(person, matter):
        raise Http404
    return download(item.file, item.original_name)

"""The agenda, attendance and minutes of a meeting: the forms of the cards on its page,
and the minutes' print view and Word file.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from liaison.core.errors import InvalidInput, ServiceError
from liaison.matters.models import Matter
from liaison.org.models import Person

from .. import minutes_docx as minutes_document
from .. import policy, selectors, services
from ..forms import Arrangement, AttendanceEntry, CutoffForm, ItemForm, MinutesEntry
from ..models import AgendaItem, ItemState, Meeting, Presence
from .common import _back, _choices, _person, _refused
from .meeting import _page, _record_context


def _matter_by_number(person: Person, number: str):
    """The matter of that number the person may see, or None for no number."""
    number = (number or "").strip()
    if not number:
        return None
    matter = Matter.objects.filter(organization=person.organization, number=number).first()
    if matter is None or not policy.may_see_matter(person, matter):
        raise InvalidInput(
            _("No matter %(number)s that you can see.") % {"number": number}, "matter"
        )
    return matter


def _item_of(person: Person, pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting", "matter"),
        pk=pk,
        meeting__organization_id=person.organization_id,
    )


def _meeting_of(person: Person, item: AgendaItem) -> Meeting:
    """The item's meeting as its page shows it (fresh after a refused change)."""
    return selectors.meeting_for(person, item.meeting_id)


@login_required
@require_POST
def propose_item(request, pk):
    """A refused proposal shows the form again as typed, the refusal next to its field."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = ItemForm(person, request.POST, auto_id="new-item-%s")
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return _page(request, person, meeting, item_form=form)
    try:
        matter = _matter_by_number(person, form.cleaned_data.get("matter"))
        item = services.propose_item(meeting, person, form.item_input(matter))
    except ServiceError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        _refused(request, error)
        return _page(request, person, meeting, item_form=form)
    messages.success(
        request,
        _("The item is on the agenda.")
        if item.state == ItemState.ACCEPTED
        else _("The item is proposed; the organizers decide on it."),
    )
    return _back(meeting, "agenda")


@login_required
@require_POST
def arrange_item(request, pk):
    """A refused arrangement shows the page with that item's form open and as typed, the
    refusal next to its field."""
    person = _person(request)
    item = _item_of(person, pk)
    form = ItemForm(person, request.POST)
    if form.is_valid():
        try:
            services.arrange_item(item, person, form.item_input(item.matter))
        except ServiceError as error:
            _refused(request, error)
            typed = Arrangement.typed(item.pk, form)
            typed.refused(error.message, error.field)
            return _page(request, person, _meeting_of(person, item), arranged=typed)
        messages.success(request, _("The agenda item is saved."))
        return _back(item.meeting, "agenda")
    messages.error(request, _("Please correct the marked fields."))
    typed = Arrangement.typed(item.pk, form)
    return _page(request, person, _meeting_of(person, item), arranged=typed)


@login_required
@require_POST
def decide_item(request, pk):
    """A refused decline shows the page with its reason as typed and the refusal beside it."""
    person = _person(request)
    item = _item_of(person, pk)
    accept = request.POST.get("decision") == "accept"
    reason = request.POST.get("reason", "")
    try:
        services.decide_item(item, person, accept=accept, reason=reason)
    except ServiceError as error:
        _refused(request, error)
        if accept:  # nothing was typed
            return _back(item.meeting, "agenda")
        declined = {"item": item.pk, "reason": reason, "error": error.message}
        return _page(request, person, _meeting_of(person, item), declined=declined)
    messages.success(request, _("The item is accepted.") if accept else _("The item is declined."))
    return _back(item.meeting, "agenda")


@login_required
@require_POST
def move_item(request, pk):
    """One place up or down the agenda."""
    person = _person(request)
    item = _item_of(person, pk)
    order = list(item.meeting.agenda.order_by("position", "pk").values_list("pk", flat=True))
    index = order.index(item.pk)
    other = index - 1 if request.POST.get("direction") == "up" else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
        try:
            services.order_agenda(item.meeting, person, order)
        except ServiceError as error:
            _refused(request, error)
    if request.htmx:
        return _agenda_card(request, person, item.meeting)
    return _back(item.meeting, "agenda")


def _agenda_card(request, person: Person, meeting: Meeting):
    meeting = selectors.meeting_for(person, meeting.pk)
    return render(
        request,
        "meetings/_agenda.html",
        {"meeting": meeting, **_record_context(person, meeting)},
    )


@login_required
@require_POST
def set_cutoff(request, pk):
    """A refused closing time shows the page with the time as typed and the refusal at it."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = CutoffForm(meeting, request.POST)
    if form.is_valid():
        try:
            services.set_agenda_cutoff(meeting, person, form.cleaned_data["cutoff"])
        except ServiceError as error:
            # Every refusal is about the time chosen (or the agenda it closes).
            form.add_error("cutoff", error.message)
        else:
            messages.success(request, _("The agenda closing time is saved."))
            return _back(meeting, "agenda")
    messages.error(request, form.errors["cutoff"][0])
    return _page(request, person, meeting, cutoff_form=form)


@login_required
@require_POST
def record_attendance(request, pk):
    """A refused record shows the rows again as chosen, the refusal next to its row."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    entry = AttendanceEntry.typed(request.POST)
    try:
        services.record_attendance(meeting, person, entry.presence_inputs(person))
    except ServiceError as error:
        _refused(request, error)
        if not isinstance(error, InvalidInput):  # no form to correct: the page as it is
            return _back(meeting, "attendance")
        entry.refused(error)
        return _page(
            request,
            person,
            meeting,
            attendance=entry.shown(selectors.attendance_of(meeting)),
            attendance_error=entry.error,
        )
    messages.success(request, _("Attendance is recorded."))
    return _back(meeting, "attendance")


@login_required
@require_POST
def save_minutes(request, pk):
    """A refused save shows the minutes again as typed, the refusal next to its row."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    entry = MinutesEntry.typed(request.POST)
    try:
        services.save_minutes(meeting, person, entry.minutes_input(person))
    except ServiceError as error:
        entry.refused(error)
        _refused(request, error)
        return _page(request, person, meeting, minutes_form=entry)
    messages.success(request, _("The minutes are saved."))
    return _back(meeting, "minutes")


@login_required
def decision_row(request, pk):
    """A blank decision row for the minutes form (htmx adds it)."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    return render(
        request,
        "meetings/_decision_row.html",
        {"decision": None, **_choices(meeting.organization)},
    )


@login_required
@require_POST
def approve_minutes(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    try:
        minutes = services.approve_minutes(meeting, person)
    except ServiceError as error:
        _refused(request, error)
    else:
        count = minutes.decisions.count()
        messages.success(
            request,
            ngettext(
                "The minutes are approved and sent; %(count)s decision is now a matter.",
                "The minutes are approved and sent; %(count)s decisions are now matters.",
                count,
            )
            % {"count": count},
        )
    return _back(meeting, "minutes")


def _readable_minutes(person: Person, meeting: Meeting):
    """The minutes the person may read; 404 when there are none or they may not read them
    (as for a meeting of another organization). Opening them is reading them (回执)."""
    minutes = selectors.readable_minutes(meeting, person)
    if minutes is None:
        raise Http404
    services.read_minutes(meeting, person)
    return minutes


@login_required
def minutes_docx(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    minutes = _readable_minutes(person, meeting)
    response = HttpResponse(
        minutes_document.render(meeting, minutes, person),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.docx"'
    return response


@login_required
def minutes_print(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    minutes = _readable_minutes(person, meeting)
    decisions = list(minutes.decisions.select_related("owner_department", "responsible", "matter"))
    attendance = selectors.attendance_of(meeting)
    return render(
        request,
        "meetings/minutes_print.html",
        {
            "meeting": meeting,
            "shown": selectors.shown(meeting, person),
            "minutes": minutes,
            "place": services.place_of(meeting.room, meeting.online_link),
            "decisions": decisions,
            "visible_matters": policy.visible_matter_ids(person, [d.matter_id for d in decisions]),
            "present": [(p, r) for p, r in attendance if r and r.presence != Presence.ABSENT],
            "absent": [(p, r) for p, r in attendance if r and r.presence == Presence.ABSENT],
        },
    )

"""The meeting page with its move, cancel and confirm forms, and the emergency-meeting
form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from liaison.core.errors import ServiceError
from liaison.matters import selectors as matter_selectors
from liaison.org.models import Person

from .. import policy, selectors, services
from ..forms import CutoffForm, EmergencyForm, ItemForm, MinutesEntry, MoveForm
from ..models import Meeting, MeetingState, Presence
from .common import _choices, _participants, _person, _warn


@login_required
def detail(request, pk):
    person = _person(request)
    return _page(request, person, selectors.meeting_for(person, pk))


def _page(request, person: Person, meeting: Meeting, **typed):
    """The meeting page; `typed` replaces a card's form with what was typed into it when a
    save was refused (item_form, arranged, declined, cutoff_form, move_form, cancel_typed,
    minutes_form, attendance, attendance_error)."""
    now = timezone.now()
    departments, invited = _participants(meeting.series or meeting)
    calls = list(
        meeting.calls.select_related("person").order_by("confirmed_at", "person__name_pinyin")
    )
    upcoming = meeting.state == MeetingState.SCHEDULED and meeting.end > now
    clashes = (
        selectors.clashes_seen_by(
            services.find_clashes(
                meeting.organization,
                [(meeting.start, meeting.end)],
                services.seats_of(meeting),
                meeting.room,
                exclude_meeting=meeting,
            ),
            person,
        )
        if upcoming
        else []
    )
    context = {
        "meeting": meeting,
        "shown": selectors.shown(meeting, person),
        "place": services.place_of(meeting.room, meeting.online_link),
        "departments": departments,
        "invited": invited,
        "calls": calls,
        "confirmed": sum(1 for call in calls if call.confirmed_at),
        "may_confirm": policy.may_confirm(person, meeting, now),
        "clashes": clashes,
        "may_change": policy.may_change_meeting(person, meeting, now),
        "move_form": MoveForm(meeting),
        "events": list(meeting.events.select_related("actor").order_by("-at", "-pk")),
    }
    # Opening the page with approved minutes is reading them (the receipt, 回执).
    services.read_minutes(meeting, person)
    context.update(_record_context(person, meeting))
    context.update(typed)
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def move(request, pk):
    """A refused move shows the page with the move form as typed, open on the page."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = MoveForm(meeting, request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the marked fields."))
        return _page(request, person, meeting, move_form=form)
    try:
        meeting, clashes = services.move_meeting(
            meeting,
            person,
            start=form.cleaned_data["start"],
            end=form.end(),
            room=form.cleaned_data.get("room"),
            online_link=form.cleaned_data.get("online_link") or "",
            reason=form.cleaned_data.get("reason") or "",
        )
    except ServiceError as error:
        messages.error(request, error.message)
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, person, meeting, move_form=form)
    messages.success(request, _("The meeting is moved; its participants are told."))
    _warn(request, clashes)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def cancel(request, pk):
    """A refused cancellation shows the page with the reason as typed, open on the page."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    reason = request.POST.get("reason", "")
    try:
        services.cancel_meeting(meeting, person, reason=reason)
    except ServiceError as error:
        messages.error(request, error.message)
        cancelled = {"reason": reason, "error": error.message}
        return _page(request, person, meeting, cancel_typed=cancelled)
    messages.success(request, _("The meeting is cancelled; its participants are told."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def confirm(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    try:
        services.confirm_attendance(meeting, person)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your attendance is confirmed."))
    return redirect("meetings:detail", pk=meeting.pk)


# Emergency meetings.


def _emergency_initial(person: Person, form: EmergencyForm, matter) -> dict:
    organizers = form.fields["organizer"].queryset
    if matter is None:
        return {"organizer": organizers.first(), "duration": 60}
    lead = matter.lead_department
    departments = [d for d in (lead, matter.originator_department) if d is not None]
    departments += [c.department for c in matter.co_organizers.select_related("department")]
    return {
        "title": _("Emergency meeting: %(title)s") % {"title": matter.title},
        "organizer": lead
        if lead is not None and organizers.filter(pk=lead.pk).exists()
        else organizers.first(),
        "duration": 60,
        "heads_of": list(dict.fromkeys(departments)),
        "description": f"{matter.number} {matter.title}",
    }


@login_required
def emergency_new(request):
    """Call an emergency meeting; ?matter=ID for the matter it is called for."""
    person = _person(request)
    matter = None
    value = request.GET.get("matter") or request.POST.get("matter") or ""
    if value:
        matter = matter_selectors.matter_for(person, value)
    form = EmergencyForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting, clashes = services.call_emergency_meeting(person, form.emergency_input(matter))
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            count = meeting.calls.count()
            messages.success(
                request,
                ngettext(
                    "Emergency meeting called: %(count)s person is told at once.",
                    "Emergency meeting called: %(count)s people are told at once.",
                    count,
                )
                % {"count": count},
            )
            _warn(request, clashes)
            return redirect("meetings:detail", pk=meeting.pk)
    elif request.method == "GET":
        form.initial.update(_emergency_initial(person, form, matter))
    return render(
        request,
        "meetings/emergency_form.html",
        {
            "form": form,
            "matter": matter,
            "may_organize": form.fields["organizer"].queryset.exists(),
        },
    )


# The agenda, attendance and minutes of a meeting (cards on its page).


def _record_context(person: Person, meeting: Meeting) -> dict:
    """What the agenda, attendance and minutes cards of the meeting page need; the
    minutes only for those who may read them (policy.may_read_minutes)."""
    now = timezone.now()
    previous, carried = selectors.carried_actions(meeting, person)
    written = selectors.minutes_of(meeting)
    minutes = written if policy.may_read_minutes(person, meeting, written) else None
    may_write = policy.may_write_minutes(person, meeting, written, now)
    may_approve = policy.may_approve_minutes(person, meeting, written, now)
    decisions = (
        list(minutes.decisions.select_related("owner_department", "responsible", "matter"))
        if minutes
        else []
    )
    may_propose = policy.may_propose(person, meeting, now)
    return {
        "agenda": selectors.agenda_of(meeting, person),
        "agenda_open": policy.agenda_open(meeting),
        "outstanding": selectors.outstanding(meeting, now),
        "may_arrange": policy.may_arrange_agenda(person, meeting),
        "may_propose": may_propose,
        "propose_refusal": "" if may_propose else _propose_refusal(person, meeting),
        "item_form": ItemForm(person, auto_id="new-item-%s"),
        "cutoff_form": CutoffForm(meeting),
        "previous": previous,
        "carried": carried,
        "attendance": selectors.attendance_of(meeting),
        "presences": Presence.choices,
        "may_record": may_write,
        "minutes": minutes,
        "minutes_hidden": written is not None and minutes is None,
        "decisions": decisions,
        "visible_matters": policy.visible_matter_ids(
            person, [d.matter_id for d in (*decisions, *carried)]
        ),
        "may_write": may_write,
        "minutes_form": MinutesEntry.of(minutes, decisions) if may_write else None,
        "may_approve": may_approve,
        "approve_departments": _listed(
            {d.owner_department.name: None for d in decisions} if may_approve else ()
        ),
        "receipts": selectors.receipts_of(minutes) if minutes and minutes.is_approved else [],
        **_choices(meeting.organization),
    }


def _propose_refusal(person: Person, meeting: Meeting) -> str:
    """Why the person is offered no agenda form, while the agenda is open."""
    if not policy.agenda_open(meeting):
        return ""
    if policy.is_invited_to_propose(person, meeting):
        return _("The agenda is closed for proposals; the organizers may still add items.")
    return _("Only the departments and people invited to this meeting propose agenda items.")


def _listed(names) -> str:
    return pgettext("list separator", ", ").join(names)

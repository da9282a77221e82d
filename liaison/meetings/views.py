"""Meeting pages: the month calendar, series (list, page, form), the meeting page with
its move, cancel and confirm forms, the emergency-meeting form, my meetings with my
secret calendar address, and the calendar files.

Views are thin: they read the input, call selectors and services, and render. A refusal
of the services is shown as a message (or on the form) and changes nothing; clashes are
shown as warnings after the change was made.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from liaison.matters import selectors as matter_selectors
from liaison.matters.models import Matter
from liaison.matters.services import InvalidInput, MatterError, can_view
from liaison.org.models import Department, DepartmentKind, Person

from . import calendar_feed, recurrence, selectors, services
from . import minutes_docx as minutes_document
from .forms import (
    CutoffForm,
    EmergencyForm,
    ItemForm,
    MoveForm,
    SeriesForm,
    organizable_departments,
)
from .models import (
    AgendaItem,
    CalendarFeed,
    EmergencyCall,
    ItemState,
    Meeting,
    MeetingSeries,
    MeetingState,
    Presence,
    Room,
)

#: How far the month calendar goes from this month, either way.
MONTHS_AROUND = 60
#: A series page lists its meetings of the coming three months at least.
UPCOMING = datetime.timedelta(days=92)


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no meetings (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def _warn(request, clashes) -> None:
    for clash in clashes:
        messages.warning(request, _("Clash: %(message)s") % {"message": clash.message})


def _ics(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# The month calendar.


def _month(value: str) -> datetime.date:
    """The first day of the month asked for (YYYY-MM), or of this month."""
    today = timezone.localdate()
    this = today.replace(day=1)
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        return this
    if abs((first.year - this.year) * 12 + first.month - this.month) > MONTHS_AROUND:
        return this
    return first


def _day(value: str | None) -> datetime.date | None:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if _month(day.strftime("%Y-%m")) == day.replace(day=1) else None


def _scope(request, person: Person) -> selectors.Scope:
    organization = person.organization
    if request.GET.get("mine") == "1":
        return selectors.Scope(organization, person=person)
    value = request.GET.get("department") or ""
    if value.isdigit():
        department = Department.objects.filter(organization=organization, pk=value).first()
        if department is not None:
            return selectors.Scope(organization, department=department)
    value = request.GET.get("room") or ""
    if value.isdigit():
        room = Room.objects.filter(organization=organization, pk=value).first()
        if room is not None:
            return selectors.Scope(organization, room=room)
    return selectors.Scope(organization)


def _shift(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_required
def calendar(request):
    person = _person(request)
    scope = _scope(request, person)
    day = _day(request.GET.get("day"))
    if day is not None and request.htmx:
        # "+N more" in a day of the grid: the meetings it did not show.
        context = {"meetings": selectors.day_meetings(scope, day)[selectors.DAY_SHOWS :]}
        return render(request, "meetings/_chips.html", context)
    first = day.replace(day=1) if day is not None else _month(request.GET.get("month"))
    # The month links keep the filter that applies, as the calendar understood it.
    query = {}
    if scope.person:
        query["mine"] = "1"
    elif scope.department:
        query["department"] = scope.department.pk
    elif scope.room:
        query["room"] = scope.room.pk
    context = {
        "weeks": selectors.month_grid(scope, first.year, first.month, expanded=day),
        "month": first,
        "previous": _shift(first, -1),
        "next": _shift(first, 1),
        "this_month": timezone.localdate().replace(day=1),
        "scope": scope,
        "query": urlencode(query),
        "departments": Department.objects.filter(
            organization=person.organization, is_active=True
        ).order_by("sort_order", "code"),
        "rooms": Room.objects.filter(organization=person.organization, is_active=True),
        "may_organize": organizable_departments(person).exists(),
    }
    if request.htmx and request.htmx.target == "meetings-calendar":
        return render(request, "meetings/_month.html", context)
    return render(request, "meetings/calendar.html", context)


# Series.


@login_required
def series_list(request):
    person = _person(request)
    upcoming = Meeting.objects.filter(
        series=OuterRef("pk"), start__gte=timezone.now(), state=MeetingState.SCHEDULED
    ).order_by("start")
    series = list(
        MeetingSeries.objects.filter(organization=person.organization)
        .select_related("organizer", "chair", "room")
        .annotate(next_start=Subquery(upcoming.values("start")[:1]))
    )
    rows = [(s, recurrence.describe(s.rule, s.time_zone)) for s in series]
    return render(
        request,
        "meetings/series_list.html",
        {"rows": rows, "may_organize": organizable_departments(person).exists()},
    )


def _series_form(request, person: Person, series: MeetingSeries | None = None):
    initial = SeriesForm.initial_for(series) if series is not None else None
    form = SeriesForm(person, request.POST or None, initial=initial)
    if series is not None:
        # The current organizer stays a choice for the chair, who may not organize it.
        form.fields["organizer"].queryset = (
            form.fields["organizer"].queryset | Department.objects.filter(pk=series.organizer_id)
        ).distinct()
    if request.method == "POST" and form.is_valid():
        try:
            data = form.series_input()
            if series is None:
                saved, clashes = services.create_series(person, data)
            else:
                saved, clashes = services.edit_series(series, person, data)
        except MatterError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("The series is scheduled.") if series is None else _("The series is saved."),
            )
            _warn(request, clashes)
            return redirect("meetings:series", pk=saved.pk)
    elif request.method == "GET" and series is None:
        form.initial.update(
            {
                "organizer": form.fields["organizer"].queryset.first(),
                "start_date": timezone.localdate(),
                "start_time": datetime.time(9, 0),
            }
        )
    return render(
        request,
        "meetings/series_form.html",
        {
            "form": form,
            "series": series,
            "may_organize": form.fields["organizer"].queryset.exists(),
        },
    )


@login_required
def series_new(request):
    return _series_form(request, _person(request))


@login_required
def series_edit(request, pk):
    person = _person(request)
    series = selectors.series_for(person, pk)
    if not services.may_manage_series(person, series):
        messages.error(request, _("Only the chair and the organizers can change this series."))
        return redirect("meetings:series", pk=series.pk)
    return _series_form(request, person, series)


def _participants(owner) -> tuple[list, list]:
    """(department, attendance label, people) rows and invited people, for a page."""
    seats = services.seats_of(owner)
    people = {p.pk: p for p in Person.objects.filter(pk__in=seats)}
    departments = []
    invited = []
    for participant in owner.participants.select_related("department", "person"):
        if participant.department_id:
            attending = [
                people[pk]
                for pk, seat in seats.items()
                if seat.department_id == participant.department_id and pk in people
            ]
            departments.append(
                (participant.department, participant.get_attendance_display(), attending)
            )
        else:
            invited.append(participant.person)
    departments.sort(key=lambda row: (row[0].sort_order, row[0].code))
    return departments, invited


@login_required
def series_detail(request, pk):
    person = _person(request)
    series = selectors.series_for(person, pk)
    now = timezone.now()
    services.extend_horizon(series.organization, now + UPCOMING)
    departments, invited = _participants(series)
    context = {
        "series": series,
        "rule_text": recurrence.describe(series.rule, series.time_zone),
        "place": services.place_of(series.room, series.online_link),
        "departments": departments,
        "invited": invited,
        "upcoming": list(
            series.meetings.filter(end__gt=now).select_related("room").order_by("start")[:12]
        ),
        "exceptions": list(
            series.meetings.filter(overridden=True).select_related("room").order_by("-start")[:20]
        ),
        "events": list(
            series.events.select_related("actor", "meeting").order_by("-at", "-pk")[:50]
        ),
        "may_manage": services.may_manage_series(person, series),
    }
    return render(request, "meetings/series_detail.html", context)


@login_required
def series_ics(request, pk):
    series = selectors.series_for(_person(request), pk)
    return _ics(calendar_feed.render(selectors.calendar_for(series)), f"series-{series.pk}.ics")


# One meeting.


@login_required
def detail(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    now = timezone.now()
    departments, invited = _participants(meeting.series or meeting)
    calls = list(
        meeting.calls.select_related("person").order_by("confirmed_at", "person__name_pinyin")
    )
    mine = next((call for call in calls if call.person_id == person.pk), None)
    upcoming = meeting.state == MeetingState.SCHEDULED and meeting.end > now
    clashes = (
        services.find_clashes(
            meeting.organization,
            [(meeting.start, meeting.end)],
            services.seats_of(meeting),
            meeting.room,
            exclude_meeting=meeting,
        )
        if upcoming
        else []
    )
    may_manage = services.may_manage_meeting(person, meeting)
    context = {
        "meeting": meeting,
        "place": services.place_of(meeting.room, meeting.online_link),
        "departments": departments,
        "invited": invited,
        "calls": calls,
        "confirmed": sum(1 for call in calls if call.confirmed_at),
        "may_confirm": upcoming and mine is not None and mine.confirmed_at is None,
        "clashes": clashes,
        "may_change": may_manage and upcoming and meeting.start > now,
        "move_form": MoveForm(meeting),
        "events": list(meeting.events.select_related("actor").order_by("-at", "-pk")),
    }
    # Opening the page with approved minutes is reading them (the receipt, 回执).
    services.read_minutes(meeting, person)
    context.update(_record_context(person, meeting))
    return render(request, "meetings/detail.html", context)


@login_required
@require_POST
def move(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = MoveForm(meeting, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("meetings:detail", pk=meeting.pk)
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
    except MatterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is moved; its participants are told."))
        _warn(request, clashes)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def cancel(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    try:
        services.cancel_meeting(meeting, person, reason=request.POST.get("reason", ""))
    except MatterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The meeting is cancelled; its participants are told."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def confirm(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    try:
        services.confirm_attendance(meeting, person)
    except MatterError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Thank you: your attendance is confirmed."))
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
def meeting_ics(request, pk):
    meeting = selectors.meeting_for(_person(request), pk)
    calendar = selectors.Calendar(meeting.headline, [], {}, {}, [meeting])
    return _ics(calendar_feed.render(calendar), f"meeting-{meeting.pk}.ics")


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
        except MatterError as error:
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


# My meetings and my calendar address.


@login_required
def mine(request):
    person = _person(request)
    feed = services.feed_of(person)
    address = request.build_absolute_uri(reverse("meetings:feed", args=[feed.token]))
    return render(
        request,
        "meetings/mine.html",
        {
            "meetings": selectors.upcoming_for(person),
            "calls": {
                call.meeting_id: call
                for call in EmergencyCall.objects.filter(person=person, confirmed_at=None)
            },
            "feed_url": address,
            "webcal_url": "webcal://" + address.split("://", 1)[1],
        },
    )


@login_required
@require_POST
def reset_feed(request):
    services.reset_feed(_person(request))
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("meetings:mine")


def feed(request, token):
    """A person's calendar for calendar apps: no login, the secret address is the key."""
    found = get_object_or_404(
        CalendarFeed.objects.select_related("person__organization"),
        token=token,
        person__is_active=True,
    )
    person = found.person
    calendar = selectors.calendar_of(selectors.Scope(person.organization, person=person))
    response = _ics(calendar_feed.render(calendar))
    response["Cache-Control"] = "private, max-age=300"
    return response


# The agenda, attendance and minutes of a meeting (cards on its page).


def _record_context(person: Person, meeting: Meeting) -> dict:
    """What the agenda, attendance and minutes cards of the meeting page need."""
    now = timezone.now()
    agenda_open = meeting.state == MeetingState.SCHEDULED
    may_manage = services.may_manage_meeting(person, meeting)
    previous, carried = selectors.carried_actions(meeting)
    minutes = selectors.minutes_of(meeting)
    started = meeting.state != MeetingState.CANCELLED and meeting.start <= now
    may_record = started and services.may_record(person, meeting)
    draft = minutes is None or not minutes.is_approved
    return {
        "agenda": selectors.agenda_of(meeting, person),
        "agenda_open": agenda_open,
        "may_arrange": agenda_open and may_manage,
        "may_propose": agenda_open and (may_manage or now < meeting.cutoff),
        "item_form": ItemForm(person, auto_id="new-item-%s"),
        "cutoff_form": CutoffForm(meeting),
        "previous": previous,
        "carried": carried,
        "attendance": selectors.attendance_of(meeting),
        "presences": Presence.choices,
        "may_record": may_record and draft,
        "minutes": minutes,
        "decisions": list(
            minutes.decisions.select_related("owner_department", "responsible", "matter")
        )
        if minutes
        else [],
        "may_write": may_record and draft,
        "may_approve": started
        and minutes is not None
        and draft
        and services.may_approve(person, meeting),
        "receipts": selectors.receipts_of(minutes) if minutes and minutes.is_approved else [],
        **_choices(meeting.organization),
    }


def _choices(organization) -> dict:
    """The people and the departments the minutes and attendance forms offer."""
    return {
        "people": list(
            Person.objects.filter(organization=organization, is_active=True).order_by(
                "name_pinyin", "pk"
            )
        ),
        "owner_departments": list(
            Department.objects.filter(organization=organization, is_active=True)
            .exclude(kind=DepartmentKind.EXTERNAL)
            .order_by("sort_order", "code")
        ),
    }


def _back(meeting: Meeting, anchor: str):
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + f"#{anchor}")


def _refused(request, error: MatterError) -> None:
    messages.error(request, error.message)


def _matter_by_number(person: Person, number: str):
    """The matter of that number the person may see, or None for no number."""
    number = (number or "").strip()
    if not number:
        return None
    matter = Matter.objects.filter(organization=person.organization, number=number).first()
    if matter is None or not can_view(person, matter):
        raise InvalidInput(_("No matter %(number)s that you can see.") % {"number": number})
    return matter


def _item_of(person: Person, pk) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting", "matter"),
        pk=pk,
        meeting__organization_id=person.organization_id,
    )


@login_required
@require_POST
def propose_item(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = ItemForm(person, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back(meeting, "agenda")
    try:
        matter = _matter_by_number(person, form.cleaned_data.get("matter"))
        item = services.propose_item(meeting, person, form.item_input(matter))
    except MatterError as error:
        _refused(request, error)
    else:
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
    person = _person(request)
    item = _item_of(person, pk)
    form = ItemForm(person, request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return _back(item.meeting, "agenda")
    try:
        services.arrange_item(item, person, form.item_input(item.matter))
    except MatterError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The agenda item is saved."))
    return _back(item.meeting, "agenda")


@login_required
@require_POST
def decide_item(request, pk):
    person = _person(request)
    item = _item_of(person, pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_item(item, person, accept=accept, reason=request.POST.get("reason", ""))
    except MatterError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("The item is accepted.") if accept else _("The item is declined.")
        )
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
        except MatterError as error:
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
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    form = CutoffForm(meeting, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose when the agenda closes."))
        return _back(meeting, "agenda")
    try:
        services.set_agenda_cutoff(meeting, person, form.cleaned_data["cutoff"])
    except MatterError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The agenda closing time is saved."))
    return _back(meeting, "agenda")


@login_required
@require_POST
def record_attendance(request, pk):
    """One row per expected person: presence_<id>, reason_<id>, substitute_<id>; rows
    left without a choice are not recorded."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    people = {p.pk: p for p in Person.objects.filter(organization=person.organization)}
    rows = []
    for key, presence in request.POST.items():
        pk = key.removeprefix("presence_")
        if key == pk or not pk.isdigit() or not presence:
            continue
        substitute = request.POST.get(f"substitute_{pk}") or ""
        rows.append(
            services.PresenceInput(
                people.get(int(pk)),
                presence,
                request.POST.get(f"reason_{pk}", ""),
                people.get(int(substitute)) if substitute.isdigit() else None,
            )
        )
    try:
        services.record_attendance(meeting, person, rows)
    except MatterError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Attendance is recorded."))
    return _back(meeting, "attendance")


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def save_minutes(request, pk):
    """The minutes form: the summary, the recorder, and decision rows as parallel lists
    (rows without a decision are left out)."""
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    departments = Department.objects.in_bulk(
        [int(v) for v in request.POST.getlist("decision_owner") if v.isdigit()]
    )
    people = Person.objects.filter(organization=person.organization).in_bulk(
        [
            int(v)
            for v in (*request.POST.getlist("decision_responsible"), request.POST.get("recorder"))
            if v and v.isdigit()
        ]
    )

    def pick(found: dict, value: str | None):
        return found.get(int(value)) if value and value.isdigit() else None

    decisions = []
    for title, detail, owner, responsible, due in zip(
        request.POST.getlist("decision_title"),
        request.POST.getlist("decision_detail"),
        request.POST.getlist("decision_owner"),
        request.POST.getlist("decision_responsible"),
        request.POST.getlist("decision_due"),
        strict=False,
    ):
        if title.strip():
            decisions.append(
                services.DecisionInput(
                    title=title,
                    detail=detail,
                    owner_department=pick(departments, owner),
                    responsible=pick(people, responsible),
                    due=_date(due),
                )
            )
    try:
        services.save_minutes(
            meeting,
            person,
            services.MinutesInput(
                summary=request.POST.get("summary", ""),
                recorder=pick(people, request.POST.get("recorder")),
                decisions=tuple(decisions),
            ),
        )
    except MatterError as error:
        _refused(request, error)
    else:
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
    except MatterError as error:
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


def _minutes_or_404(meeting: Meeting):
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404
    return minutes


@login_required
def minutes_docx(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    minutes = _minutes_or_404(meeting)
    services.read_minutes(meeting, person)
    response = HttpResponse(
        minutes_document.render(meeting, minutes),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.pk}.docx"'
    return response


@login_required
def minutes_print(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    minutes = _minutes_or_404(meeting)
    services.read_minutes(meeting, person)
    attendance = selectors.attendance_of(meeting)
    return render(
        request,
        "meetings/minutes_print.html",
        {
            "meeting": meeting,
            "minutes": minutes,
            "place": services.place_of(meeting.room, meeting.online_link),
            "decisions": list(
                minutes.decisions.select_related("owner_department", "responsible", "matter")
            ),
            "present": [(p, r) for p, r in attendance if r and r.presence != Presence.ABSENT],
            "absent": [(p, r) for p, r in attendance if r and r.presence == Presence.ABSENT],
        },
    )

"""The month calendar, my meetings with my secret calendar address, and the calendar
files (.ics) of a series, a meeting and a person.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.org.models import Department, Person

from .. import calendar_feed, policy, selectors, services
from ..models import CalendarFeed, EmergencyCall, Room
from .common import _ics, _person

#: How far the month calendar goes from this month, either way.
MONTHS_AROUND = 60


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
        context = {"meetings": selectors.day_meetings(scope, day, person)[selectors.DAY_SHOWS :]}
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
        "weeks": selectors.month_grid(scope, first.year, first.month, person, expanded=day),
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
        "may_organize": policy.organizable_departments(person).exists(),
    }
    if request.htmx and request.htmx.target == "meetings-calendar":
        return render(request, "meetings/_month.html", context)
    return render(request, "meetings/calendar.html", context)


@login_required
def series_ics(request, pk):
    person = _person(request)
    series = selectors.series_for(person, pk)
    return _ics(
        calendar_feed.render(selectors.calendar_for(series), person), f"series-{series.pk}.ics"
    )


@login_required
def meeting_ics(request, pk):
    person = _person(request)
    meeting = selectors.meeting_for(person, pk)
    calendar = selectors.Calendar(selectors.shown(meeting, person).headline, [], {}, {}, [meeting])
    return _ics(calendar_feed.render(calendar, person), f"meeting-{meeting.pk}.ics")


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
            "waiting": selectors.waiting_for(person),
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
    # The feed's owner is its reader: their calendar app shows it to nobody else.
    response = _ics(calendar_feed.render(calendar, person))
    response["Cache-Control"] = "private, max-age=300"
    return response

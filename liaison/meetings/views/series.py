"""Series pages: the list, a series with its coming meetings, and its form."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import ServiceError
from liaison.org.models import Department, Person

from .. import policy, recurrence, selectors, services
from ..forms import SeriesForm
from ..models import Meeting, MeetingSeries, MeetingState
from .common import _participants, _person, _warn

#: A series page lists its meetings of the coming three months at least.
UPCOMING = datetime.timedelta(days=92)


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
        {"rows": rows, "may_organize": policy.organizable_departments(person).exists()},
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
        except ServiceError as error:
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
    if not policy.may_manage_series(person, series):
        messages.error(request, _("Only the chair and the organizers can change this series."))
        return redirect("meetings:series", pk=series.pk)
    return _series_form(request, person, series)


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
        "may_manage": policy.may_manage_series(person, series),
    }
    return render(request, "meetings/series_detail.html", context)

"""What the meeting pages share: the signed-in person, clash warnings, calendar files,
participant rows and the choices of the record forms.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from liaison.core.errors import ServiceError
from liaison.org.models import Department, DepartmentKind, Person

from .. import selectors, services
from ..models import Meeting


def _person(request) -> Person:
    """The signed-in person; a login without a person record has no meetings (404)."""
    if not request.person:  # a lazy object: test what it wraps
        raise Http404
    return request.person


def _warn(request, clashes) -> None:
    for clash in selectors.clashes_seen_by(clashes, _person(request)):
        messages.warning(request, _("Clash: %(message)s") % {"message": clash.message})


def _ics(content: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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


def _refused(request, error: ServiceError) -> None:
    messages.error(request, error.message)

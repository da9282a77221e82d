"""Meeting series (例会): scheduling and changing them."""

import datetime
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed
from liaison.core.plain import checked_zone, plain
from liaison.inbox.texts import Text
from liaison.org.models import Department, Person

from .. import policy, recurrence
from ..models import EventType, Meeting, MeetingKind, MeetingSeries, Participant, Room
from .clashes import Clash, find_clashes
from .common import (
    EARLIEST_START,
    HORIZON,
    SLACK,
    _check_duration,
    _check_organizer,
    _check_people,
    _check_place,
    _event,
    _require_text,
    _tell,
)
from .occurrences import _future_spans, _materialize, _resync
from .seats import seats_of
from .told import summary_text


@dataclass
class SeriesInput:
    title: str
    kind: str
    organizer: Department | None
    rule: str
    start_date: datetime.date | None
    start_time: datetime.time | None
    duration: int | None
    room: Room | None = None
    online_link: str = ""
    chair: Person | None = None
    departments: tuple = ()  # (Department, attendance) pairs
    people: tuple = ()
    description: str = ""
    time_zone: str = field(default_factory=lambda: settings.TIME_ZONE)
    for_leading_group: bool = False
    minutes_open_to_organization: bool = False


def _checked_series(
    person: Person, data: SeriesInput, *, first_day_unchanged: bool, series_pk: int | None = None
) -> tuple[str, str]:
    """Check everything about a series but the right to organize it; returns the
    canonical rule and the online link."""
    organization = person.organization
    _require_text(data.title, _("Give the meeting a title."))
    if data.kind not in MeetingKind.values or data.kind == MeetingKind.EMERGENCY:
        raise InvalidInput(_("Choose the kind of meeting."))
    if not isinstance(data.start_date, datetime.date):
        raise InvalidInput(_("Choose the first day."))
    if not isinstance(data.start_time, datetime.time):
        raise InvalidInput(_("Choose the start time."))
    data.start_time = data.start_time.replace(second=0, microsecond=0)
    if not first_day_unchanged and data.start_date < timezone.localdate() - EARLIEST_START:
        raise InvalidInput(_("The first day can be at most a year ago."))
    _check_duration(data.duration)
    zone = checked_zone(data.time_zone)
    link = _check_place(organization, data.room, data.online_link)
    _check_people(organization, data.chair, data.departments, data.people)
    if data.for_leading_group:
        other = (
            MeetingSeries.objects.filter(organization=organization, for_leading_group=True)
            .exclude(pk=series_pk)
            .first()
        )
        if other is not None:
            raise InvalidInput(
                _("%(title)s is already the leading group's meeting.") % {"title": other.title}
            )
    try:
        rule, _expanded = recurrence.build(data.rule, data.start_date, data.start_time, zone)
    except recurrence.RuleError as error:
        raise InvalidInput(error.message) from error
    return rule, link


def _start_of(series: MeetingSeries) -> datetime.datetime:
    return datetime.datetime.combine(
        series.start_date, datetime.time.min, tzinfo=ZoneInfo(series.time_zone)
    )


def _set_participants(owner: MeetingSeries | Meeting, departments, people) -> None:
    owner.participants.all().delete()
    of = {"series": owner} if isinstance(owner, MeetingSeries) else {"meeting": owner}
    Participant.objects.bulk_create(
        [
            *(Participant(**of, department=d, attendance=a) for d, a in departments),
            *(Participant(**of, person=p) for p in people),
        ]
    )


@transaction.atomic
def create_series(person: Person, data: SeriesInput) -> tuple[MeetingSeries, list[Clash]]:
    """Schedule a series (例会): its occurrences are created a year ahead, everyone it
    invites is told, and the clashes of its coming meetings are returned."""
    organizer = _check_organizer(person, data.organizer)
    rule, link = _checked_series(person, data, first_day_unchanged=False)
    now = timezone.now()
    series = MeetingSeries(
        organization=person.organization,
        title=data.title.strip(),
        kind=data.kind,
        organizer=organizer,
        chair=data.chair,
        rule=rule,
        start_date=data.start_date,
        start_time=data.start_time,
        duration=data.duration,
        time_zone=data.time_zone,
        room=data.room,
        online_link=link,
        description=(data.description or "").strip(),
        for_leading_group=data.for_leading_group,
        minutes_open_to_organization=bool(data.minutes_open_to_organization),
        created_by=person,
        created_at=now,
        updated_at=now,
    )
    series.materialized_until = _start_of(series)
    series.save()
    _set_participants(series, data.departments, data.people)
    _materialize(series, now + HORIZON + SLACK)
    _event(
        series.organization_id,
        EventType.SERIES_CREATED,
        person,
        series=series,
        **_facts(series),
    )
    seats = seats_of(series)
    _tell(
        seats,
        person,
        series,
        series.title,
        Text(gettext_noop("You are invited: %(summary)s"), summary=summary_text(series)),
        invite=True,
    )
    clashes = find_clashes(
        series.organization,
        _future_spans(series.meetings.filter(start__lt=now + HORIZON)),
        seats,
        series.room,
        exclude_series=series,
    )
    return series, clashes


def _facts(series: MeetingSeries) -> dict:
    """What the timeline keeps of a series' settings, as plain values."""
    facts = {
        "title": series.title,
        "kind": series.kind,
        "organizer": series.organizer,
        "chair": series.chair,
        "rule": series.rule,
        "start_date": series.start_date,
        "start_time": series.start_time,
        "duration": series.duration,
        "time_zone": series.time_zone,
        "room": series.room,
        "online_link": series.online_link,
        "description": series.description,
        "for_leading_group": series.for_leading_group,
        "minutes_open_to_organization": series.minutes_open_to_organization,
        "departments": sorted(
            f"{p.department.code}:{p.attendance}"
            for p in series.participants.filter(department__isnull=False).select_related(
                "department"
            )
        ),
        "people": sorted(
            p.person.employee_number
            for p in series.participants.filter(person__isnull=False).select_related("person")
        ),
    }
    return plain(facts)


def _lock_series(series: MeetingSeries) -> MeetingSeries:
    return (
        MeetingSeries.objects.select_for_update(of=("self",))
        .select_related("organization", "organizer", "chair", "room")
        .get(pk=series.pk)
    )


@transaction.atomic
def edit_series(
    series: MeetingSeries, person: Person, data: SeriesInput
) -> tuple[MeetingSeries, list[Clash]]:
    """Change a series. Its future occurrences that were not moved or cancelled on their
    own follow the change; past ones, and those changed on their own, stay. Everyone
    invited before or after is told."""
    series = _lock_series(series)
    if not policy.may_manage_series(person, series):
        raise NotAllowed(
            _("Only the chair and the organizers of %(title)s can change it.")
            % {"title": series.title}
        )
    if data.organizer != series.organizer:
        _check_organizer(person, data.organizer)
    rule, link = _checked_series(
        person,
        data,
        first_day_unchanged=data.start_date == series.start_date,
        series_pk=series.pk,
    )
    before = _facts(series)
    invited_before = set(seats_of(series))
    series.title = data.title.strip()
    series.kind = data.kind
    series.organizer = data.organizer
    series.chair = data.chair
    series.rule = rule
    series.start_date = data.start_date
    series.start_time = data.start_time
    series.duration = data.duration
    series.time_zone = data.time_zone
    series.room = data.room
    series.online_link = link
    series.description = (data.description or "").strip()
    series.for_leading_group = data.for_leading_group
    series.minutes_open_to_organization = bool(data.minutes_open_to_organization)
    _set_participants(series, data.departments, data.people)
    after = _facts(series)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if not changes:
        return series, []
    now = timezone.now()
    series.sequence += 1
    series.updated_at = now
    series.save()
    _resync(series, now)
    _event(series.organization_id, EventType.SERIES_CHANGED, person, series=series, changes=changes)
    seats = seats_of(series)
    _tell(
        invited_before | set(seats),
        person,
        series,
        series.title,
        Text(gettext_noop("Changed: %(summary)s"), summary=summary_text(series)),
        invite=True,
    )
    clashes = find_clashes(
        series.organization,
        _future_spans(series.meetings.filter(start__lt=now + HORIZON)),
        seats,
        series.room,
        exclude_series=series,
    )
    return series, clashes

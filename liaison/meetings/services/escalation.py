"""Matters escalated to the leading group go on the agenda of its next meeting: the
matters tell it through their reached_leading_group signal (liaison.meetings.receivers).
The item copies the matter's title and number; selectors.record leaves them out for
readers who may not see the matter."""

from django.utils import timezone

from liaison.matters.models import Matter
from liaison.org.models import Person

from ..models import (
    AgendaItem,
    EventType,
    ItemSource,
    ItemState,
    Meeting,
    MeetingSeries,
    MeetingState,
)
from .agenda import _next_position
from .common import HORIZON, SLACK, _event
from .occurrences import _materialize


def next_leading_group_meeting(organization_id: int) -> Meeting | None:
    series = MeetingSeries.objects.filter(
        organization_id=organization_id, for_leading_group=True
    ).first()
    if series is None:
        return None
    now = timezone.now()
    if series.materialized_until < now + HORIZON:
        _materialize(series, now + HORIZON + SLACK)
    return (
        series.meetings.filter(state=MeetingState.SCHEDULED, start__gt=now)
        .order_by("start")
        .first()
    )


def put_on_leading_group_agenda(matter: Matter, actor: Person | None) -> AgendaItem | None:
    """A matter escalated to the leading group goes on the agenda of the leading group's
    next meeting (the series marked `for_leading_group`) by itself, accepted: the ladder
    ends there. Nothing happens without such a series, or when it is already on it."""
    meeting = next_leading_group_meeting(matter.organization_id)
    return put_escalated_on_agenda(meeting, matter, actor) if meeting is not None else None


def put_escalated_on_agenda(
    meeting: Meeting, matter: Matter, actor: Person | None
) -> AgendaItem | None:
    """put_on_leading_group_agenda, for a caller that has found the next meeting already
    (the receiver, which looks it up once per sweep)."""
    if meeting.agenda.filter(matter=matter).exists():
        return None
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=matter.title,
        description=matter.number,
        department=matter.lead_department or matter.originator_department,
        matter=matter,
        state=ItemState.ACCEPTED,
        source=ItemSource.ESCALATED,
        proposed_by=actor,
    )
    _event(
        meeting.organization_id,
        EventType.ITEM_ESCALATED,
        actor,
        meeting=meeting,
        item=item.pk,
        title=item.title,
        matter=matter.number,
    )
    return item

"""The shared internals of every action: the locked row, the timeline, who is told."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.core.plain import plain
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.org.models import Department, Person

from ..models import EventType, Matter, MatterEvent, Urgency


def lock_matter(matter: Matter) -> Matter:
    """The matter's row, locked until the transaction ends. Only the matter's own row:
    PostgreSQL refuses FOR UPDATE on the nullable side of an outer join (lead, owner,
    responsible person), and locking the joined rows would serialize every action in the
    organization on its row."""
    return (
        Matter.objects.select_for_update(of=("self",))
        .select_related(
            "organization",
            "organization__coordinating_department",
            "kind",
            "originator",
            "originator_department",
            "lead_department",
            "owner_department",
            "responsible_person",
        )
        .get(pk=matter.pk)
    )


def record_event(matter: Matter, type_: str, actor: Person | None, **kwargs) -> MatterEvent:
    """Append an event to the matter's timeline now (see event_row for the arguments)."""
    event = event_row(matter, type_, actor, **kwargs)
    event.save()
    return event


def event_row(
    matter: Matter,
    type_: str,
    actor: Person | None,
    *,
    department: Department | None = None,
    from_state: str = "",
    reason: str = "",
    text: str = "",
    internal: bool = False,
    at: datetime.datetime | None = None,
    **data,
) -> MatterEvent:
    return MatterEvent(
        matter=matter,
        type=type_,
        at=at or timezone.now(),
        actor=actor,
        actor_department=department,
        from_state=from_state,
        to_state=matter.state
        if (from_state and from_state != matter.state) or type_ in _STATE_EVENTS
        else "",
        owner_department=matter.owner_department if matter.is_open else None,
        reason=reason,
        text=text,
        is_internal=internal,
        data=plain(data),
    )


_STATE_EVENTS = {
    EventType.SUBMITTED,
    EventType.DISPATCHED,
    EventType.ACCEPTED,
    EventType.RETURNED,
    EventType.TRANSFERRED,
    EventType.REPLIED,
    EventType.CONFIRMED,
    EventType.REOPENED,
    EventType.ESCALATED,
    EventType.CLOSED,
    EventType.WITHDRAWN,
    EventType.ARCHIVED,
}


def matter_url(matter: Matter) -> str:
    return reverse("matters:detail", args=[matter.pk])


def notice_for(
    matter: Matter,
    people,
    ask: str,
    actor: Person | None,
    detail: str | Text = "",
    *,
    urgent: bool = False,
    url: str | None = None,
) -> dict:
    """What notify() is given about a matter."""
    return {
        "recipients": people,
        "ask": ask,
        "title": f"{matter.number} {matter.title}",
        # A Text is translated for each reader; other text is what a person wrote.
        "detail": detail if isinstance(detail, Text) else str(detail),
        "url": url or matter_url(matter),
        "subject": matter,
        "exclude": actor,
        "urgent": urgent or matter.urgency == Urgency.EMERGENCY,
    }


def tell_about(
    matter: Matter,
    people,
    ask: str,
    actor: Person | None,
    detail: str | Text = "",
    *,
    urgent: bool = False,
) -> None:
    notify(**notice_for(matter, people, ask, actor, detail, urgent=urgent))


def require_text(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def check_department(matter: Matter, department: Department, label: str) -> None:
    if department.organization_id != matter.organization_id or not department.is_active:
        raise InvalidInput(
            _("%(label)s: %(department)s cannot take matters.")
            % {"label": label, "department": department}
        )

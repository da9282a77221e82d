"""The agenda (议题): proposals, the organizers' decisions on them, their arrangement and
order, and when proposals close.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.core.plain import plain, when_text
from liaison.inbox.texts import Text
from liaison.matters.models import Matter
from liaison.org.models import Person
from liaison.org.roles import department_of, handlers_of

from .. import policy
from ..models import AgendaItem, EventType, ItemState, Meeting, MeetingState
from .common import (
    _check_duration,
    _event,
    _lock_agenda_meeting,
    _meeting_person,
    _named,
    _require_manage,
    _require_text,
    _tell,
)


def _require_open_agenda(meeting: Meeting, person: Person) -> None:
    """The agenda changes until the meeting is held or cancelled."""
    if meeting.state == MeetingState.CANCELLED:
        raise WrongState(
            _("%(meeting)s was cancelled at %(time)s.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.cancelled_at)}
        )
    if meeting.state == MeetingState.HELD:
        raise WrongState(
            _("%(meeting)s was held; its agenda is closed.") % {"meeting": _named(meeting, person)}
        )


@dataclass
class ItemInput:
    title: str
    description: str = ""
    matter: Matter | None = None
    presenter: Person | None = None
    minutes: int | None = None
    prebriefing: str = ""
    prebriefed: tuple = ()  # people who may read the pre-briefing


def _check_item(meeting: Meeting, person: Person, data: ItemInput) -> str:
    title = _require_text(data.title, _("Give the agenda item a title."), "title")
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."), "title")
    if data.matter is not None and (
        data.matter.organization_id != meeting.organization_id
        or not policy.may_see_matter(person, data.matter)
    ):
        raise NotAllowed(_("You cannot see this matter."), "matter")
    _meeting_person(meeting, data.presenter, "presenter")
    for someone in data.prebriefed:
        _meeting_person(meeting, someone, "prebriefed")
    if data.minutes is not None:
        _check_duration(data.minutes, "minutes")
    if data.prebriefed and not (data.prebriefing or "").strip():
        raise InvalidInput(_("Write the pre-briefing for the people you name."), "prebriefing")
    if (data.prebriefing or "").strip() and not data.prebriefed:
        raise InvalidInput(_("Name the people the pre-briefing is for."), "prebriefed")
    return title


def _next_position(meeting: Meeting) -> int:
    last = meeting.agenda.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def set_agenda_cutoff(meeting: Meeting, person: Person, cutoff: datetime.datetime) -> Meeting:
    """The organizers set when proposals close for one meeting (by default AGENDA_CUTOFF
    before its start)."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting, person)
    _require_manage(person, meeting)
    if meeting.is_emergency:
        raise WrongState(_("An emergency meeting takes proposals until it begins."))
    if not isinstance(cutoff, datetime.datetime):
        raise InvalidInput(_("Choose when the agenda closes."))
    if cutoff > meeting.start:
        raise InvalidInput(_("The agenda must close before the meeting starts."))
    before = meeting.cutoff
    meeting.agenda_cutoff = cutoff.replace(second=0, microsecond=0)
    meeting.save(update_fields=["agenda_cutoff"])
    _event(
        meeting.organization_id,
        EventType.CUTOFF_SET,
        person,
        meeting=meeting,
        before=before,
        after=meeting.agenda_cutoff,
    )
    return meeting


@transaction.atomic
def propose_item(meeting: Meeting, person: Person, data: ItemInput) -> AgendaItem:
    """A department proposes an agenda item (议题) until the agenda closes; its head,
    deputies and liaison officer, and anyone expected at the meeting, may. The
    organizers may add items later too: they decide what the meeting discusses."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting, person)
    manages = policy.may_manage_meeting(person, meeting)
    department = policy.invited_department(meeting, person)
    if not manages and not policy.is_invited_to_propose(person, meeting):
        raise NotAllowed(
            _("Only the departments and people invited to %(meeting)s propose its agenda.")
            % {"meeting": _named(meeting, person)}
        )
    now = timezone.now()
    if now >= meeting.cutoff and not manages:
        raise WrongState(
            _("The agenda of %(meeting)s closed at %(time)s; ask the organizers.")
            % {"meeting": _named(meeting, person), "time": when_text(meeting.cutoff)}
        )
    title = _check_item(meeting, person, data)
    if data.matter is not None and meeting.agenda.filter(matter=data.matter).exists():
        raise WrongState(
            _("%(number)s is already on the agenda.") % {"number": data.matter.number}, "matter"
        )
    prebriefing = (data.prebriefing or "").strip()
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        description=(data.description or "").strip(),
        department=department or department_of(person, []),
        matter=data.matter,
        presenter=data.presenter,
        minutes=data.minutes,
        # What the organizers add is on the agenda at once.
        state=ItemState.ACCEPTED if manages else ItemState.PROPOSED,
        prebriefing=prebriefing,
        prebriefing_by=person if prebriefing else None,
        proposed_by=person,
        proposed_at=now,
    )
    item.prebriefed.set(data.prebriefed)
    _event(
        meeting.organization_id,
        EventType.ITEM_PROPOSED,
        person,
        meeting=meeting,
        item=item.pk,
        title=title,
        department=item.department,
        matter=data.matter.number if data.matter else "",
    )
    if not manages:
        _tell(
            _organizers(meeting),
            person,
            meeting,
            meeting.headline,
            Text(gettext_noop("Agenda item proposed: %(title)s"), title=title),
        )
    if prebriefing:
        _tell_prebriefed(item, person)
    return item


def _organizers(meeting: Meeting) -> list[int]:
    people = [p.pk for p in handlers_of(meeting.organizing_department)]
    if meeting.chair_person is not None:
        people.append(meeting.chair_person.pk)
    return people


def _tell_prebriefed(item: AgendaItem, actor: Person) -> None:
    _tell(
        list(item.prebriefed.values_list("pk", flat=True)),
        actor,
        item.meeting,
        item.meeting.headline,
        # Translators: a pre-briefing (通气) is a word in advance to the people concerned.
        Text(gettext_noop("Pre-briefing on: %(title)s"), title=item.title),
    )


def _lock_item(item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_for_update(of=("self",)).get(pk=item.pk)
    item.meeting = _lock_agenda_meeting(item.meeting)
    return item


@transaction.atomic
def decide_item(item: AgendaItem, person: Person, *, accept: bool, reason: str = "") -> AgendaItem:
    """The organizers accept a proposed item onto the agenda, or decline it with a reason."""
    item = _lock_item(item)
    meeting = item.meeting
    _require_open_agenda(meeting, person)
    _require_manage(person, meeting)
    wanted = ItemState.ACCEPTED if accept else ItemState.DECLINED
    if item.state == wanted:
        raise WrongState(
            _("%(title)s is already %(state)s.")
            % {"title": item.title, "state": item.get_state_display()}
        )
    item.state = wanted
    item.decline_reason = "" if accept else _require_text(reason, _("Say why it is declined."))
    item.save(update_fields=["state", "decline_reason"])
    _event(
        meeting.organization_id,
        EventType.ITEM_ACCEPTED if accept else EventType.ITEM_DECLINED,
        person,
        meeting=meeting,
        reason=item.decline_reason,
        item=item.pk,
        title=item.title,
    )
    if item.proposed_by_id:
        _tell(
            [item.proposed_by_id],
            person,
            meeting,
            meeting.headline,
            Text(gettext_noop("On the agenda: %(title)s"), title=item.title)
            if accept
            else Text(
                gettext_noop("Not on the agenda: %(title)s (%(reason)s)"),
                title=item.title,
                reason=item.decline_reason,
            ),
        )
    return item


@transaction.atomic
def arrange_item(item: AgendaItem, person: Person, data: ItemInput) -> AgendaItem:
    """The organizers (or whoever proposed it, while it is only proposed) change an
    item: title, presenter, time slot, pre-briefing and whom it is for."""
    item = _lock_item(item)
    meeting = item.meeting
    _require_open_agenda(meeting, person)
    if not policy.may_arrange_item(person, item):
        raise NotAllowed(
            _("Only the organizers of %(meeting)s arrange its agenda.")
            % {"meeting": _named(meeting, person)}
        )
    if item.prebriefing and not policy.may_read_prebriefing(person, item):
        # Who cannot read a pre-briefing cannot change it either; it stays as it is.
        data = ItemInput(
            **{
                **data.__dict__,
                "prebriefing": item.prebriefing,
                "prebriefed": tuple(item.prebriefed.all()),
            }
        )
    title = _check_item(meeting, person, ItemInput(**{**data.__dict__, "matter": None}))
    before = {
        "title": item.title,
        "presenter": item.presenter,
        "minutes": item.minutes,
        "prebriefing": item.prebriefing,
        "prebriefed": sorted(p.employee_number for p in item.prebriefed.all()),
    }
    prebriefing = (data.prebriefing or "").strip()
    item.title = title
    item.description = (data.description or "").strip()
    item.presenter = data.presenter
    item.minutes = data.minutes
    if prebriefing != item.prebriefing:
        item.prebriefing_by = person if prebriefing else None
    item.prebriefing = prebriefing
    item.save()
    item.prebriefed.set(data.prebriefed)
    after = {
        "title": item.title,
        "presenter": item.presenter,
        "minutes": item.minutes,
        "prebriefing": item.prebriefing,
        "prebriefed": sorted(p.employee_number for p in data.prebriefed),
    }
    # The timeline is visible to every participant: it says the pre-briefing changed,
    # never what it says.
    changes = {
        key: ([before[key], after[key]] if key != "prebriefing" else True)
        for key in after
        if plain(before[key]) != plain(after[key])
    }
    if changes:
        _event(
            meeting.organization_id,
            EventType.ITEM_ARRANGED,
            person,
            meeting=meeting,
            item=item.pk,
            changes=changes,
        )
        if "prebriefing" in changes or ("prebriefed" in changes and prebriefing):
            _tell_prebriefed(item, person)
    return item


@transaction.atomic
def order_agenda(meeting: Meeting, person: Person, item_ids: list[int]) -> list[AgendaItem]:
    """The organizers put the items in the order given (every item of the meeting, once)."""
    meeting = _lock_agenda_meeting(meeting)
    _require_open_agenda(meeting, person)
    _require_manage(person, meeting)
    items = {item.pk: item for item in meeting.agenda.all()}
    if sorted(item_ids) != sorted(items):
        raise InvalidInput(_("Give every agenda item of the meeting once."))
    before = sorted(items, key=lambda pk: (items[pk].position, pk))
    for position, pk in enumerate(item_ids, start=1):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    if before != list(item_ids):
        _event(
            meeting.organization_id,
            EventType.AGENDA_ORDERED,
            person,
            meeting=meeting,
            before=before,
            after=list(item_ids),
        )
    return [items[pk] for pk in item_ids]

"""What a person sees of one meeting's record: its agenda (with pre-briefings only for
the people named), its minutes (only for their readers), its attendance, and a linked
matter's number and title (only for who may see the matter: also in the titles of other
meetings a clash warning names)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from liaison.matters.models import OPEN_STATES, Matter
from liaison.org.models import Person

from .. import policy, services
from ..models import (
    AgendaItem,
    AttendanceRecord,
    Decision,
    ItemState,
    Meeting,
    MeetingState,
    Minutes,
    MinutesReceipt,
)

# A linked matter, as a person sees it.

#: What stands in a text for a matter's number or title the reader may not see.
HIDDEN = "…"


def without_matter(text: str, matter: Matter) -> str:
    """The text with the matter's number and title left out ("" when nothing else is
    left): escalated items and emergency meetings copy them into their own texts."""
    for secret in (matter.number, matter.title):
        if secret:
            text = text.replace(secret, HIDDEN)
    return "" if text.replace(HIDDEN, "").strip(" :：;；,，") == "" else text


@dataclass(frozen=True)
class Shown:
    """A meeting's headline and description as a person sees them, and its matter when
    they may see it (None otherwise, or when it has none)."""

    headline: str
    description: str
    matter: Matter | None
    matter_hidden: bool = False


def shown(meeting: Meeting, person: Person | None, visible: set[int] | None = None) -> Shown:
    """`visible`: the matter ids the person may see, when the caller read them already."""
    matter = meeting.matter if meeting.matter_id else None
    if matter is None:
        return Shown(meeting.headline, meeting.description, None)
    if visible is None:
        visible = policy.visible_matter_ids(person, [matter.pk])
    if matter.pk in visible:
        return Shown(meeting.headline, meeting.description, matter)
    return Shown(
        without_matter(meeting.headline, matter) or _("Emergency meeting"),
        without_matter(meeting.description, matter),
        None,
        matter_hidden=True,
    )


def shown_all(meetings: Iterable[Meeting], person: Person | None) -> list[tuple[Meeting, Shown]]:
    """Each meeting with what the person sees of it, their matters read in one query."""
    meetings = list(meetings)
    visible = policy.visible_matter_ids(person, [m.matter_id for m in meetings])
    return [(meeting, shown(meeting, person, visible)) for meeting in meetings]


def clashes_seen_by(
    clashes: Iterable[services.Clash], person: Person | None
) -> list[services.Clash]:
    """The clashes with the other meeting's title as the person sees it (a clash alone
    leaves out the other meeting's matter for everyone)."""
    clashes = list(clashes)
    others = {c.other.pk: c.other for c in clashes}.values()
    seen = {meeting.pk: as_seen.headline for meeting, as_seen in shown_all(others, person)}
    return [replace(c, headline=seen[c.other.pk]) for c in clashes]


@dataclass
class AgendaRow:
    """An agenda item as a person sees it: its time slot (accepted items, in order, from
    the meeting's start), its pre-briefing only when it is for them, and its matter (with
    the matter's number and title in its own texts) only when they may see the matter."""

    item: AgendaItem
    start: datetime.datetime | None
    end: datetime.datetime | None
    prebriefing: str
    title: str = ""
    description: str = ""
    matter: Matter | None = None
    matter_hidden: bool = False


def agenda_of(meeting: Meeting, person: Person | None) -> list[AgendaRow]:
    items = list(
        meeting.agenda.select_related(
            "department", "matter", "presenter", "proposed_by"
        ).prefetch_related("prebriefed")
    )
    visible = policy.visible_matter_ids(person, [item.matter_id for item in items])
    rows = []
    moment = meeting.start
    for item in items:
        start = end = None
        if item.state == ItemState.ACCEPTED and item.minutes:
            start, end = moment, moment + datetime.timedelta(minutes=item.minutes)
            moment = end
        prebriefing = item.prebriefing if policy.may_read_prebriefing(person, item) else ""
        row = AgendaRow(item, start, end, prebriefing, item.title, item.description, item.matter)
        if item.matter_id and item.matter_id not in visible:
            row.title = without_matter(item.title, item.matter) or _("An item on a matter")
            row.description = without_matter(item.description, item.matter)
            row.matter, row.matter_hidden = None, True
        rows.append(row)
    return rows


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The meeting of the same series held before this one."""
    if meeting.series_id is None:
        return None
    return (
        Meeting.objects.filter(
            series_id=meeting.series_id, state=MeetingState.HELD, start__lt=meeting.start
        )
        .order_by("-start")
        .first()
    )


def carried_actions(
    meeting: Meeting, person: Person | None
) -> tuple[Meeting | None, list[Decision]]:
    """The previous meeting of the series and its decisions whose matters are still open,
    with their current state: they come up again until they are done. They are of the
    previous meeting's minutes: only for those who may read those."""
    previous = previous_meeting(meeting)
    if previous is None or not policy.may_read_minutes(person, previous, minutes_of(previous)):
        return None, []
    decisions = list(
        Decision.objects.filter(
            minutes__meeting=previous,
            matter__state__in=[s.value for s in OPEN_STATES],
        ).select_related("matter", "owner_department", "responsible")
    )
    return previous, decisions


def minutes_of(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes, whoever asks: check policy.may_read_minutes before showing
    them (readable_minutes does)."""
    return (
        Minutes.objects.filter(meeting=meeting)
        .select_related("recorder", "approved_by", "updated_by")
        .first()
    )


def readable_minutes(meeting: Meeting, person: Person | None) -> Minutes | None:
    """The minutes when the person may read them; None when there are none or they may not
    (pages and the API answer 404 for both)."""
    minutes = minutes_of(meeting)
    return minutes if policy.may_read_minutes(person, meeting, minutes) else None


def receipts_of(minutes: Minutes) -> list[MinutesReceipt]:
    return list(minutes.receipts.select_related("person").order_by("read_at", "person__name"))


def attendance_of(meeting: Meeting) -> list[tuple[Person, AttendanceRecord | None]]:
    """Everyone expected, with what was recorded of them, the chair first."""
    seats = services.seats_of(meeting)
    records = {
        r.person_id: r for r in meeting.attendance.select_related("substitute", "recorded_by")
    }
    people = Person.objects.filter(pk__in=set(seats) | set(records)).order_by("name_pinyin")
    chair = meeting.chair_person
    rows = [(p, records.get(p.pk)) for p in people]
    rows.sort(key=lambda row: chair is None or row[0].pk != chair.pk)
    return rows

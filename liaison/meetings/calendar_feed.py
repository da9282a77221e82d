"""Calendars as iCalendar (RFC 5545) text, for Outlook, Apple Calendar, Thunderbird and
the like.

A series is one VEVENT with its rule (RRULE), starting at its first occurrence in its
own time zone (with a VTIMEZONE). Occurrences cancelled on their own are EXDATEs; moved
ones are VEVENTs of the same UID with the original time as RECURRENCE-ID. A moved
occurrence whose original time the rule no longer gives (the rule was changed since) is
added back as an RDATE, so that its RECURRENCE-ID still names an instance. One-off
meetings are VEVENTs of their own; cancelled ones are left out, so a subscribed calendar
drops them on its next refresh.

A meeting's matter (its number and title, also in an emergency meeting's own title and
description) is written only for a viewer who may see the matter: the feed's owner, the
person who downloads the file, nobody for invitations sent to many.
"""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.inbox.services import site_url

from . import policy, recurrence, selectors, services
from .models import Meeting, MeetingKind, MeetingSeries, MeetingState

PRODUCT = "-//Liaison//Meetings//ZH"


def _domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "liaison"


def series_uid(series: MeetingSeries) -> str:
    return f"series-{series.pk}@{_domain()}"


def meeting_uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}@{_domain()}"


def _in_rule(rule, moment: datetime.datetime) -> bool:
    return bool(rule.between(moment, moment, inc=True))


def _common(event: icalendar.Event, title: str, room, link: str, url: str, text: str) -> None:
    event.add("summary", title)
    location = services.place_of(room, "") or link
    if location:
        event.add("location", location)
    event.add("url", url)
    lines = [text] if text else []
    if link:
        lines.append(_("Online: %(link)s") % {"link": link})
    if lines:
        event.add("description", "\n".join(lines))


def _series_text(series: MeetingSeries) -> str:
    lines = [
        _("Organized by %(department)s") % {"department": series.organizer.name},
        recurrence.describe(series.rule, series.time_zone),
    ]
    if series.chair:
        lines.append(_("Chair: %(person)s") % {"person": series.chair.name})
    if series.description:
        lines.append(series.description)
    return "\n".join(lines)


def _series_events(series: MeetingSeries, exceptions, hidden, stamp) -> list[icalendar.Event]:
    rule = services.rule_of(series)
    first = recurrence.first_occurrence(rule)
    if first is None:
        return []
    zone = first.tzinfo
    length = datetime.timedelta(minutes=series.duration)
    uid = series_uid(series)
    master = icalendar.Event()
    master.add("uid", uid)
    master.add("dtstamp", stamp)
    master.add("created", series.created_at)
    master.add("last-modified", series.updated_at)
    master.add("sequence", series.sequence)
    master.add("dtstart", first)
    master.add("dtend", first + length)
    master.add("rrule", icalendar.vRecur.from_ical(series.rule))
    master.add("categories", [str(MeetingKind(series.kind).label)])
    master.add("status", "CONFIRMED")
    _common(
        master,
        series.title,
        series.room,
        series.online_link,
        site_url(services.series_url(series)),
        _series_text(series),
    )
    excluded = {moment for moment in hidden if _in_rule(rule, moment)}
    added = set()
    overrides = []
    for meeting in exceptions:
        original = meeting.recurrence_id.astimezone(zone)
        if meeting.state == MeetingState.CANCELLED:
            if _in_rule(rule, original):
                excluded.add(original)
            continue
        if not _in_rule(rule, original):
            added.add(original)
        override = icalendar.Event()
        override.add("uid", uid)
        override.add("dtstamp", stamp)
        override.add("recurrence-id", original)
        override.add("sequence", series.sequence)
        override.add("dtstart", meeting.start.astimezone(zone))
        override.add("dtend", meeting.end.astimezone(zone))
        override.add("status", "CONFIRMED")
        _common(
            override,
            series.title,
            meeting.room,
            meeting.online_link,
            site_url(services.meeting_url(meeting)),
            _series_text(series),
        )
        overrides.append(override)
    if excluded:
        master.add("exdate", sorted(moment.astimezone(zone) for moment in excluded))
    if added:
        master.add("rdate", sorted(added))
    return [master, *overrides]


def _single_event(meeting: Meeting, stamp, visible: set[int], viewer) -> icalendar.Event:
    zone = timezone.get_current_timezone()
    event = icalendar.Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("created", meeting.created_at)
    event.add("dtstart", meeting.start.astimezone(zone))
    event.add("dtend", meeting.end.astimezone(zone))
    event.add("status", "CONFIRMED")
    event.add("categories", [str(MeetingKind(meeting.kind).label)])
    if meeting.is_emergency:
        event.add("priority", 1)
    shown = selectors.shown(meeting, viewer, visible)
    lines = []
    organizer = meeting.organizing_department
    if organizer is not None:
        lines.append(_("Organized by %(department)s") % {"department": organizer.name})
    if shown.matter is not None:
        lines.append(f"{shown.matter.number} {shown.matter.title}")
    if shown.description:
        lines.append(shown.description)
    _common(
        event,
        shown.headline,
        meeting.room,
        meeting.online_link,
        site_url(services.meeting_url(meeting)),
        "\n".join(lines),
    )
    return event


def render(calendar: selectors.Calendar, viewer=None) -> bytes:
    """The calendar as an iCalendar file, as `viewer` (a Person, or None) may see it."""
    stamp = timezone.now().astimezone(datetime.UTC)
    ical = icalendar.Calendar()
    ical.add("prodid", PRODUCT)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add("x-wr-calname", calendar.name)
    ical.add("x-wr-timezone", settings.TIME_ZONE)
    # Subscribed calendars ask again within the hour.
    ical.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    ical.add("x-published-ttl", "PT1H")
    for series in calendar.series:
        for event in _series_events(
            series,
            calendar.exceptions.get(series.pk, ()),
            calendar.hidden.get(series.pk, ()),
            stamp,
        ):
            ical.add_component(event)
    visible = policy.visible_matter_ids(viewer, [m.matter_id for m in calendar.singles])
    for meeting in calendar.singles:
        ical.add_component(_single_event(meeting, stamp, visible, viewer))
    ical.add_missing_timezones()
    return ical.to_ical()

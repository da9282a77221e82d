"""Meetings (mechanism 8): rooms, recurring series, their occurrences, emergency meetings
and the record of what happened to them.

A series (例会) recurs by an RFC 5545 rule; its occurrences are stored as Meeting rows
for a horizon ahead (services.occurrences), each keeping the time the rule gave it
(`recurrence_id`). Moving or cancelling one occurrence marks it `overridden`: the series
no longer changes it, and calendars show it as an exception (RECURRENCE-ID or EXDATE).
A one-off meeting, such as an emergency meeting (紧急会议), has no series and carries its
own title, organizer and participants.

The database refuses a second occurrence for the same original time, a meeting that ends
before it starts, a cancellation without a reason, a participant row that names neither
or both of a department and a person, and an emergency meeting inside a series.
"""

from .agenda import AgendaItem, ItemSource, ItemState
from .attendance import AttendanceRecord, Presence
from .events import EventType, MeetingEvent
from .meetings import AGENDA_CUTOFF, CalendarFeed, EmergencyCall, Meeting, MeetingState, Participant
from .minutes import Decision, Minutes, MinutesReceipt, MinutesState
from .series import MAX_DURATION_MINUTES, Attendance, MeetingKind, MeetingSeries, Room

__all__ = [
    "AGENDA_CUTOFF",
    "MAX_DURATION_MINUTES",
    "AgendaItem",
    "Attendance",
    "AttendanceRecord",
    "CalendarFeed",
    "Decision",
    "EmergencyCall",
    "EventType",
    "ItemSource",
    "ItemState",
    "Meeting",
    "MeetingEvent",
    "MeetingKind",
    "MeetingSeries",
    "MeetingState",
    "Minutes",
    "MinutesReceipt",
    "MinutesState",
    "Participant",
    "Presence",
    "Room",
]

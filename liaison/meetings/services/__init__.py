"""Meeting series, their occurrences, emergency meetings, agendas, attendance and
minutes: the only place their state changes. Pages, the API and the demo call these
functions; who may do what is decided in liaison.meetings.policy.

Each action locks the row, checks the state and then the person's right, changes,
appends a MeetingEvent and notifies. Refusals raise liaison.core.errors (InvalidInput
400, NotAllowed 403, WrongState 409), which pages and the API show as the matters' are.
Clashes (会议撞车) are warnings, not refusals: scheduling, changing and moving return the
clashes they found.
"""

from liaison.core.errors import InvalidInput, NotAllowed, WrongState

from .agenda import (
    ItemInput,
    arrange_item,
    decide_item,
    order_agenda,
    propose_item,
    set_agenda_cutoff,
)
from .attendance import PresenceInput, record_attendance
from .clashes import Clash, find_clashes
from .common import FURTHEST, HORIZON, meeting_url, place_of, series_url
from .escalation import (
    next_leading_group_meeting,
    put_escalated_on_agenda,
    put_on_leading_group_agenda,
)
from .minutes import (
    DECISION_KIND,
    DecisionInput,
    MinutesInput,
    approve_minutes,
    read_minutes,
    save_minutes,
)
from .occurrences import extend_horizon, occurrence_times, rule_of
from .scheduling import (
    EmergencyInput,
    call_emergency_meeting,
    cancel_meeting,
    confirm_attendance,
    feed_of,
    move_meeting,
    reset_feed,
)
from .seats import Seat, seats_of
from .series import SeriesInput, create_series, edit_series

__all__ = [
    "DECISION_KIND",
    "FURTHEST",
    "HORIZON",
    "Clash",
    "DecisionInput",
    "EmergencyInput",
    "InvalidInput",
    "ItemInput",
    "MinutesInput",
    "NotAllowed",
    "PresenceInput",
    "Seat",
    "SeriesInput",
    "WrongState",
    "approve_minutes",
    "arrange_item",
    "call_emergency_meeting",
    "cancel_meeting",
    "confirm_attendance",
    "create_series",
    "decide_item",
    "edit_series",
    "extend_horizon",
    "feed_of",
    "find_clashes",
    "meeting_url",
    "move_meeting",
    "next_leading_group_meeting",
    "occurrence_times",
    "order_agenda",
    "place_of",
    "propose_item",
    "put_escalated_on_agenda",
    "put_on_leading_group_agenda",
    "read_minutes",
    "record_attendance",
    "reset_feed",
    "rule_of",
    "save_minutes",
    "seats_of",
    "series_url",
    "set_agenda_cutoff",
]

"""Meeting pages. Views are thin: they read the input, ask the policy what to offer,
call selectors and services, and render. A refusal of the services is shown as a message
(or on the form) and changes nothing; clashes are shown as warnings after the change."""

from .calendar import calendar, feed, meeting_ics, mine, reset_feed, series_ics
from .meeting import cancel, confirm, detail, emergency_new, move
from .record import (
    approve_minutes,
    arrange_item,
    decide_item,
    decision_row,
    minutes_docx,
    minutes_print,
    move_item,
    propose_item,
    record_attendance,
    save_minutes,
    set_cutoff,
)
from .series import series_detail, series_edit, series_list, series_new

__all__ = [
    "approve_minutes",
    "arrange_item",
    "calendar",
    "cancel",
    "confirm",
    "decide_item",
    "decision_row",
    "detail",
    "emergency_new",
    "feed",
    "meeting_ics",
    "mine",
    "minutes_docx",
    "minutes_print",
    "move",
    "move_item",
    "propose_item",
    "record_attendance",
    "reset_feed",
    "save_minutes",
    "series_detail",
    "series_edit",
    "series_ics",
    "series_list",
    "series_new",
    "set_cutoff",
]

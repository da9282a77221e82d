"""Supervision, urging and rectification: the only place their state changes.

Each action follows the matters' pattern (liaison.matters.services): lock the matter's
row, check the state and then the person's right (liaison.supervision.policy), change,
append an event to the matter's timeline, notify. Refusals raise the service errors of
liaison.core.errors (InvalidInput 400, NotAllowed 403, WrongState 409), so pages and the
API show them as they do the matters'.

Accepting a reply ends the supervision even while the matter itself is still open: the
reply is what the supervision asked for, and the matter's own deadlines, reminders and
confirmation keep following the rest. A supervision that asks for no reply ends when its
matter is no longer open (done by the sweep).
"""

from .common import active_supervision, holders_of
from .rectifying import review_rectification, submit_rectification
from .supervising import URGE_INTERVAL, supervise, urge
from .sweep import sweep

__all__ = [
    "URGE_INTERVAL",
    "active_supervision",
    "holders_of",
    "review_rectification",
    "submit_rectification",
    "supervise",
    "sweep",
    "urge",
]

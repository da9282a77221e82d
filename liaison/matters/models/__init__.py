"""Matters (协调事项): anything one department needs from another, with one owner at
every moment.

The lifecycle is a django-fsm state machine on `Matter.state`; the transition methods
here only move the state, and the `services` package is the one place that calls them (with the
permission check, the row lock, the timeline event and the notifications). The database
itself refuses an open matter without an owning department, a responsible person and a
next deadline.
"""

from liaison.deadlines.models import Urgency  # re-exported: matters carry an urgency

from .clocks import Clock, ClockEnd, ClockKind
from .events import EventType, MatterEvent
from .kinds import Category, MatterKind, MatterSettings, RaisedBy
from .matters import (
    OPEN_STATES,
    EscalationLevel,
    Matter,
    NumberCounter,
    Rating,
    Resolution,
    State,
)
from .parts import (
    LINK_INVERSE_LABELS,
    Attachment,
    CoOrganizer,
    ExtensionRequest,
    ExtensionState,
    LinkKind,
    MatterLink,
    attachment_path,
)
from .views import SavedView

__all__ = [
    "LINK_INVERSE_LABELS",
    "OPEN_STATES",
    "Attachment",
    "Category",
    "Clock",
    "ClockEnd",
    "ClockKind",
    "CoOrganizer",
    "EscalationLevel",
    "EventType",
    "ExtensionRequest",
    "ExtensionState",
    "LinkKind",
    "Matter",
    "MatterEvent",
    "MatterKind",
    "MatterLink",
    "MatterSettings",
    "NumberCounter",
    "RaisedBy",
    "Rating",
    "Resolution",
    "SavedView",
    "State",
    "Urgency",
    "attachment_path",
]

"""API serializers for meetings: what the API shows and what it accepts. Departments are
named by code, people by username, rooms by code, as in the matters API; every rule stays
in services.py, whose messages the API passes on."""

from .agenda import (
    AgendaItemSerializer,
    AgendaSerializer,
    CarriedActionSerializer,
    DecideItemSerializer,
    ItemInputSerializer,
    OrderSerializer,
)
from .attendance import AttendanceInputSerializer, AttendanceRowSerializer, PresenceInputSerializer
from .fields import RoomCodeField
from .meetings import (
    CallSerializer,
    ClashSerializer,
    MeetingSerializer,
    OccurrenceSerializer,
    ParticipantDepartmentSerializer,
    RoomSerializer,
    SeriesSerializer,
)
from .minutes import (
    ApprovedSerializer,
    DecisionInputSerializer,
    DecisionSerializer,
    MinutesInputSerializer,
    MinutesSerializer,
    ReceiptSerializer,
)
from .scheduling import (
    CancelSerializer,
    DepartmentAttendanceSerializer,
    EmergencyInputSerializer,
    MeetingFilterSerializer,
    MoveSerializer,
    SeriesInputSerializer,
)

__all__ = [
    "AgendaItemSerializer",
    "AgendaSerializer",
    "ApprovedSerializer",
    "AttendanceInputSerializer",
    "AttendanceRowSerializer",
    "CallSerializer",
    "CancelSerializer",
    "CarriedActionSerializer",
    "ClashSerializer",
    "DecideItemSerializer",
    "DecisionInputSerializer",
    "DecisionSerializer",
    "DepartmentAttendanceSerializer",
    "EmergencyInputSerializer",
    "ItemInputSerializer",
    "MeetingFilterSerializer",
    "MeetingSerializer",
    "MinutesInputSerializer",
    "MinutesSerializer",
    "MoveSerializer",
    "OccurrenceSerializer",
    "OrderSerializer",
    "ParticipantDepartmentSerializer",
    "PresenceInputSerializer",
    "ReceiptSerializer",
    "RoomCodeField",
    "RoomSerializer",
    "SeriesInputSerializer",
    "SeriesSerializer",
]

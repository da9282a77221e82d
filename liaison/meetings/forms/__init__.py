"""Forms of the meeting pages. They read and check the fields; every rule about
meetings stays in services.py, whose refusals the views put on the form."""

from .agenda import Arrangement, CutoffForm, ItemForm
from .people import (
    PeopleChoiceField,
    PersonChoiceField,
    PersonSelect,
    PersonSelectMultiple,
    PersonWidgetMixin,
)
from .record import AttendanceEntry, MinutesEntry
from .scheduling import REPEAT_CHOICES, EmergencyForm, MoveForm, SeriesForm

__all__ = [
    "REPEAT_CHOICES",
    "Arrangement",
    "AttendanceEntry",
    "CutoffForm",
    "EmergencyForm",
    "ItemForm",
    "MinutesEntry",
    "MoveForm",
    "PeopleChoiceField",
    "PersonChoiceField",
    "PersonSelect",
    "PersonSelectMultiple",
    "PersonWidgetMixin",
    "SeriesForm",
]

"""Meetings API: the same service functions and visibility as the pages.

- GET/POST /api/v1/meeting-series/, GET/PUT/PATCH /api/v1/meeting-series/{id}/
- GET /api/v1/meetings/?department=&person=&room=&from=&to=, GET .../{id}/
- POST /api/v1/meetings/{id}/move/, .../cancel/, .../confirm/ (an emergency meeting)
- POST /api/v1/meetings/emergency/ calls an emergency meeting
- GET/POST /api/v1/meetings/{id}/agenda/ (POST proposes an item), POST
  .../agenda/decide/ and .../agenda/order/ (the organizers accept or decline, and order)
- GET/POST /api/v1/meetings/{id}/attendance/
- GET/PUT /api/v1/meetings/{id}/minutes/ (decisions with owner department, responsible
  person and due date), POST .../minutes/approve/ (the chair: the decisions become
  matters, whose ids it answers)
- GET /api/v1/rooms/
- GET /api/v1/calendar.ics?department=CODE (or person=USERNAME, or room=CODE)

Errors as in the matters API: 404 for what is not of the person's organization, then 400
for a malformed body, then the service's refusal as `{"detail": …}` (409 wrong state, 403
not allowed, 400 invalid input). Scheduling, changing, moving and calling answer the
clashes they found in `warnings`; they are warnings, the change was made.
"""

from .calendar import CalendarView, ICalendarRenderer
from .meetings import MeetingViewSet
from .rooms import RoomListView
from .series import SeriesViewSet

__all__ = ["CalendarView", "ICalendarRenderer", "MeetingViewSet", "RoomListView", "SeriesViewSet"]

import pytest

from liaison.meetings.models import Attendance
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (shared fixtures)

from .factories import RoomFactory, SeriesFactory


@pytest.fixture
def room(h):
    return RoomFactory(organization=h.organization, code="r1", name="第一会议室")


@pytest.fixture
def other_room(h):
    return RoomFactory(organization=h.organization, code="r2", name="第二会议室")


@pytest.fixture
def meeting(h, room):
    """The first meeting of a series 信息科 organizes and the president chairs, with 信息科
    (head and liaison officer) and 门诊部 (head) invited."""
    series = SeriesFactory(
        by=h.p["xxk_head"],
        organizer=h.d["XXK"],
        room=room,
        chair=h.p["president"],
        departments=[(h.d["XXK"], Attendance.BOTH), (h.d["MZB"], Attendance.HEAD)],
    )
    return series.meetings.order_by("start").first()

import pytest

from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (shared fixtures)

from .factories import RoomFactory


@pytest.fixture
def room(h):
    return RoomFactory(organization=h.organization, code="r1", name="第一会议室")


@pytest.fixture
def other_room(h):
    return RoomFactory(organization=h.organization, code="r2", name="第二会议室")

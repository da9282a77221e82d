import pytest
from django.utils import translation

from liaison.matters.tests.factories import build_hospital

from .factories import RoomFactory


@pytest.fixture
def h(db):
    """The matters' small hospital: 信息科 (XXK) has a head, a deputy, a liaison officer
    and staff; 保卫科 (BWK) has no head; 院办 (YB) is the coordinating office."""
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def room(h):
    return RoomFactory(organization=h.organization, code="r1", name="第一会议室")


@pytest.fixture
def other_room(h):
    return RoomFactory(organization=h.organization, code="r2", name="第二会议室")

import datetime

import pytest
import time_machine
from django.utils import timezone, translation

from liaison.matters.tests.factories import build_hospital

from .factories import make_project, make_stakeholder


@pytest.fixture
def h(db):
    """The matters' small hospital: 信息科 (XXK) has a head, a deputy, a liaison officer
    and staff; 院办 (YB) is the coordinating office; 儿科 (EK) is unrelated."""
    return build_hospital()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def at(day: str, time: str = "10:00") -> datetime.datetime:
    """A moment of local (Shanghai) time, e.g. at("2026-03-02", "09:00")."""
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


@pytest.fixture
def monday():
    """The clock stands at Monday 2 March 2026, 10:00 in Shanghai."""
    with time_machine.travel(at("2026-03-02"), tick=False) as traveller:
        yield traveller


@pytest.fixture
def project(h, monday):
    """信息科's HIS upgrade, managed by 信息科's head."""
    return make_project(h)


@pytest.fixture
def president(h, project):
    return make_stakeholder(project, h.p["xxk_head"], person=h.p["president"], layer="decision")


@pytest.fixture
def pharmacy(h, project):
    return make_stakeholder(
        project, h.p["xxk_head"], department=h.d["YJK"], layer="management", influence="medium"
    )

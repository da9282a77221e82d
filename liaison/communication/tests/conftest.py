import datetime

import pytest
import time_machine
from django.utils import timezone

from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (shared fixtures)

from .factories import make_project, make_stakeholder


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

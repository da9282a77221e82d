import datetime

import pytest
from django.utils import timezone

from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory, in_days
from liaison.supervision import services
from liaison.testing import in_english, media_folder, small_hospital  # noqa: F401 (shared fixtures)


@pytest.fixture
def matter(h):
    """Raised by 门诊部 staff, led and accepted by 信息科 (its head is responsible; its
    leader in charge is the vice president)."""
    return MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)


@pytest.fixture
def supervised(h, matter):
    """The matter under supervision by 督查办, deadline in five days."""
    services.supervise(
        matter, h.p["supervisor"], deadline=in_days(5), reason="门诊叫号问题反复出现，限期整改。"
    )
    return matter


def submit(h, matter, who="xxk_liaison"):
    return services.submit_rectification(
        matter,
        h.p[who],
        measures="更换叫号服务器并加装监控。",
        evidence="运维记录、巡检表。",
        completion_date=timezone.localdate(),
    )


def later(minutes: int = 2) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)

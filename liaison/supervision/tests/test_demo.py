"""The demo supervisions: made through the services, once."""

import pytest

from liaison.matters.models import State
from liaison.matters.tests.factories import MatterFactory
from liaison.supervision.demo import supervise_demo_matters
from liaison.supervision.models import RectificationState, Supervision

pytestmark = pytest.mark.django_db


def test_two_open_matters_are_supervised_once(h):
    for _ in range(3):
        MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    made = supervise_demo_matters(h.organization)
    assert len(made) == 2 and all(s.supervisor == h.p["supervisor"] for s in made)
    assert made[0].urges.count() == 1
    assert made[1].rectifications.get().state == RectificationState.SUBMITTED
    assert len(supervise_demo_matters(h.organization)) == 1  # the third matter only
    assert Supervision.objects.count() == 3

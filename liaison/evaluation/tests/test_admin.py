"""Targets and weights are edited in the admin: only for registered indicators, a rate's
target as a fraction, no weights for external units."""

import pytest
from django.core.exceptions import ValidationError

from liaison.core.indicators import Measure
from liaison.evaluation import services
from liaison.evaluation.models import Target, Weight

from .conftest import fake

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(h):
    fake(h, "on_time", {})
    fake(h, "overdue", {}, measure=Measure.COUNT)


def test_a_rates_target_is_a_fraction_and_a_counts_a_number(h, rated):
    Target(organization=h.organization, indicator="on_time", target=0.95).full_clean()
    Target(organization=h.organization, indicator="overdue", target=3).full_clean()
    with pytest.raises(ValidationError, match="fraction"):
        Target(organization=h.organization, indicator="on_time", target=95).full_clean()


def test_targets_and_weights_name_a_registered_indicator(h, rated):
    with pytest.raises(ValidationError, match="No indicator"):
        Target(organization=h.organization, indicator="nope", target=0.5).full_clean()
    with pytest.raises(ValidationError, match="No indicator"):
        Weight(
            organization=h.organization, department_kind="clinical", indicator="nope", weight=1
        ).full_clean()


def test_external_units_have_no_weights(h, rated):
    Weight(
        organization=h.organization, department_kind="clinical", indicator="on_time", weight=2
    ).full_clean()
    with pytest.raises(ValidationError, match="External"):
        Weight(
            organization=h.organization, department_kind="external", indicator="on_time", weight=2
        ).full_clean()


def test_the_admin_lists_scorecards_targets_and_weights(h, rated, client, past):
    h.p["office"].user.is_staff = h.p["office"].user.is_superuser = True
    h.p["office"].user.save()
    client.force_login(h.p["office"].user)
    for model in ("scorecard", "target", "weight", "evaluationsettings"):
        assert client.get(f"/admin/evaluation/{model}/").status_code == 200
        assert client.get(f"/admin/evaluation/{model}/add/").status_code == (
            403 if model == "scorecard" else 200
        )
    scorecard = services.compute(h.organization, past, h.p["office"])
    page = client.get(f"/admin/evaluation/scorecard/{scorecard.pk}/change/")
    assert page.status_code == 200 and "信息科" in page.content.decode()

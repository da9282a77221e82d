"""The big screen (no names, refreshed by polling, honest about stale figures) and the
trends read from stored scorecards."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from liaison.evaluation.models import Scorecard, ScorecardLine, ScorecardState
from liaison.matters.models import Matter, State
from liaison.matters.tests.factories import MatterFactory

pytestmark = pytest.mark.django_db

SCREEN = reverse("dashboard:screen")
FIGURES = reverse("dashboard:screen_figures")


@pytest.fixture
def late(h):
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED)
    Matter.objects.filter(pk=matter.pk).update(
        next_deadline=timezone.now() - datetime.timedelta(days=1)
    )
    return matter


def test_the_screen_shows_the_figures_without_anybody_s_name(client, h, late):
    client.force_login(h.p["office"].user)
    response = client.get(SCREEN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="screen-overdue">1<' in html
    assert 'hx-trigger="every 60s"' in html and 'data-testid="computed-at"' in html
    for person in h.p.values():
        assert person.name not in html
    assert (
        'data-testid="stale-banner"' in html
        and "d-none" in html.split('data-testid="stale-banner"')[0].rsplit("<div", 1)[1]
    )


def test_the_screen_says_when_its_figures_are_stale(client, h, late, settings):
    settings.DASHBOARD_STALE_SECONDS = 300
    client.force_login(h.p["office"].user)
    assert 'data-testid="stale"' not in client.get(FIGURES).content.decode()
    key = f"dashboard-screen-{h.organization.pk}"
    figures = cache.get(key)
    figures["computed_at"] = timezone.now() - datetime.timedelta(minutes=6)
    cache.set(key, figures, 60)
    html = client.get(FIGURES).content.decode()
    assert 'data-testid="stale"' in html
    assert 'role="alert" data-testid="stale-banner"' in client.get(SCREEN).content.decode()
    assert (
        "d-none"
        not in client.get(SCREEN)
        .content.decode()
        .split('id="stale-banner"')[0]
        .rsplit("<div", 1)[1]
    )


def test_only_who_sees_every_matter_opens_the_screen(client, h):
    for key in ("xxk_head", "secretary", "outsider"):
        client.force_login(h.p[key].user)
        assert client.get(SCREEN).status_code == 403, key
        assert client.get(FIGURES).status_code == 403, key


def scorecard(h, period, start, lines, state=ScorecardState.PUBLISHED):
    zone = timezone.get_current_timezone()
    begin = datetime.datetime(*start, 1, tzinfo=zone)
    card = Scorecard.objects.create(
        organization=h.organization,
        period=period,
        start=begin,
        end=begin + datetime.timedelta(days=28),
        computed_at=begin + datetime.timedelta(days=29),
        weights={},
        targets={},
        definitions={},
        minimum_sample=5,
        state=state,
    )
    for code, (on_time, due, satisfied, rated) in lines.items():
        ScorecardLine.objects.create(
            scorecard=card,
            department=h.d[code],
            kind=h.d[code].kind,
            units=due,
            ranked=False,
            reason="sample",
            values={
                "reply_on_time": {"numerator": on_time, "denominator": due},
                "satisfaction": {"numerator": satisfied, "denominator": rated},
            },
        )
    return card


def test_trends_sum_the_stored_scorecards_of_the_departments_in_sight(client, h):
    scorecard(h, "2026-10", (2026, 10), {"XXK": (9, 10, 4, 5), "ZWK": (1, 10, 0, 5)})
    scorecard(h, "2026-11", (2026, 11), {"XXK": (10, 10, 5, 5), "ZWK": (5, 10, 5, 5)})
    client.force_login(h.p["president"].user)
    trend = client.get(reverse("dashboard:dashboard")).context["trend"]
    assert trend.periods == ["2026-10", "2026-11"]
    assert trend.on_time == [0.5, 0.75] and trend.satisfaction == [0.4, 1.0]
    client.force_login(h.p["secretary"].user)  # in charge of 总务科 and 保卫科 only
    trend = client.get(reverse("dashboard:dashboard")).context["trend"]
    assert trend.on_time == [0.1, 0.5] and trend.satisfaction == [0.0, 1.0]


def test_the_office_sees_the_lowest_on_time_rates_with_enough_units(client, h):
    scorecard(
        h, "2026-11", (2026, 11), {"XXK": (9, 10, 4, 5), "ZWK": (1, 10, 0, 5), "YJK": (0, 2, 0, 0)}
    )
    client.force_login(h.p["office"].user)
    worst = client.get(reverse("dashboard:dashboard")).context["worst"]
    assert [(r.department.code, r.value, r.n) for r in worst] == [
        ("ZWK", 0.1, 10),
        ("XXK", 0.9, 10),
    ]


def test_a_head_s_card_sets_their_rates_against_the_hospital_s(client, h):
    scorecard(h, "2026-11", (2026, 11), {"XXK": (9, 10, 4, 5), "ZWK": (1, 10, 0, 5)})
    client.force_login(h.p["xxk_head"].user)
    card = client.get(reverse("dashboard:dashboard")).context["card"]
    assert (card.on_time, card.hospital_on_time) == (0.9, 0.5)
    assert (card.satisfaction, card.hospital_satisfaction) == (0.8, 0.4)


def test_a_head_s_card_does_not_read_a_draft_the_departments_were_not_shown(client, h):
    scorecard(h, "2026-10", (2026, 10), {"XXK": (9, 10, 4, 5), "ZWK": (1, 10, 0, 5)})
    scorecard(h, "2026-11", (2026, 11), {"XXK": (2, 10, 1, 5)}, state=ScorecardState.DRAFT)
    client.force_login(h.p["xxk_head"].user)
    card = client.get(reverse("dashboard:dashboard")).context["card"]
    assert (card.period, card.on_time) == ("2026-10", 0.9)

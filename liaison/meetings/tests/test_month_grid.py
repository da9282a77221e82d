"""A busy day of the month grid shows its first meetings and "+N more" for the rest."""

import pytest
from django.utils import timezone

from liaison.meetings import selectors
from liaison.meetings.models import Attendance

from .factories import SeriesFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def fridays(h, room, other_room):
    """Three series meeting every Friday, at 9:00, 11:00 and 15:00."""
    return [
        SeriesFactory(
            by=h.p["xxk_head"],
            organizer=h.d["XXK"],
            room=place,
            start_time=timezone.datetime(2000, 1, 1, hour).time(),
            departments=[(h.d["XXK"], Attendance.BOTH)],
        )
        for hour, place in ((9, room), (11, other_room), (15, room))
    ]


def test_a_busy_day_shows_some_meetings_and_the_rest_on_demand(client, h, fridays, monkeypatch):
    monkeypatch.setattr(selectors, "DAY_SHOWS", 1)
    first = fridays[0].meetings.order_by("start").first()
    day = timezone.localtime(first.start).date()
    client.force_login(h.p["outsider"].user)

    html = client.get("/meetings/", {"month": day.strftime("%Y-%m")}, **EN).content.decode()
    assert f'data-meeting="{first.pk}"' in html
    later = [s.meetings.get(recurrence_id__date=day).pk for s in fridays[1:]]
    assert not any(f'data-meeting="{pk}"' in html for pk in later)
    assert f"?day={day.isoformat()}" in html and "+2 more" in html

    # htmx fetches the meetings the day did not show, and only those.
    rest = client.get(
        "/meetings/", {"day": day.isoformat()}, HTTP_HX_REQUEST="true", **EN
    ).content.decode()
    assert "<html" not in rest
    assert [f'data-meeting="{pk}"' in rest for pk in later] == [True, True]
    assert f'data-meeting="{first.pk}"' not in rest

    # Without JavaScript the link opens the month with that day in full.
    full = client.get("/meetings/", {"day": day.isoformat()}, **EN).content.decode()
    assert f'data-month="{day.strftime("%Y-%m")}"' in full
    assert all(f'data-meeting="{pk}"' in full for pk in [first.pk, *later])


def test_a_day_far_from_today_or_not_a_date_is_the_month_of_today(client, h):
    client.force_login(h.p["outsider"].user)
    this = timezone.localdate().strftime("%Y-%m")
    for value in ("1900-01-05", "nonsense"):
        html = client.get("/meetings/", {"day": value}, **EN).content.decode()
        assert f'data-month="{this}"' in html

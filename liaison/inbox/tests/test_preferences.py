"""A person's notification preferences: the page where they set them, and what quiet
hours mean at every time of day."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from liaison.inbox.models import NotificationPreference
from liaison.org.tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = "/inbox/preferences/"


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def me(organization):
    return PersonFactory(organization=organization, name="张三", email="zhang@hospital.example")


@pytest.fixture
def other(organization):
    return PersonFactory(organization=organization, name="李四", email="li@hospital.example")


def valid(**changes):
    data = {
        "email_enabled": "on",
        "quiet_start": "22:00",
        "quiet_end": "07:00",
        "digest_enabled": "on",
        "digest_hour": "7",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# The page


def test_the_page_is_at_its_address_and_linked_from_the_inbox(client, me):
    assert reverse("inbox:preferences") == URL
    client.force_login(me.user)
    inbox = client.get(reverse("inbox:list"), **EN).content.decode()
    assert f'href="{URL}"' in inbox


def test_the_page_shows_the_defaults_without_saving_anything(client, me):
    client.force_login(me.user)
    response = client.get(URL, **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["email_enabled"].value() is True
    assert form["digest_enabled"].value() is False
    assert form["quiet_start"].value() is None
    html = response.content.decode()
    assert 'name="email_enabled"' in html and "checked" in html
    assert 'type="time"' in html
    assert "zhang@hospital.example" in html
    assert not NotificationPreference.objects.exists()


def test_saving_stores_the_choices_and_says_so(client, me):
    client.force_login(me.user)
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False):
        response = client.post(URL, valid(), follow=True, **EN)
    assert response.redirect_chain == [(URL, 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    preference = NotificationPreference.objects.get(person=me)
    assert preference.email_enabled and preference.digest_enabled
    assert (preference.quiet_start, preference.quiet_end) == (
        datetime.time(22),
        datetime.time(7),
    )
    assert preference.digest_hour == 7
    # Collecting starts now; 07:00 has passed today, so the first digest is tomorrow's.
    assert preference.digest_from == local(2026, 3, 2, 9, 0)
    assert preference.last_digest_on == datetime.date(2026, 3, 2)
    # The page shows what was saved.
    form = client.get(URL).context["form"]
    assert form["quiet_start"].value() == datetime.time(22)


def test_turning_email_off_and_clearing_quiet_hours(client, me):
    NotificationPreference.objects.create(
        person=me, quiet_start=datetime.time(22), quiet_end=datetime.time(7)
    )
    client.force_login(me.user)
    data = valid(email_enabled=None, digest_enabled=None, quiet_start="", quiet_end="")
    assert client.post(URL, data).status_code == 302
    preference = NotificationPreference.objects.get(person=me)
    assert not preference.email_enabled and not preference.digest_enabled
    assert preference.quiet_start is None and preference.quiet_end is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"quiet_end": ""}, "quiet_end"),
        ({"quiet_start": ""}, "quiet_start"),
        ({"quiet_start": "07:00", "quiet_end": "07:00"}, "quiet_end"),
        ({"quiet_start": "25:61"}, "quiet_start"),
        ({"email_enabled": None}, "digest_enabled"),
        ({"digest_hour": "24"}, "digest_hour"),
        ({"digest_hour": "soon"}, "digest_hour"),
    ],
)
def test_invalid_choices_are_explained_not_saved(client, me, changes, field):
    client.force_login(me.user)
    response = client.post(URL, valid(**changes), **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {field}
    html = response.content.decode()
    assert 'data-testid="form-errors"' in html
    assert "is-invalid" in html
    with translation.override("en"):
        for error in form.errors[field]:
            assert str(error) in html
    preference = NotificationPreference.objects.get(person=me)  # created with the defaults
    assert preference.email_enabled and not preference.digest_enabled
    assert preference.quiet_start is None


def test_people_only_ever_change_their_own(client, me, other):
    mine = NotificationPreference.objects.create(person=me, email_enabled=True)
    client.force_login(other.user)
    # There is nothing in the address or the form that names a person: whatever is
    # posted (even my id) changes the poster's own preferences.
    response = client.post(URL, valid(email_enabled=None, digest_enabled=None, person=me.pk))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.email_enabled
    theirs = NotificationPreference.objects.get(person=other)
    assert not theirs.email_enabled
    assert NotificationPreference.objects.count() == 2


def test_signed_out_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response.url
    assert client.post(URL, valid()).status_code == 302
    assert not NotificationPreference.objects.exists()


def test_a_login_without_a_person_gets_not_found(client):
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
    assert client.post(URL, valid()).status_code == 404


def test_someone_without_an_address_is_told(client, organization):
    person = PersonFactory(organization=organization, email="")
    client.force_login(person.user)
    assert 'data-testid="no-email"' in client.get(URL).content.decode()


# Quiet hours at every time of day


@pytest.mark.parametrize(
    ("start", "end", "at", "until"),
    [
        # Across midnight, 22:00–07:00.
        (22, 7, (2026, 3, 2, 21, 59), None),
        (22, 7, (2026, 3, 2, 22, 0), (2026, 3, 3, 7, 0)),
        (22, 7, (2026, 3, 2, 23, 59), (2026, 3, 3, 7, 0)),
        (22, 7, (2026, 3, 3, 0, 0), (2026, 3, 3, 7, 0)),
        (22, 7, (2026, 3, 3, 6, 59), (2026, 3, 3, 7, 0)),
        (22, 7, (2026, 3, 3, 7, 0), None),
        (22, 7, (2026, 3, 3, 12, 0), None),
        # Within one day, 12:00–14:00.
        (12, 14, (2026, 3, 2, 11, 59), None),
        (12, 14, (2026, 3, 2, 12, 0), (2026, 3, 2, 14, 0)),
        (12, 14, (2026, 3, 2, 13, 30), (2026, 3, 2, 14, 0)),
        (12, 14, (2026, 3, 2, 14, 0), None),
    ],
)
def test_quiet_hours_end_at_the_right_moment(start, end, at, until):
    preference = NotificationPreference(
        quiet_start=datetime.time(start), quiet_end=datetime.time(end)
    )
    expected = local(*until) if until else None
    assert preference.quiet_until(local(*at)) == expected
    # The same moment given in UTC gives the same answer.
    assert preference.quiet_until(local(*at).astimezone(datetime.UTC)) == expected


def test_no_quiet_hours_means_never_quiet():
    assert NotificationPreference().quiet_until(local(2026, 3, 2, 3, 0)) is None

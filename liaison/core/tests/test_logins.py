"""Logins lock out after repeated failures, per username and address, on every door that
checks a password (the login page, the admin's, the API token endpoint); the message is in
the user's language; an administrator unlocks; the API's password door is throttled too."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from liaison.core.auth import TokenLoginThrottle, lockout_message
from liaison.org.tests.factories import PASSWORD, UserFactory

HOME = "10.1.2.3"
ELSEWHERE = "10.9.9.9"
LIMIT = 5


@pytest.fixture(autouse=True)
def lockout_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


@pytest.fixture
def nurse(db):
    return UserFactory(username="nurse")


def chinese(message) -> str:
    with translation.override("zh-hans"):
        return message()


def page_login(password, *, username="nurse", address=HOME, language="zh-hans"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    return client.post("/accounts/login/", {"username": username, "password": password})


def api_login(password, *, username="nurse", address=HOME, language="zh-hans"):
    client = APIClient(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def test_the_login_page_locks_out_after_five_wrong_passwords_in_chinese(nurse):
    answers = [page_login("wrong") for _ in range(LIMIT)]

    assert [a.status_code for a in answers[:-1]] == [200] * (LIMIT - 1)
    assert answers[-1].status_code == 429
    page = answers[-1].content.decode()
    assert '<html lang="zh-hans">' in page and chinese(lockout_message) in page
    assert 'data-testid="locked-out"' in page
    # Now even the right password is refused, until the cool-off has passed.
    assert page_login(PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        assert page_login(PASSWORD).status_code == 302


def test_the_lockout_message_speaks_english_to_english_readers(nurse):
    for _ in range(LIMIT):
        answer = page_login("wrong", language="en")
    assert answer.status_code == 429
    assert "Too many failed logins for this username from this address" in answer.content.decode()


def test_a_colleague_elsewhere_and_another_username_here_are_not_locked_out(nurse):
    UserFactory(username="doctor")
    for _ in range(LIMIT):
        page_login("wrong")
    assert page_login(PASSWORD, address=ELSEWHERE).status_code == 302
    assert page_login(PASSWORD, username="doctor").status_code == 302


def test_a_successful_login_starts_the_count_afresh(nurse):
    for _ in range(LIMIT - 1):
        page_login("wrong")
    assert page_login(PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        assert page_login("wrong").status_code == 200


def test_the_admin_login_locks_out_too(db):
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    client = Client(REMOTE_ADDR=HOME, HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(LIMIT):
        answer = client.post("/admin/login/", {"username": "root", "password": "wrong"})
    assert answer.status_code == 429
    assert "Too many failed logins" in answer.content.decode()
    right = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert right.status_code == 429


def test_an_administrator_unlocks_from_the_admin(nurse):
    for _ in range(LIMIT):
        page_login("wrong")
    get_user_model().objects.create_superuser("root", password=PASSWORD)
    admin = Client()
    admin.force_login(get_user_model().objects.get(username="root"))
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200 and "nurse" in listing.content.decode()

    attempt = AccessAttempt.objects.get(username="nurse")
    admin.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert page_login(PASSWORD).status_code == 302


def test_the_token_endpoint_locks_out_with_a_translated_json_detail(nurse):
    answers = [api_login("wrong") for _ in range(LIMIT)]

    assert [a.status_code for a in answers[:-1]] == [400] * (LIMIT - 1)
    assert answers[0].json()["detail"] == "用户名或密码不正确，无法登录。"
    assert answers[-1].status_code == 429
    assert answers[-1].json()["detail"] == chinese(lockout_message)
    assert api_login(PASSWORD).status_code == 429
    english = api_login(PASSWORD, language="en").json()["detail"]
    assert english.startswith("Too many failed logins")
    # A locked-out username at the API is locked out on the page too: one count.
    assert page_login(PASSWORD).status_code == 429


def test_the_token_endpoint_is_throttled_per_address_whatever_the_username(nurse, monkeypatch):
    # DRF reads the rates once, at import: the rate set on the class for this test.
    monkeypatch.setattr(TokenLoginThrottle, "rate", "3/minute", raising=False)
    statuses = [api_login("wrong", username=f"guess{n}").status_code for n in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert api_login(PASSWORD, address=ELSEWHERE).status_code == 200

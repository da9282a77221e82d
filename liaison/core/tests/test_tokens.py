"""API tokens: a new one per login, expiring, revoked by logging out with it, by the
profile page and by any new password (the password page, the admin's form,
`changepassword`); the contract of the token endpoint is unchanged."""

import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.org.tests.factories import PASSWORD, PersonFactory, UserFactory

NEW_PASSWORD = "another-pass-5678"
ME = "/api/v1/departments/"  # any endpoint that needs a token


@pytest.fixture
def nurse(db):
    return PersonFactory(user=UserFactory(username="nurse")).user


def opens_the_api(key: str) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status = client.get(ME).status_code
    assert status in (200, 401), status
    return status == 200


def log_in(**data) -> dict:
    answer = APIClient().post(
        "/api/v1/auth/token/", {"username": "nurse", "password": PASSWORD, **data}, format="json"
    )
    assert answer.status_code == 200, answer.content
    return answer.json()


# The service.


def test_each_token_is_new_and_works_until_it_expires(nurse, settings):
    first, second = tokens.issue(nurse), tokens.issue(nurse)
    assert first.key != second.key
    assert opens_the_api(first.key) and opens_the_api(second.key)
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert first.expiry == pytest.approx(timezone.now() + ttl, abs=datetime.timedelta(minutes=1))
    with time_machine.travel(first.expiry + datetime.timedelta(seconds=1)):
        assert not opens_the_api(first.key)
        assert list(tokens.active(nurse)) == []


def test_only_the_holder_revokes_a_token(nurse):
    issued = tokens.issue(nurse)
    other = UserFactory(username="other")
    assert not tokens.revoke_by_digest(other, issued.stored.digest)
    assert opens_the_api(issued.key)
    assert tokens.revoke_by_digest(nurse, issued.stored.digest)
    assert not opens_the_api(issued.key)


def test_a_new_password_revokes_every_token(nurse):
    keys = [tokens.issue(nurse).key for _ in range(2)]
    nurse.set_password(NEW_PASSWORD)
    nurse.save()
    assert not any(opens_the_api(key) for key in keys)


def test_saving_the_user_without_a_new_password_keeps_the_tokens(nurse):
    key = tokens.issue(nurse).key
    nurse.first_name = "Li"
    nurse.save()
    nurse.last_login = timezone.now()
    nurse.save(update_fields=["last_login"])
    # The same password hashed anew, as Django does when it strengthens a hash at login.
    nurse.set_password(PASSWORD)
    nurse.save(update_fields=["password"])
    assert opens_the_api(key)


# Through the API.


def test_the_token_endpoint_keeps_its_contract_and_gives_a_new_token_each_login(nurse):
    first = log_in()
    form = APIClient().post("/api/v1/auth/token/", {"username": "nurse", "password": PASSWORD})
    second = form.json()

    assert set(first) == {"token", "expiry"} and form.status_code == 200
    assert first["token"] != second["token"]
    assert opens_the_api(first["token"]) and opens_the_api(second["token"])


def test_a_malformed_login_answers_400_with_a_detail(nurse):
    answer = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", {"username": "nurse"}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["detail"] == "Give a username and a password."
    assert "password" in answer.json()


def test_logging_out_revokes_only_the_token_that_signs_the_request(nurse):
    phone, script = log_in()["token"], log_in()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {phone}")

    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert not opens_the_api(phone)
    assert opens_the_api(script)
    assert client.post("/api/v1/auth/logout/").status_code == 401


# Every way of changing a password.


def test_the_password_page_revokes_the_tokens(nurse):
    key = log_in()["token"]
    client = Client()
    client.force_login(nurse)
    answer = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert answer.status_code == 302
    assert not opens_the_api(key)


def test_the_admin_s_set_password_revokes_the_tokens(nurse):
    key = log_in()["token"]
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password=PASSWORD))
    answer = admin.post(
        f"/admin/auth/user/{nurse.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert answer.status_code == 302
    assert not opens_the_api(key)


def test_changepassword_revokes_the_tokens(nurse, monkeypatch):
    key = log_in()["token"]
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", "nurse", stdout=None)
    assert not opens_the_api(key)


# The profile page.


def test_the_profile_page_lists_and_revokes_the_person_s_tokens(nurse):
    kept, revoked = tokens.issue(nurse), tokens.issue(nurse)
    expired = tokens.issue(nurse)
    expired.stored.expiry = timezone.now() - datetime.timedelta(minutes=1)
    expired.stored.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(nurse)

    page = client.get("/org/me/").content.decode()
    assert 'data-testid="api-tokens"' in page
    assert kept.stored.token_key[:8] in page and revoked.stored.token_key[:8] in page
    assert expired.stored.token_key[:8] not in page

    answer = client.post(
        "/org/me/api-tokens/revoke/", {"token": revoked.stored.digest}, follow=True
    )
    assert "The API token was revoked" in answer.content.decode()
    assert not opens_the_api(revoked.key) and opens_the_api(kept.key)
    again = client.post("/org/me/api-tokens/revoke/", {"token": revoked.stored.digest}, follow=True)
    assert "no longer exists" in again.content.decode()


def test_nobody_revokes_another_person_s_token_from_their_profile(nurse):
    issued = tokens.issue(nurse)
    intruder = Client()
    intruder.force_login(UserFactory(username="intruder"))
    intruder.post("/org/me/api-tokens/revoke/", {"token": issued.stored.digest})
    assert opens_the_api(issued.key)


def test_the_schema_documents_the_token_endpoints(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    login = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert {"200", "400", "429"} <= set(login["responses"])
    assert "token" in schema["components"]["schemas"]["Token"]["properties"]
    assert "expiry" in schema["components"]["schemas"]["Token"]["properties"]
    assert "204" in schema["paths"]["/api/v1/auth/logout/"]["post"]["responses"]

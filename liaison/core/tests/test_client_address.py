"""Every per-client limit believes X-Forwarded-For only as far as our own proxies vouch for
it (TRUSTED_PROXIES): the suggestion-code throttle of the page and of the API, the API's
throttles and the login lock-out all count the same address."""

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from liaison.core.clientip import client_address
from liaison.suggestions import privacy

WRONG_CODE = "2345-6789-ABCD"
PROXY = "10.0.0.2"


def address(forwarded=None, remote=PROXY):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert address("203.0.113.9") == PROXY
    assert address("203.0.113.9, 198.51.100.7") == PROXY


def test_behind_one_proxy_the_last_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = 1
    assert address("203.0.113.9") == "203.0.113.9"
    # Whatever the client wrote itself comes before what our proxy appended.
    assert address("6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert address() == PROXY  # reached directly, not through the proxy


def test_behind_two_proxies_the_second_hop_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXIES = 2
    assert address("6.6.6.6, 203.0.113.9, 10.0.0.1") == "203.0.113.9"


def test_a_hop_that_is_no_address_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXIES = 1
    assert address("6.6.6.6, not-an-address") == PROXY
    assert address("2001:DB8::1") == "2001:db8::1"


def wrong_codes_on_the_page(count, forwarded_for):
    answers = []
    for n in range(count):
        client = Client(
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for(n), HTTP_ACCEPT_LANGUAGE="en"
        )
        answers.append(client.post("/suggestions/code/", {"code": WRONG_CODE}).content.decode())
    return answers


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_page_s_code_throttle(settings):
    settings.TRUSTED_PROXIES = 0
    answers = wrong_codes_on_the_page(privacy.WRONG_CODES + 2, lambda n: f"198.51.100.{n}")
    assert all("No letter has this code" in page for page in answers[: privacy.WRONG_CODES])
    assert "Too many wrong codes" in answers[-1]


@pytest.mark.django_db
def test_behind_a_proxy_each_client_has_its_own_count_and_cannot_forge_another(settings):
    settings.TRUSTED_PROXIES = 1
    # Different clients (the proxy's last hop differs): none is blocked.
    answers = wrong_codes_on_the_page(privacy.WRONG_CODES + 2, lambda n: f"198.51.100.{n}")
    assert not any("Too many wrong codes" in page for page in answers)
    # One client forging the part before its own address: counted as itself.
    answers = wrong_codes_on_the_page(
        privacy.WRONG_CODES + 2, lambda n: f"192.0.2.{n}, 203.0.113.50"
    )
    assert "Too many wrong codes" in answers[-1]


@pytest.mark.django_db
def test_forged_headers_do_not_escape_the_api_s_code_throttle(settings):
    settings.TRUSTED_PROXIES = 0
    statuses = [
        APIClient(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        .get(f"/api/v1/suggestions/by-code/{WRONG_CODE}/")
        .status_code
        for n in range(40)
    ]
    assert statuses[0] == 404
    assert statuses[-1] == 429

"""The OpenAPI schema (/api/schema/) tells the truth about the API. schemathesis sends a
few generated requests to every operation, as a staff nurse and as the system admin, in a
small demo hospital, through the WSGI application in process; every answer must be no
server error, with a status code the schema declares for the operation, a content type
it declares, and a body that matches the declared schema.

Every operation is covered, GETs and writes alike (4 examples each, valid and invalid
input, the same ones every run): each test runs in its own transaction, rolled back
after it, so what one write changes no other test sees. Path ids are drawn from what the
user's own lists show, plus one that exists nowhere, so reads return real bodies and
actions meet real states; a suggestion's retrieval code likewise (a real one and one no
letter has): a path that the routes do not take would not reach the operation at all."""

import functools

import pytest
import schemathesis
import werkzeug.test
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from liaison.communication.demo import build_demo_communication
from liaison.core import tokens
from liaison.matters.demo import build_demo_matters
from liaison.matters.models import Attachment
from liaison.meetings.demo import build_demo_meetings
from liaison.notices.demo import build_demo_notices
from liaison.org.demo import build_demo_hospital
from liaison.suggestions import services as suggestion_services
from liaison.suggestions.demo import build_demo_suggestions
from liaison.suggestions.models import Channel, Kind
from liaison.supervision.demo import supervise_demo_matters

MISSING = 999_999

# A few examples per operation (positive and negative), the same ones every run; no
# coverage phase (it sends every method to every path, hundreds of requests).
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 17,
        "generation": {
            "mode": "all",
            "max-examples": 4,
            "deterministic": True,
            "database": "none",
        },
        "phases": {"coverage": {"enabled": False}},
        "cache": {"enabled": False},
    }
)
schema = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True), config=CONFIG
)


@functools.cache
def django_handler() -> WSGIHandler:
    return WSGIHandler()


def application(environ, start_response):
    """Django, its middleware built at the first request, not at import: by then the test
    settings (plain HTTP) are in force."""
    return django_handler()(environ, start_response)


schema.app = application

# What the running test's user draws for each path's {id} or {code}, set per test.
drawable: dict[str, list] = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    choices = drawable.get(context.operation.path)
    if not choices:
        return st.just(path_parameters)
    name = "code" if "code" in path_parameters else "id"
    return st.sampled_from(choices).map(lambda value: {**path_parameters, name: value})


@pytest.fixture(scope="module")
def demo_hospital(django_db_setup, django_db_blocker):
    """The demo hospital, small: built once for this module, rolled back after it."""
    fast_hashing = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), transaction.atomic(), fast_hashing:
        organization = build_demo_hospital()
        build_demo_matters(organization, count=25)
        supervise_demo_matters(organization)
        build_demo_meetings(organization)
        build_demo_notices(organization)
        build_demo_suggestions(organization)
        build_demo_communication(organization)
        _letter, code = suggestion_services.submit(
            organization,
            suggestion_services.SuggestionInput(
                kind=Kind.SUGGESTION,
                subject="食堂晚餐时间",
                body="希望延长到晚上八点。",
                anonymous=True,
            ),
            channel=Channel.PUBLIC,
        )
        retrieval_codes[:] = [code, "NO-SUCH-CODE"]
        yield organization
        transaction.set_rollback(True)


@pytest.fixture
def one_transaction_per_test():
    """As Django's test client does: a request's end must not close the test's connection
    (it is inside the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# A letter's retrieval code (shown once, kept nowhere), and one no letter has.
retrieval_codes: list[str] = []

# Per user, the ids that user's own lists show for each path with an {id}.
seen_ids: dict[str, dict[str, list[int]]] = {}


def ids_seen_by(username: str, headers: dict) -> dict[str, list[int]]:
    if username not in seen_ids:
        client = werkzeug.test.Client(application)
        by_path = {}
        for operation in schema.get_all_operations():
            path = operation.ok().path
            if "{code}" in path:
                by_path[path] = retrieval_codes
                continue
            if path.startswith("/api/v1/attachments/"):
                ids = list(Attachment.objects.order_by("pk").values_list("pk", flat=True)[:5])
            elif "{id}" in path:
                listing = client.get(path.split("{id}")[0], headers=headers).json
                rows = listing["results"] if isinstance(listing, dict) else listing
                ids = [row["id"] for row in rows[:8]]
            else:
                continue
            by_path[path] = [*ids, MISSING]
        seen_ids[username] = by_path
    return seen_ids[username]


@pytest.fixture(params=["yuangong", "admin"])
def headers(request, demo_hospital, db, one_transaction_per_test):
    """The user's token; and the ids the user's own lists show, to draw from."""
    person = demo_hospital.people.get(user__username=request.param)
    headers = {"Authorization": f"Token {tokens.issue(person.user).key}", "Accept-Language": "en"}
    drawable.clear()
    drawable.update(ids_seen_by(request.param, headers))
    return headers


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_schema_says(case, headers):
    response = case.call(headers=headers)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )

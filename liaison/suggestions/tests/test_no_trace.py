"""An anonymous letter leaves no trace of its writer: every row of every model written or
changed by sending it (and by the office answering it) is searched for the writer's
login, name, e-mail, employee number, network address and browser, and for a reference
to their person or user; and nothing at all is logged while it is sent."""

import logging
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import serializers
from django.db import models
from django.test import Client
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.org.models import Person
from liaison.org.tests.factories import PASSWORD
from liaison.suggestions import captcha, services
from liaison.suggestions.models import Suggestion

ADDRESS = "10.77.66.55"
BROWSER = "TraceMe-Browser/7.3 (writer's own machine)"
CODE = re.compile(r'data-testid="retrieval-code">([2-9A-Z-]{14})<')


def all_rows() -> dict[tuple[str, str], str]:
    """Every row of every model as text, keyed by model and primary key; sessions
    decoded (a session names its user only inside its encoded data)."""
    rows = {}
    for model in apps.get_models():
        for row in serializers.serialize("python", model._default_manager.all()):
            if model is Session:
                row["fields"]["session_data"] = Session.objects.get(pk=row["pk"]).get_decoded()
            rows[(model._meta.label, str(row["pk"]))] = repr(row)
    return rows


def references(model_label: str, pk: str, person: Person) -> list[str]:
    """Fields of the row that point at the person or their login."""
    model = apps.get_model(model_label)
    instance = model._default_manager.get(pk=pk)
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey):
            target = field.related_model
            value = getattr(instance, field.attname)
            if (target is Person and value == person.pk) or (
                target is get_user_model() and value == person.user_id
            ):
                found.append(f"{model_label}.{field.name}")
    return found


def markers(person: Person) -> list[str]:
    return [
        person.user.username,
        person.name,
        person.email,
        person.employee_number,
        ADDRESS,
        BROWSER,
    ]


@pytest.fixture
def writer(h):
    """孔护士 of 儿科: no handler of either mailbox."""
    return h.p["outsider"]


def assert_no_trace(before: dict, after: dict, person: Person) -> None:
    changed = {key: text for key, text in after.items() if before.get(key) != text}
    assert changed, "sending should have written something"
    for key, text in changed.items():
        for marker in markers(person):
            assert marker not in text, f"{marker!r} found in {key}"
        assert not references(*key, person), f"{key} points at the writer"


def assert_nothing_logged(caplog) -> None:
    lines = [f"{r.name}: {r.getMessage()}" for r in caplog.records]
    assert lines == []


def test_a_signed_in_member_of_staff_writes_anonymously_without_a_trace(h, writer, caplog):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    assert client.login(username=writer.user.username, password=PASSWORD)
    client.get("/suggestions/new/")  # the session and CSRF cookie exist before sending
    before = all_rows()

    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/suggestions/new/",
            {
                "mailbox": "leader",
                "kind": "complaint",
                "department": h.d["MZB"].pk,
                "subject": "门诊导诊台经常无人",
                "body": "周一上午九点前后导诊台多次无人值守，患者找不到挂号窗口。",
                "anonymous": "on",
            },
            follow=True,  # sent, then redirected to the page that shows the code once
        )
    code = CODE.search(response.content.decode()).group(1)

    assert_nothing_logged(caplog)
    assert_no_trace(before, all_rows(), writer)
    assert code not in str(all_rows())
    suggestion = Suggestion.objects.get()
    assert suggestion.anonymous and suggestion.writer is None

    # The office answers; the writer reads it with the code alone, still without a trace.
    services.reply(suggestion, h.p["president"], text="已责成门诊部落实导诊台排班。")
    services.route(suggestion, h.p["office"], lead_department=h.d["MZB"])
    with caplog.at_level(logging.DEBUG):
        page = Client(REMOTE_ADDR=ADDRESS).post("/suggestions/code/", {"code": code})
    assert "已责成门诊部落实导诊台排班。" in page.content.decode()
    assert_nothing_logged(caplog)
    assert_no_trace(before, all_rows(), writer)


def test_the_public_writes_anonymously_without_a_trace(h, caplog):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    form = client.get(f"/suggestions/public/{h.organization.code}/").content.decode()
    token = re.search(r'name="captcha_token" value="([^"]+)"', form).group(1)
    before = all_rows()

    with caplog.at_level(logging.DEBUG):
        response = client.post(
            f"/suggestions/public/{h.organization.code}/",
            {
                "mailbox": "box",
                "kind": "suggestion",
                "subject": "停车场指示牌不清",
                "body": "急诊停车场入口指示牌被树挡住，夜间很难找到。",
                "anonymous": "on",
                "writer_name": "王先生",  # typed, then ticked anonymous: not kept
                "writer_contact": "13900001111",
                "captcha_token": token,
                "captcha_answer": str(captcha.solve(token)),
            },
            follow=True,
        )

    assert CODE.search(response.content.decode())
    assert_nothing_logged(caplog)
    after = all_rows()
    changed = " ".join(text for key, text in after.items() if before.get(key) != text)
    for marker in (ADDRESS, BROWSER, "王先生", "13900001111"):
        assert marker not in changed


def test_the_api_writes_anonymously_without_a_trace(h, writer, caplog):
    token = tokens.issue(writer.user)
    client = APIClient(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    before = all_rows()

    with caplog.at_level(logging.DEBUG):
        response = client.post(
            "/api/v1/suggestions/",
            {
                "kind": "suggestion",
                "subject": "夜班餐补",
                "body": "建议提高夜班餐补。",
                "anonymous": True,
            },
            format="json",
        )

    assert response.status_code == 201
    assert response.data["writer"] is None
    assert_nothing_logged(caplog)
    assert_no_trace(before, all_rows(), writer)


def test_a_refused_letter_and_a_wrong_code_leave_no_log_line(h, writer, caplog):
    token = tokens.issue(writer.user)
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    with caplog.at_level(logging.DEBUG):
        refused = client.post(
            "/api/v1/suggestions/", {"kind": "praise", "subject": "好", "body": "好"}, format="json"
        )
        wrong = APIClient(REMOTE_ADDR=ADDRESS).get("/api/v1/suggestions/by-code/2345-6789-ABCD/")

    assert (refused.status_code, wrong.status_code) == (400, 404)
    assert_nothing_logged(caplog)

"""Who sees which lines of a scorecard, and who computes it, role by role (the small
hospital's people): the coordinating office and leaders see all; a department's head,
deputy or liaison officer its own line; everybody else nothing."""

import pytest
from rest_framework.test import APIClient

from liaison.core import tokens
from liaison.evaluation import periods, policy, services
from liaison.evaluation.services.lifecycle import advance

from .conftest import PAST, fake

pytestmark = pytest.mark.django_db

EVERY = "every"
#: key → the department codes whose lines they see (EVERY: all), and whether they compute.
ROLES = {
    "office": (EVERY, True),  # 院办 staff
    "office_head": (EVERY, True),
    "president": (EVERY, False),  # leader in charge, chair of the leading group
    "vp": (EVERY, False),
    "secretary": (EVERY, False),  # leader in charge outside the leading group
    "xxk_head": ({"XXK"}, False),
    "xxk_deputy": ({"XXK"}, False),
    "xxk_liaison": ({"XXK"}, False),
    "bwk_liaison": ({"BWK"}, False),
    "xxk_staff": (set(), False),
    "outsider": (set(), False),
    "supervisor": (set(), False),  # 督查办 staff: not the evaluating office
    "group_member": (set(), False),  # a member of the leading group, not a leader
}


def departments_seen(h, who) -> set[str] | int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.issue(h.p[who].user).key}")
    answer = client.get("/api/v1/scorecards/", {"period": PAST})
    if answer.status_code != 200:
        return answer.status_code
    return {line["department"] for line in answer.json()["departments"]}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_sees_its_lines_and_computes_or_not(h, who):
    fake(h, "on_time", {"XXK": (9, 10)})
    # Shown to the departments: a draft is the office's and the leaders' only.
    card = services.compute(h.organization, periods.parse(PAST), h.p["office"])
    advance(card, h.p["office"])
    seen, computes = ROLES[who]
    every = {code for code, d in h.d.items() if d.kind != "external"}
    expected = every if seen == EVERY else seen or 403
    assert departments_seen(h, who) == expected
    assert policy.may_see_scorecards(h.p[who]) is bool(seen)
    assert policy.may_compute(h.p[who]) is computes
    assert policy.may_see_line(h.p[who], h.d["XXK"].pk) is (seen == EVERY or "XXK" in seen)


def test_a_person_who_left_sees_nothing(h):
    head = h.p["xxk_head"]
    head.is_active = False
    head.save()
    assert not policy.may_see_scorecards(head) and not policy.may_see_line(head, h.d["XXK"].pk)

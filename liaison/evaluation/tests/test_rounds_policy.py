"""Who may do what in peer evaluation (三评), role by role."""

import pytest

from liaison.evaluation import policy
from liaison.evaluation.models import PeerBallot

pytestmark = pytest.mark.django_db

#: person key → (runs rounds, sees raters, sees rounds)
ROLES = {
    "office": (True, True, True),
    "office_head": (True, True, True),
    "president": (False, False, True),  # a leader sees every department's progress
    "vp": (False, False, True),
    "xxk_head": (False, False, True),  # its own department's row
    "xxk_liaison": (False, False, True),
    "xxk_staff": (False, False, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize(("key", "expected"), ROLES.items())
def test_what_each_role_may_do(h, key, expected):
    person = h.p[key]
    assert (
        policy.may_run_rounds(person),
        policy.may_see_raters(person),
        policy.may_see_round(person),
    ) == expected


@pytest.mark.parametrize(
    ("key", "may"),
    [
        ("yjk_head", True),
        ("yjk_liaison", True),
        ("yjk_staff", False),
        ("xxk_head", False),  # the evaluated department
        ("office", False),
        ("president", False),
    ],
)
def test_who_answers_a_rater_departments_ballot(h, key, may):
    ballot = PeerBallot(evaluated=h.d["XXK"], rater_department=h.d["YJK"])
    assert policy.may_answer(h.p[key], ballot) is may


def test_an_external_ballot_is_answered_by_code_only(h):
    ballot = PeerBallot(evaluated=h.d["XXK"], rater_label="某企业", code_hash="x" * 64)
    assert not any(policy.may_answer(person, ballot) for person in h.p.values())

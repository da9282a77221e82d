"""Who may do what with supervisions, pinned role by role (liaison.supervision.policy):
the offices, a leader in charge, the chair of a coordination group, a plain member of the
leading group, a department head and liaison officer, and staff."""

import pytest
from django.urls import reverse

from liaison.matters.models import State
from liaison.matters.services import NotAllowed
from liaison.matters.tests.factories import MatterFactory, changes_nothing, in_days
from liaison.org.models import CoordinationGroup, GroupMembership, GroupRole
from liaison.supervision import policy, selectors, services
from liaison.supervision.models import Supervision

from .conftest import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(h):
    """蒋后勤 (总务科 staff) chairs an ordinary coordination group: a leader, though in
    charge of no department and not in the leading group."""
    group = CoordinationGroup.objects.create(organization=h.organization, name="院感协调小组")
    GroupMembership.objects.create(group=group, person=h.p["zwk_staff"], role=GroupRole.CHAIR)
    return h.p["zwk_staff"]


# who: (may supervise, sees the whole board, may open the board)
CAST = {
    "office": (True, True, True),  # 院办 staff
    "supervisor": (True, True, True),  # 督查办 staff
    "secretary": (True, True, True),  # leader in charge of 总务科 and 保卫科
    "chair": (True, True, True),  # chair of a coordination group
    "group_member": (False, True, True),  # leading group, but not a leader
    "xxk_head": (False, False, True),  # head: their departments' items
    "xxk_liaison": (False, False, True),
    "xxk_staff": (False, False, False),
    "outsider": (False, False, False),
}


@pytest.mark.parametrize(("who", "expected"), CAST.items())
def test_each_role_may_supervise_and_see_the_board_or_not(h, chair, who, expected):
    person = chair if who == "chair" else h.p[who]
    assert (
        policy.may_supervise(person),
        policy.sees_whole_board(person),
        policy.may_see_board(person),
    ) == expected
    scope = selectors.board_scope(person)
    assert (scope is not None) == expected[2]
    if scope is not None:
        assert scope.everything == expected[1]


def test_the_chair_of_an_inactive_group_is_no_longer_a_leader(h, chair):
    CoordinationGroup.objects.filter(memberships__person=chair).update(is_active=False)
    assert not policy.may_supervise(chair)
    assert not policy.may_see_board(chair)


def test_a_plain_leading_group_member_may_not_supervise(h, matter):
    with changes_nothing(matter), pytest.raises(NotAllowed):
        services.supervise(matter, h.p["group_member"], deadline=in_days(3), reason="督办")
    assert not Supervision.objects.exists()


def test_the_pickers_supervisors_are_exactly_who_may_supervise(h, chair):
    expected = {p.pk for p in h.organization.people.all() if policy.may_supervise(p)}
    assert {p.pk for p in policy.supervisors_of(h.organization)} == expected
    assert chair.pk in expected and h.p["group_member"].pk not in expected


def test_who_may_urge_a_supervision(h, supervised):
    supervision = services.active_supervision(supervised)
    assert policy.may_urge(h.p["supervisor"], supervision)
    assert policy.may_urge(h.p["office"], supervision)
    assert policy.may_urge(h.p["vp"], supervision)
    assert not policy.may_urge(h.p["group_member"], supervision)
    assert not policy.may_urge(h.p["xxk_head"], supervision)


def test_who_may_reply_and_review(h, supervised):
    supervision = services.active_supervision(supervised)
    # The lead department (信息科) replies, whoever of its people.
    assert policy.may_rectify(h.p["xxk_staff"], supervised)
    assert not policy.may_rectify(h.p["mzb_staff"], supervised)
    assert not policy.may_rectify(h.p["supervisor"], supervised)
    # 督查办 supervises: its people and the supervisor review; 院办 does not, nor leaders.
    assert policy.may_review(h.p["supervisor"], supervision)
    assert not policy.may_review(h.p["office"], supervision)
    assert not policy.may_review(h.p["vp"], supervision)
    assert not policy.may_review(h.p["group_member"], supervision)
    reply = submit(h, supervised, who="xxk_staff")
    assert policy.is_own_reply(h.p["xxk_staff"], reply)
    assert not policy.is_own_reply(h.p["supervisor"], reply)


def test_the_state_table(h, matter):
    assert policy.can_supervise(matter, None)
    supervision = services.supervise(
        matter, h.p["office"], deadline=in_days(3), reason="督办", rectification_required=False
    )
    assert not policy.can_supervise(matter, supervision)
    assert not policy.can_rectify(supervision, None)  # asks for no reply
    assert not policy.can_review(supervision, None)


# Through the pages.


def test_a_leading_group_member_opens_the_board(client, h, supervised):
    client.force_login(h.p["group_member"].user)
    board = client.get("/supervision/", HTTP_ACCEPT_LANGUAGE="en")
    assert board.status_code == 200
    html = board.content.decode()
    assert f'data-number="{supervised.number}"' in html
    assert 'data-testid="nav-supervision"' in html


def test_the_supervise_form_only_for_who_may_supervise(client, h, chair):
    # A matter led by 总务科: the chair works there and sees it, and so does the leading group.
    matter = MatterFactory(originator=h.p["mzb_staff"], by=h, state=State.ACCEPTED, lead=h.d["ZWK"])
    for person, shown in ((chair, True), (h.p["group_member"], False), (h.p["zwk_head"], False)):
        client.force_login(person.user)
        page = client.get(reverse("matters:detail", args=[matter.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert ('data-testid="action-supervise"' in page.content.decode()) == shown, person.name

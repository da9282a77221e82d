"""Who handles which mailbox, pinned role by role (liaison.suggestions.policy): the
coordinating office, the organization's head, a leader in charge, a leading-group member,
a department head and staff."""

import pytest

from liaison.matters.services import NotAllowed
from liaison.org.tests.factories import OrganizationFactory
from liaison.suggestions import policy, services
from liaison.suggestions.models import Mailbox

from .factories import write

pytestmark = pytest.mark.django_db

BOTH = {Mailbox.BOX, Mailbox.LEADER}
CAST = {
    "office_head": BOTH,  # 院办
    "office": BOTH,
    "president": {Mailbox.LEADER},  # titled 院长: the leader's mailbox is theirs
    "vp": set(),  # a leader in charge, and in the leading group: not a mailbox's handler
    "group_member": set(),
    "supervisor": set(),  # 督查办 is not the coordinating office
    "xxk_head": set(),
    "outsider": set(),
}


@pytest.mark.parametrize(("who", "mailboxes"), CAST.items())
def test_each_role_handles_its_mailboxes(h, who, mailboxes):
    person = h.p[who]
    assert policy.handled_mailboxes(person) == mailboxes
    for mailbox in Mailbox.values:
        assert (person in policy.handlers_for(h.organization, mailbox)) == (mailbox in mailboxes)


def test_an_inactive_person_handles_nothing(h):
    office = h.p["office"]
    office.is_active = False
    office.save(update_fields=["is_active"])
    assert policy.handled_mailboxes(office) == set()
    assert office not in policy.handlers_for(h.organization, Mailbox.BOX)


def test_may_handle_needs_the_mailbox_and_the_organization(h):
    box, _code = write(h)
    leader, _code = write(h, mailbox=Mailbox.LEADER)
    assert policy.may_handle(h.p["office"], box) and policy.may_handle(h.p["office"], leader)
    assert policy.may_handle(h.p["president"], leader)
    assert not policy.may_handle(h.p["president"], box)
    assert not policy.may_handle(h.p["vp"], leader)
    assert not policy.may_handle(None, box)


def test_a_signed_writer_writes_only_to_their_own_organization(h):
    other = OrganizationFactory(code="other")
    assert policy.may_write_to(h.p["outsider"], h.organization)
    assert policy.may_write_to(None, other)  # the public page
    assert not policy.may_write_to(h.p["outsider"], other)
    with pytest.raises(NotAllowed):
        services.submit(
            other,
            services.SuggestionInput(kind="suggestion", subject="题", body="内容"),
            channel="staff",
            writer=h.p["outsider"],
        )


def test_the_state_table(h):
    letter, _code = write(h)
    assert policy.can_route(letter) and not policy.can_publish(letter)
    letter = services.reply(letter, h.p["office"], text="已转总务科。")
    assert policy.can_publish(letter)
    services.route(letter, h.p["office"])
    letter.refresh_from_db()
    assert not policy.can_route(letter)


def test_a_leader_in_charge_is_sent_to_their_own_letters(h, client):
    client.force_login(h.p["vp"].user)
    response = client.get("/suggestions/")
    assert response.status_code == 302 and response.url == "/suggestions/mine/"

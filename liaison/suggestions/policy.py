"""Who may do what with letters to the suggestion box and the leader's mailbox, and in which
state: services, selectors, views, the API and templates all ask here.

Roles come from liaison.org.roles. Rights:

- write: anyone of the organization (signed in), and the public through the public page;
- read and answer a mailbox's letters (reply, open a matter, publish): the suggestion box
  is handled by the general coordinating office (院办); the leader's mailbox by the same
  office and the organization's heads (roles.is_organization_head: 院长, 局长, 总经理 by
  job title). Leaders in charge do not read the mailboxes;
- a writer reads their own signed letters (anonymous ones are linked to nobody).

States: a letter becomes a matter at most once; it is published only with a reply.
"""

from liaison.org.models import Organization, Person
from liaison.org.roles import (
    in_coordinating_office,
    is_organization_head,
    organization_heads,
    people_of,
)

from .models import Mailbox, Suggestion


def handled_mailboxes(person: Person | None) -> set[str]:
    """The mailboxes whose letters the person reads and answers."""
    if not person or not person.is_active:  # None, or a lazy person of a login without one
        return set()
    if in_coordinating_office(person):
        return {Mailbox.BOX, Mailbox.LEADER}
    if is_organization_head(person):
        return {Mailbox.LEADER}
    return set()


def handlers_for(organization: Organization, mailbox: str) -> list[Person]:
    """Everyone handled_mailboxes gives this mailbox (who is told of a new letter)."""
    office = organization.coordinating_department
    people = {p.pk: p for p in people_of(office)} if office is not None else {}
    if mailbox == Mailbox.LEADER:
        people.update({p.pk: p for p in organization_heads(organization)})
    return list(people.values())


def may_handle(person: Person | None, suggestion: Suggestion) -> bool:
    return (
        person is not None
        and person.organization_id == suggestion.organization_id
        and suggestion.mailbox in handled_mailboxes(person)
    )


def may_write_to(writer: Person | None, organization: Organization) -> bool:
    """A signed-in writer writes only to their own organization (None: the public page)."""
    return writer is None or writer.organization_id == organization.pk


def can_route(suggestion: Suggestion) -> bool:
    return suggestion.matter_id is None


def can_publish(suggestion: Suggestion) -> bool:
    return bool(suggestion.reply)

"""Who sees which letters: the only place visibility is decided."""

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from liaison.org.models import Department, Organization, Person

from .models import Kind, Mailbox, Status, Suggestion
from .policy import handled_mailboxes

RELATED = ("department", "writer", "replied_by", "matter", "published_by", "routed_by")


def visible_to(person: Person | None):
    """The letters a person may open: those of the mailboxes they handle, and their own
    signed ones."""
    if person is None:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(organization=person.organization).filter(
        Q(mailbox__in=handled_mailboxes(person)) | Q(writer=person)
    )


def suggestion_for(person: Person | None, pk) -> Suggestion:
    """The letter if the person may open it, else 404 (whether it exists is not told)."""
    suggestion = visible_to(person).select_related(*RELATED).filter(pk=pk).first()
    if suggestion is None:
        raise Http404
    return suggestion


@dataclass(frozen=True)
class Filters:
    status: str = ""
    kind: str = ""
    mailbox: str = ""

    @classmethod
    def of(cls, params) -> "Filters":
        """The filters from a query string; unknown values are ignored."""

        def pick(name, choices):
            value = params.get(name) or ""
            return value if value in choices.values else ""

        return cls(pick("status", Status), pick("kind", Kind), pick("mailbox", Mailbox))


def handled_by(person: Person, filters: Filters = Filters()):
    """The letters of the mailboxes the person handles, newest first."""
    letters = Suggestion.objects.filter(
        organization=person.organization, mailbox__in=handled_mailboxes(person)
    )
    for name in ("status", "kind", "mailbox"):
        value = getattr(filters, name)
        if value:
            letters = letters.filter(**{name: value})
    return letters.select_related(*RELATED)


def written_by(person: Person):
    """The person's signed letters (anonymous ones are not linked to anybody)."""
    return Suggestion.objects.filter(writer=person).select_related(*RELATED)


def published_in(organization: Organization):
    return (
        Suggestion.objects.filter(organization=organization, published=True)
        .select_related("department")
        .order_by("-published_at", "-pk")
    )


def praise_for(department: Department):
    return published_in(department.organization).filter(kind=Kind.PRAISE, department=department)

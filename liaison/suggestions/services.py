"""Letters to the suggestion box and the leader's mailbox: the only place their state
changes. Pages, the API and the demo call these functions.

Who handles which mailbox, and who may do what, is decided in liaison.suggestions.policy.

Anonymous means that nothing names the writer: no person, no name or contact, only the
day the letter came (not the hour), no event, no log line, no notice excluding the writer
from the office's list. The retrieval code is shown once; only its hash is kept.

Refusals raise the service errors of liaison.core.errors (InvalidInput 400, NotAllowed 403,
WrongState 409), so pages and the API show them as they show the matters'.
"""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.inbox.models import Ask
from liaison.inbox.services import notify
from liaison.inbox.texts import Text
from liaison.matters.models import Matter, MatterKind
from liaison.matters.services import MatterInput, create_matter
from liaison.org.models import Department, DepartmentKind, Organization, Person
from liaison.org.roles import works_in

from . import policy
from .models import EventType, Kind, Mailbox, Status, Suggestion, SuggestionEvent

#: Unambiguous characters of a retrieval code: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
CODE_GROUP = 4
MAX_SUBJECT = 200
MAX_BODY = 5000
MAX_REPLY = 5000
#: The matter kind a letter becomes when action is needed.
MATTER_KIND = "suggestion"


# Retrieval codes.


def new_code() -> str:
    """XXXX-XXXX-XXXX from the unambiguous alphabet (about 59 bits)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def normalize_code(code: str) -> str:
    """The code as typed, in capitals without spaces or dashes."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def hash_code(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def find_by_code(code: str) -> Suggestion | None:
    """The letter the code belongs to, or None (a malformed code is simply not found)."""
    normalized = normalize_code(code)
    if len(normalized) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in normalized):
        return None
    return (
        Suggestion.objects.select_related("department", "matter", "organization")
        .filter(code_hash=hash_code(normalized))
        .first()
    )


# Writing.


@dataclass
class SuggestionInput:
    kind: str
    subject: str
    body: str
    mailbox: str = Mailbox.BOX
    department: Department | None = None
    anonymous: bool = False
    writer_name: str = ""
    writer_contact: str = ""


def _text(value: str, limit: int, missing: str, too_long: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(missing)
    if len(value) > limit:
        raise InvalidInput(too_long % {"limit": limit})
    return value


def _checked(organization: Organization, data: SuggestionInput) -> tuple[str, str]:
    if data.kind not in Kind.values:
        raise InvalidInput(_("Unknown kind of letter."))
    if data.mailbox not in Mailbox.values:
        raise InvalidInput(_("Unknown mailbox."))
    subject = _text(
        data.subject,
        MAX_SUBJECT,
        _("Give your letter a subject."),
        _("The subject is too long (at most %(limit)s characters)."),
    )
    body = _text(
        data.body,
        MAX_BODY,
        _("Write what you want to say."),
        _("The text is too long (at most %(limit)s characters)."),
    )
    department = data.department
    if department is not None and (
        department.organization_id != organization.pk
        or not department.is_active
        or department.kind == DepartmentKind.EXTERNAL
    ):
        raise InvalidInput(_("Choose a department of this organization."))
    if data.kind == Kind.PRAISE and department is None:
        raise InvalidInput(_("Praise is for a department: choose which one."))
    return subject, body


def received_at(anonymous: bool) -> datetime.datetime:
    """Now; only the day (local midnight) for an anonymous letter, so that its time cannot
    be matched against anything else."""
    now = timezone.localtime()
    if not anonymous:
        return now
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def submit(
    organization: Organization,
    data: SuggestionInput,
    *,
    channel: str,
    writer: Person | None = None,
) -> tuple[Suggestion, str]:
    """A new letter and its retrieval code (shown to the writer once, kept nowhere). An
    anonymous letter keeps no trace of `writer`; a public one is signed, if at all, with
    the name and contact given."""
    subject, body = _checked(organization, data)
    if not policy.may_write_to(writer, organization):
        raise NotAllowed(_("You can write only to your own organization."))
    anonymous = bool(data.anonymous)
    name = contact = ""
    signer = None
    if not anonymous:
        if writer is not None:
            signer = writer
        else:
            name = _text(
                data.writer_name,
                100,
                _("Give your name, or send the letter anonymously."),
                _("The name is too long (at most %(limit)s characters)."),
            )
            contact = (data.writer_contact or "").strip()[:200]
    while True:
        code = new_code()
        try:
            with transaction.atomic():
                suggestion = Suggestion.objects.create(
                    organization=organization,
                    mailbox=data.mailbox,
                    kind=data.kind,
                    subject=subject,
                    body=body,
                    department=data.department,
                    anonymous=anonymous,
                    writer=signer,
                    writer_name=name,
                    writer_contact=contact,
                    channel=channel,
                    code_hash=hash_code(code),
                    created_at=received_at(anonymous),
                )
                _tell_handlers(suggestion, exclude=signer)
        except IntegrityError:
            if Suggestion.objects.filter(code_hash=hash_code(code)).exists():
                continue  # the same code drawn twice: draw another
            raise
        return suggestion, code


def detail_url(suggestion: Suggestion) -> str:
    return reverse("suggestions:detail", args=[suggestion.pk])


def _tell_handlers(suggestion: Suggestion, *, exclude: Person | None) -> None:
    # An anonymous writer who is one of the handlers gets the notice like everyone else:
    # leaving them out would name them.
    title = Text(
        gettext_noop("%(mailbox)s: %(kind)s “%(subject)s”"),
        mailbox=Mailbox(suggestion.mailbox),
        kind=Kind(suggestion.kind),
        subject=suggestion.subject,
    )
    notify(
        policy.handlers_for(suggestion.organization, suggestion.mailbox),
        ask=Ask.ANSWER,
        title=title,
        detail=suggestion.department.name if suggestion.department_id else "",
        url=detail_url(suggestion),
        subject=suggestion,
        exclude=exclude,
    )


# The office's work.


def _lock(suggestion: Suggestion) -> Suggestion:
    return (
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("organization", "department", "writer", "matter")
        .get(pk=suggestion.pk)
    )


def _require_handler(person: Person, suggestion: Suggestion) -> None:
    if not policy.may_handle(person, suggestion):
        raise NotAllowed(_("Only the office that handles this mailbox can do that."))


def _event(suggestion: Suggestion, type_: str, actor: Person, **data) -> SuggestionEvent:
    return SuggestionEvent.objects.create(suggestion=suggestion, type=type_, actor=actor, data=data)


@transaction.atomic
def reply(suggestion: Suggestion, person: Person, *, text: str) -> Suggestion:
    """The office's answer (again, to correct it); a signed-in writer is told, an anonymous
    one reads it with the code."""
    suggestion = _lock(suggestion)
    _require_handler(person, suggestion)
    text = _text(
        text,
        MAX_REPLY,
        _("Write the reply."),
        _("The reply is too long (at most %(limit)s characters)."),
    )
    if text == suggestion.reply:
        return suggestion
    changed = bool(suggestion.reply)
    suggestion.reply = text
    suggestion.replied_by = person
    suggestion.replied_at = timezone.now()
    suggestion.status = Status.ANSWERED
    suggestion.save(update_fields=["reply", "replied_by", "replied_at", "status"])
    _event(suggestion, EventType.REPLY_CHANGED if changed else EventType.REPLIED, person)
    if suggestion.writer_id is not None:
        notify(
            [suggestion.writer],
            ask=Ask.INFO,
            title=Text(
                gettext_noop("Your letter “%(subject)s” was answered"), subject=suggestion.subject
            ),
            url=detail_url(suggestion),
            subject=suggestion,
            exclude=person,
        )
    return suggestion


def suggestion_kind(organization: Organization) -> MatterKind:
    kind = MatterKind.objects.filter(
        organization=organization, code=MATTER_KIND, is_active=True
    ).first()
    if kind is None:
        raise InvalidInput(_("The matter kind “suggestion” is missing or switched off."))
    return kind


def matter_description(suggestion: Suggestion) -> str:
    """What the matter carries of the letter: its text and where it came from, never the
    writer (the department concerned need not know who wrote)."""
    source = _("From the %(mailbox)s (%(kind)s), received %(day)s.") % {
        "mailbox": suggestion.get_mailbox_display(),
        "kind": suggestion.get_kind_display(),
        "day": date_format(timezone.localtime(suggestion.created_at).date()),
    }
    return f"{suggestion.body}\n\n{source}"


@transaction.atomic
def route(
    suggestion: Suggestion,
    person: Person,
    *,
    lead_department: Department | None = None,
    title: str = "",
) -> Matter:
    """Open a matter for a letter that needs action: to `lead_department` directly, or to
    the coordinating office to dispatch. The matter names the office, not the writer."""
    suggestion = _lock(suggestion)
    _require_handler(person, suggestion)
    if not policy.can_route(suggestion):
        raise WrongState(
            _("A matter was already opened for this letter: %(number)s")
            % {"number": suggestion.matter.number}
        )
    office = suggestion.organization.coordinating_department
    matter = create_matter(
        person,
        MatterInput(
            title=(title or "").strip() or suggestion.subject,
            kind=suggestion_kind(suggestion.organization),
            description=matter_description(suggestion),
            originator_department=office if works_in(person, office) else None,
            lead_department=lead_department,
        ),
        submit=True,
    )
    suggestion.matter = matter
    suggestion.routed_by = person
    suggestion.routed_at = timezone.now()
    if suggestion.status == Status.NEW:
        suggestion.status = Status.ROUTED
    suggestion.save(update_fields=["matter", "routed_by", "routed_at", "status"])
    _event(suggestion, EventType.ROUTED, person, matter=matter.number)
    return suggestion.matter


@transaction.atomic
def publish(suggestion: Suggestion, person: Person) -> Suggestion:
    """Show the letter and its reply on the published page (praise also on the
    department's page). The writer is never shown."""
    suggestion = _lock(suggestion)
    _require_handler(person, suggestion)
    if not policy.can_publish(suggestion):
        raise WrongState(_("Reply before publishing: a published letter shows its reply."))
    if suggestion.published:
        return suggestion
    suggestion.published = True
    suggestion.published_by = person
    suggestion.published_at = timezone.now()
    suggestion.save(update_fields=["published", "published_by", "published_at"])
    _event(suggestion, EventType.PUBLISHED, person)
    return suggestion


@transaction.atomic
def unpublish(suggestion: Suggestion, person: Person) -> Suggestion:
    suggestion = _lock(suggestion)
    _require_handler(person, suggestion)
    if not suggestion.published:
        return suggestion
    suggestion.published = False
    suggestion.published_by = None
    suggestion.published_at = None
    suggestion.save(update_fields=["published", "published_by", "published_at"])
    _event(suggestion, EventType.UNPUBLISHED, person)
    return suggestion

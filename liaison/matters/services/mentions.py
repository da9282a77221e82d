"""Comments on the timeline and the @mentions in them."""

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from liaison.core.errors import NotAllowed
from liaison.inbox.models import Ask
from liaison.org.models import Department, Organization, Person
from liaison.org.roles import department_of, handlers_of

from .. import policy
from ..models import EventType, Matter, MatterEvent
from ..policy import Action, can_view, is_handling
from .attachments import attach_uploads, check_uploads
from .records import lock_matter, record_event, require_text, tell_about

MENTION = re.compile(r"@([^\s@，。,.;；:：!！?？]+)")


def mentioned(organization: Organization, text: str) -> tuple[list[Person], list[Department]]:
    """People (by name or employee number) and departments (by name or short name)
    mentioned as @name in a text.

    Chinese puts no space after a name ("@信息科请今天处理"), so each mention is the
    longest known name the text after the @ starts with."""
    tokens = set(MENTION.findall(text or ""))
    if not tokens:
        return [], []
    prefixes = {token[:length] for token in tokens for length in range(1, min(len(token), 100) + 1)}
    people = list(
        Person.objects.filter(organization=organization, is_active=True).filter(
            Q(name__in=prefixes) | Q(employee_number__in=prefixes)
        )
    )
    departments = list(
        Department.objects.filter(organization=organization, is_active=True).filter(
            Q(name__in=prefixes) | Q(short_name__in=prefixes)
        )
    )
    keys = [(p, {p.name, p.employee_number}) for p in people] + [
        (d, {d.name, d.short_name} - {""}) for d in departments
    ]
    chosen: dict[tuple[type, int], Person | Department] = {}
    for token in tokens:
        matches = [
            (max(len(k) for k in names if token.startswith(k)), item)
            for item, names in keys
            if any(token.startswith(k) for k in names)
        ]
        if matches:
            longest = max(length for length, _item in matches)
            for length, item in matches:
                if length == longest:
                    chosen[(type(item), item.pk)] = item
    return (
        [item for item in chosen.values() if isinstance(item, Person)],
        [item for item in chosen.values() if isinstance(item, Department)],
    )


@transaction.atomic
def comment(
    matter: Matter, person: Person, *, text: str, internal: bool = False, attachments: Iterable = ()
) -> MatterEvent:
    """A comment on the timeline; @mentions notify. Internal notes are seen only by the
    departments handling the matter."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.COMMENT)
    text = require_text(text, _("Write something first."))
    if internal and not is_handling(person, matter):
        raise NotAllowed(_("Only the departments handling the matter can write internal notes."))
    attachments = check_uploads(attachments)
    event = record_event(
        matter,
        EventType.COMMENTED,
        person,
        department=department_of(person, [matter.lead_department, matter.originator_department]),
        text=text,
        internal=internal,
    )
    attach_uploads(matter, person, event, attachments)
    matter.save(update_fields=["updated_at"])
    people, departments = mentioned(matter.organization, text)
    recipients = people + [p for d in departments for p in handlers_of(d)]
    if internal:
        recipients = [p for p in recipients if is_handling(p, matter)]
    recipients = [p for p in recipients if can_view(p, matter)]
    tell_about(matter, recipients, Ask.MENTION, person, text[:200])
    return event

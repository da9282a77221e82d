"""Writing notices: a draft of its author, changed until it is published."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput, NotAllowed, WrongState
from liaison.matters import services as matters
from liaison.org.models import Department, Person, PositionRole

from .. import policy
from ..models import AudienceEntry, AudienceKind, EventType, Notice, NoticeAttachment, NoticeKind
from .common import event, lock
from .publishing import publish_notice


@dataclass
class NoticeInput:
    title: str
    author_department: Department
    body: str = ""
    kind: str = NoticeKind.NOTICE
    to_everyone: bool = False
    departments: tuple = ()  # Department
    with_subtree: bool = False
    roles: tuple = ()  # PositionRole values, organization-wide
    groups: tuple = ()  # CoordinationGroup
    people: tuple = ()  # Person
    require_read: bool = True
    require_action: bool = False
    action_due: datetime.date | None = None
    expires_at: datetime.datetime | None = None
    pinned: bool = False


def _checked(person: Person, data: NoticeInput) -> str:
    title = (data.title or "").strip()
    if not title:
        raise InvalidInput(_("A notice needs a title."))
    if len(title) > 200:
        raise InvalidInput(_("The title is too long (at most 200 characters)."))
    if data.kind not in NoticeKind.values:
        raise InvalidInput(_("Unknown kind of notice."))
    department = data.author_department
    if department is None or department.organization_id != person.organization_id:
        raise InvalidInput(_("Choose the issuing department."))
    if not policy.may_write_for(person, department):
        raise InvalidInput(_("You can write notices only for a department you work in."))
    organization_id = person.organization_id
    for item in (*data.departments, *data.groups, *data.people):
        if item.organization_id != organization_id:
            raise InvalidInput(_("The audience must belong to your organization."))
    for role in data.roles:
        if role not in PositionRole.values:
            raise InvalidInput(_("Unknown position: %(value)s") % {"value": role})
    if data.require_action:
        if data.action_due is None:
            raise InvalidInput(_("Give the date by which departments must reply."))
        if not data.departments:
            raise InvalidInput(
                _("A notice that requires action must be sent to departments: each one replies.")
            )
    if data.action_due is not None and data.action_due < timezone.localdate():
        raise InvalidInput(_("The reply date cannot be in the past."))
    if data.expires_at is not None and data.expires_at <= timezone.now():
        raise InvalidInput(_("The expiry time must be in the future."))
    return title


def _write(notice: Notice, data: NoticeInput, title: str) -> None:
    notice.kind = data.kind
    notice.title = title
    notice.body = (data.body or "").strip()
    notice.author_department = data.author_department
    notice.to_everyone = bool(data.to_everyone)
    notice.require_read = bool(data.require_read)
    notice.require_action = bool(data.require_action)
    notice.action_due = data.action_due if data.require_action else None
    notice.expires_at = data.expires_at
    notice.pinned = bool(data.pinned)
    notice.save()
    notice.audience.all().delete()
    entries = [
        *(
            AudienceEntry(
                notice=notice,
                kind=AudienceKind.DEPARTMENT,
                department=d,
                with_subtree=data.with_subtree,
            )
            for d in dict.fromkeys(data.departments)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.POSITION, role=r)
            for r in dict.fromkeys(data.roles)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.GROUP, group=g)
            for g in dict.fromkeys(data.groups)
        ),
        *(
            AudienceEntry(notice=notice, kind=AudienceKind.PERSON, person=p)
            for p in dict.fromkeys(data.people)
        ),
    ]
    AudienceEntry.objects.bulk_create(entries)


def _attach(notice: Notice, person: Person, uploads: list) -> None:
    for upload in uploads:
        name = matters.checked_upload_name(upload)
        attachment = NoticeAttachment(
            notice=notice,
            original_name=name[:255],
            size=upload.size,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
            uploaded_by=person,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def _checked_uploads(uploads: Iterable) -> list:
    """Every file checked before any is stored: a refused batch leaves no stray files."""
    uploads = list(uploads or ())
    for upload in uploads:
        matters.checked_upload_name(upload)
    return uploads


@transaction.atomic
def create_notice(
    person: Person, data: NoticeInput, *, attachments: Iterable = (), publish: bool = False
) -> Notice:
    """A new notice, kept as a draft of `person` (or published at once with `publish`)."""
    title = _checked(person, data)
    uploads = _checked_uploads(attachments)
    notice = Notice(organization=person.organization, author=person)
    _write(notice, data, title)
    _attach(notice, person, uploads)
    event(notice, EventType.CREATED, person, department=data.author_department)
    if publish:
        notice = publish_notice(notice, person)
    return notice


@transaction.atomic
def edit_draft(
    notice: Notice, person: Person, data: NoticeInput, *, attachments: Iterable = ()
) -> Notice:
    notice = lock(notice)
    if not policy.state_allows(notice, "edit"):
        raise WrongState(_("Only a draft can be changed; this notice is published."))
    if not policy.may_edit(person, notice):
        raise NotAllowed(_("Only its author or the issuing department may change this draft."))
    title = _checked(person, data)
    uploads = _checked_uploads(attachments)
    _write(notice, data, title)
    _attach(notice, person, uploads)
    event(notice, EventType.EDITED, person, department=notice.author_department)
    return notice

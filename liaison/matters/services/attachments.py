"""Files attached to a matter."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from liaison.core.errors import InvalidInput
from liaison.org.models import Person
from liaison.org.roles import department_of

from .. import policy
from ..models import Attachment, EventType, Matter, MatterEvent
from ..policy import Action
from .records import lock_matter, record_event

ALLOWED_EXTENSIONS = {
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "txt",
    "csv",
    "jpg",
    "jpeg",
    "png",
    "gif",
    "webp",
    "zip",
    "rar",
    "7z",
    "ofd",
    "wps",
    "et",
    "dps",
    "mp4",
    "mp3",
    "wav",
}


def checked_upload_name(upload) -> str:
    """The upload's file name (path parts dropped), refused unless its type is allowed and
    its size within the limit."""
    from django.conf import settings

    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        raise InvalidInput(_("The file has no name."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise InvalidInput(
            _("Files of type .%(extension)s cannot be attached.") % {"extension": extension or "?"}
        )
    if upload.size > settings.MATTER_ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("%(name)s is too large: at most %(size)d MB.")
            % {"name": name, "size": settings.MATTER_ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    return name


def attach(
    matter: Matter, person: Person, upload, *, event: MatterEvent | None = None
) -> Attachment:
    """Store one uploaded file on the matter (within the caller's transaction)."""
    name = checked_upload_name(upload)
    attachment = Attachment(
        matter=matter,
        event=event,
        original_name=name[:255],
        size=upload.size,
        content_type=(getattr(upload, "content_type", "") or "")[:100],
        uploaded_by=person,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    return attachment


def check_uploads(uploads: Iterable) -> list:
    """Every file checked before any is stored: a refused batch leaves no stray files."""
    uploads = list(uploads or ())
    for upload in uploads:
        checked_upload_name(upload)
    return uploads


def attach_uploads(matter: Matter, person: Person, event: MatterEvent, uploads: list) -> None:
    for upload in uploads:
        attach(matter, person, upload, event=event)


@transaction.atomic
def add_attachments(
    matter: Matter, person: Person, uploads: Iterable, *, text: str = ""
) -> MatterEvent:
    """Attach files on their own, as a timeline event."""
    matter = lock_matter(matter)
    policy.require(person, matter, Action.COMMENT)
    uploads = check_uploads(uploads)
    if not uploads:
        raise InvalidInput(_("Choose a file to attach."))
    event = record_event(
        matter,
        EventType.ATTACHED,
        person,
        department=department_of(person, [matter.lead_department, matter.originator_department]),
        text=(text or "").strip(),
    )
    attach_uploads(matter, person, event, uploads)
    matter.save(update_fields=["updated_at"])
    return event

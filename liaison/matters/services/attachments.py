"""Files attached to a matter, and the one check every upload passes (matters, notices,
communication): an allowed extension, the size limit, and content whose bytes are of
that extension's family (an .exe renamed report.pdf is refused)."""

import codecs
from collections.abc import Iterable

import filetype
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


#: What the bytes may be sniffed as (filetype's extensions) for each allowed extension.
#: Zip containers cover the office formats (OOXML, OFD) and archives alike, because a
#: .docx is a zip and a zip of documents is a zip; the old office formats (and WPS's) are
#: OLE2 compound files.
_ZIPPED = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"}
_OLE2 = {"doc", "xls", "ppt"}
_IMAGES = {"jpg", "png", "gif", "webp"}
_SNIFFED_AS = {
    "pdf": {"pdf"},
    **dict.fromkeys(("jpg", "jpeg", "png", "gif", "webp"), _IMAGES),
    **dict.fromkeys(("docx", "xlsx", "pptx", "ofd", "zip"), _ZIPPED),
    "rar": {"rar"},
    "7z": {"7z"},
    **dict.fromkeys(("doc", "xls", "ppt", "wps", "et", "dps"), _OLE2),
    "mp4": {"mp4", "m4v", "mov"},
    "mp3": {"mp3"},
    "wav": {"wav"},
}
#: Formats without magic bytes: accepted when they read as text.
_TEXT = {"txt", "csv"}
_OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEAD_BYTES = 64 * 1024


def _head(upload) -> bytes:
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    return head


def _reads_as_text(head: bytes) -> bool:
    """Text in UTF-8 or GB18030 (what Chinese spreadsheets save), without NUL bytes; the
    last character may be cut by the sample's end."""
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _content_matches(extension: str, head: bytes) -> bool:
    if extension in _TEXT:
        return _reads_as_text(head)
    kind = filetype.guess_extension(head)
    if extension in _SNIFFED_AS and _SNIFFED_AS[extension] is _OLE2:
        return kind in _OLE2 or head.startswith(_OLE2_HEADER)
    return kind in _SNIFFED_AS.get(extension, ())


def checked_upload_name(upload) -> str:
    """The upload's file name (path parts dropped), refused unless its type is allowed, its
    size within the limit and its content of its extension's family."""
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
    if not _content_matches(extension, _head(upload)):
        raise InvalidInput(
            _("%(name)s is not really a .%(extension)s file: its content is of another type.")
            % {"name": name, "extension": extension}
        )
    return name


def size_limit_attrs() -> dict:
    """The attributes that let the browser refuse a too large file before sending it
    (static/js/uploads.js), with the server's limit and message."""
    from django.conf import settings

    limit = settings.MATTER_ATTACHMENT_MAX_BYTES
    return {
        "data-max-bytes": str(limit),
        "data-too-large": _("%(name)s is too large: at most %(size)d MB.")
        % {"name": "{name}", "size": limit // (1024 * 1024)},
    }


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

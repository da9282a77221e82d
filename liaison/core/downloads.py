"""Handing out uploaded files: always as a download, never as a page a browser would
render (an uploaded HTML or SVG file must not run in Liaison's origin)."""

from django.http import FileResponse, Http404

#: Image and PDF files keep their type; everything else downloads as bytes.
SAFE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def download_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return SAFE_TYPES.get(extension, "application/octet-stream")


def download(stored_file, filename: str) -> FileResponse:
    """The stored file as an attachment named `filename` (404 when it is gone)."""
    try:
        handle = stored_file.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=download_type(filename)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

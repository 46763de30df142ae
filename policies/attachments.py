"""A document's attachments: checked from their bytes on upload, always served as a download.

The type of an upload is read from its bytes with puremagic, never from its name or the browser's
word; only document and image types that a policy file comes in are accepted. A file whose first
bytes carry HTML or SVG markup is refused even when it starts like a PDF, because a browser that
sniffed it could run its script. Served files go out with ``Content-Disposition: attachment``,
``nosniff`` and a sandboxing CSP, so even a file that slipped through is never rendered.
"""

import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# What a policy attachment may be: MIME type → the extension the stored file gets.
ALLOWED_TYPES = {
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
# puremagic names some of these by extension only, or under older MIME names.
EXTENSION_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Markup a browser would render or run, looked for where browsers sniff (the first bytes).
SNIFF_BYTES = 1024
MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|svg|iframe|object|embed|img|meta)\b",
    re.IGNORECASE,
)
DEFAULT_MAX_BYTES = 25 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


ZIP_SIGNATURE = b"PK\x03\x04"
# Office Open XML and OpenDocument files are ZIP archives; their members tell them apart.
ZIP_MEMBERS = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def detect_zip_type(upload) -> str | None:
    """Which office document a ZIP archive is, read from its members; None for any other ZIP."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            for member, content_type in ZIP_MEMBERS.items():
                if member in names:
                    return content_type
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return "application/vnd.oasis.opendocument.text"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def detect_type(head: bytes) -> str | None:
    """The MIME type the bytes say, if it is one we accept (ZIP-based types aside)."""
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        mime = match.mime_type or EXTENSION_TYPES.get(match.extension, "")
        if mime in ZIP_MEMBERS.values() or match.extension in {".docx", ".xlsx", ".odt"}:
            continue  # only a look inside the archive tells these apart
        if mime in ALLOWED_TYPES:
            return mime
    return None


def file_digest(upload, limit: int | None = None) -> tuple[int, str, bytes]:
    """Size, SHA-256 and the first 8 kB of a file, read once in chunks."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < 8192:
            head += chunk[: 8192 - len(head)]
        digest.update(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise ValidationError(
                _("The file is larger than %(limit)s, the most an attachment may be."),
                code="too_large",
                params={"limit": _megabytes(limit)},
            )
    upload.seek(0)
    return size, digest.hexdigest(), head


def check_upload(upload) -> CheckedUpload:
    """Size, type from the bytes and SHA-256 of an uploaded file; ValidationError if refused."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; attachments may be at most %(limit)s."),
            code="too_large",
            params={"size": _megabytes(upload.size), "limit": _megabytes(limit)},
        )
    size, sha256, head = file_digest(upload, limit)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if MARKUP.search(head[:SNIFF_BYTES]):
        raise ValidationError(
            _(
                "The file contains web page or SVG markup, which browsers can run as script. "
                "Upload the document itself (PDF, Word, Excel, OpenDocument, PNG or JPEG)."
            ),
            code="markup",
        )
    content_type = detect_zip_type(upload) if head.startswith(ZIP_SIGNATURE) else detect_type(head)
    if content_type is None:
        raise ValidationError(
            _(
                "This is not a file type attachments may have, whatever its name says. Upload a "
                "PDF, Word, Excel, OpenDocument, PNG or JPEG file."
            ),
            code="file_type",
        )
    return CheckedUpload(content_type, ALLOWED_TYPES[content_type], size, sha256)


def stored_name(original_name: str, extension: str) -> str:
    """The client's file name, made safe, with the extension its bytes call for."""
    stem = PurePath(original_name or "attachment").stem
    stem = get_valid_filename(stem)[:120] or "attachment"
    return f"{stem}{extension}"

"""Document uploads: size and type checked by content, not only by the file's name."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from sideline.meetings.errors import MeetingError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# Extension → media type; the content must match the extension's kind.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


def sniff(content: bytes) -> str | None:
    """Return the extension the content really is (``.pdf`` …), or ``None``."""
    if content.startswith(b"%PDF-"):
        return ".pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if content.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                # ODF puts an uncompressed "mimetype" member first (ODF 1.2, part 3, 3.3).
                if "mimetype" in names and archive.read("mimetype") == MEDIA_TYPES[".odt"].encode():
                    return ".odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return ".docx"
        except (zipfile.BadZipFile, KeyError, RuntimeError):
            return None
        return None
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return ".txt"


def check_upload(*, filename: str, content: bytes) -> str:
    """Return the media type to store, or refuse the file.

    Raises:
        MeetingError: ``upload_too_large``, ``upload_empty``, ``upload_type`` or
            ``upload_mismatch``.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise MeetingError(
            "upload_too_large",
            f"file: {len(content)} bytes is over the limit of {MAX_UPLOAD_BYTES} bytes (10 MB)",
            field="file",
            status=413,
        )
    if not content:
        raise MeetingError("upload_empty", "file: the file is empty", field="file")
    extension = PurePath(filename).suffix.lower()
    if extension not in MEDIA_TYPES:
        raise MeetingError(
            "upload_type",
            f"file: {extension or 'no extension'} is not accepted; upload PDF, DOCX, ODT, TXT, PNG or JPEG",
            field="file",
        )
    actual = sniff(content)
    expected = ".jpg" if extension == ".jpeg" else extension
    if actual != expected:
        raise MeetingError(
            "upload_mismatch",
            f"file: the name says {extension} but the content is "
            f"{actual or 'none of the accepted types'}",
            field="file",
        )
    return MEDIA_TYPES[extension]

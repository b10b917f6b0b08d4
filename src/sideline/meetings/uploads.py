"""Document uploads: size and type checked by content, not only by the file's name.

DOCX and ODT are ZIP archives, and a small archive can hold gigabytes (a "zip bomb"):
an archive is therefore read member by member in small chunks and refused as soon as
it passes any of the limits below, so that checking an upload never holds more than one
chunk of decompressed data in memory.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import PurePath

from django.conf import settings

from sideline.meetings.errors import MeetingError

MAX_UPLOAD_BYTES: int = settings.SIDELINE_MAX_UPLOAD_BYTES

# Office documents are mostly XML, which compresses about 5 to 20 times; images inside
# them hardly compress. These bounds leave real documents far below them.
MAX_ARCHIVE_MEMBERS = 2_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Small members (a style sheet of spaces) may compress better than any ratio: only
# members above this size are held to it.
_RATIO_FROM_BYTES = 1024 * 1024
_CHUNK = 64 * 1024

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
        declared = _declared_members(content)
        if declared > MAX_ARCHIVE_MEMBERS:
            raise _archive_too_large(
                f"declares {declared} files, over the limit of {MAX_ARCHIVE_MEMBERS}"
            )
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                mimetype = _check_archive(archive)
                names = set(archive.namelist())
                # ODF puts an uncompressed "mimetype" member first (ODF 1.2, part 3, 3.3).
                if mimetype == MEDIA_TYPES[".odt"].encode():
                    return ".odt"
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return ".docx"
        except (
            zipfile.BadZipFile,
            zlib.error,
            KeyError,
            RuntimeError,
            NotImplementedError,
            EOFError,
            ValueError,
            OverflowError,
        ):
            # Corrupt, encrypted or oddly compressed: not a document this node accepts.
            return None
        return None
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return ".txt"


def _archive_too_large(detail: str) -> MeetingError:
    return MeetingError(
        "upload_archive_too_large",
        f"file: the archive {detail}; upload the document saved again, or as PDF",
        field="file",
        status=413,
    )


def _declared_members(content: bytes) -> int:
    """Return the member count the end-of-central-directory record declares (0 if none).

    Read before ``zipfile`` parses the directory: a 10 MB directory of empty members would
    otherwise become hundreds of thousands of objects before any limit could be applied.
    """
    # The record is 22 bytes plus a comment of at most 65,535 (APPNOTE 4.3.16).
    at = content.rfind(b"PK\x05\x06", max(0, len(content) - 22 - 65_535))
    if at < 0 or len(content) < at + 22:
        return 0
    (count,) = struct.unpack_from("<H", content, at + 10)
    return int(count)


def _check_archive(archive: zipfile.ZipFile) -> bytes | None:
    """Decompress every member in chunks within the limits; return the ``mimetype`` member.

    The sizes an archive declares may lie, so the limits are enforced on the bytes that
    decompression actually yields.

    Raises:
        MeetingError: ``upload_archive_too_large`` (413) naming the limit passed.
    """
    members = archive.infolist()
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise _archive_too_large(
            f"has {len(members)} files, over the limit of {MAX_ARCHIVE_MEMBERS}"
        )
    total = 0
    mimetype: bytes | None = None
    for member in members:
        size = 0
        kept = bytearray()
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > MAX_MEMBER_BYTES:
                    raise _archive_too_large(
                        f"member {member.filename[:60]!r} unpacks to over {MAX_MEMBER_BYTES} bytes"
                    )
                if total > MAX_ARCHIVE_BYTES:
                    raise _archive_too_large(f"unpacks to over {MAX_ARCHIVE_BYTES} bytes")
                if size > _RATIO_FROM_BYTES and size > MAX_COMPRESSION_RATIO * max(
                    member.compress_size, 1
                ):
                    raise _archive_too_large(
                        f"member {member.filename[:60]!r} is compressed over "
                        f"{MAX_COMPRESSION_RATIO} times"
                    )
                if member.filename == "mimetype" and size <= 100:
                    kept += chunk
        if member.filename == "mimetype":
            # A mimetype longer than any media type is simply not ODF.
            mimetype = bytes(kept) if size <= 100 else b""
    return mimetype


def check_upload(*, filename: str, content: bytes) -> str:
    """Return the media type to store, or refuse the file.

    Raises:
        MeetingError: ``upload_too_large``, ``upload_empty``, ``upload_type``,
            ``upload_mismatch`` or ``upload_archive_too_large``.
    """
    if len(content) > MAX_UPLOAD_BYTES:
        raise MeetingError(
            "upload_too_large",
            f"file: {len(content)} bytes is over the limit of {MAX_UPLOAD_BYTES} bytes",
            field="file",
            status=413,
            details={"size": len(content), "limit": MAX_UPLOAD_BYTES},
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

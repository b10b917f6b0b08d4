"""Uploads: an office document is decompressed in bounded chunks, and a zip bomb refused."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
from collections.abc import Callable

import pytest

from sideline.meetings import uploads
from sideline.meetings.errors import MeetingError
from sideline.meetings.uploads import MAX_ARCHIVE_MEMBERS, MEDIA_TYPES, check_upload

ODT = MEDIA_TYPES[".odt"].encode()
MEBIBYTE = 1024 * 1024


def _odt(*members: tuple[str, Callable[[zipfile.ZipFile, str], None]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        for name, write in members:
            write(archive, name)
    return buffer.getvalue()


def _bomb_as_mimetype(megabytes: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(ODT)
            for _ in range(megabytes):
                member.write(bytes(MEBIBYTE))
    return buffer.getvalue()


def _peak_while(check: Callable[[], object]) -> tuple[int, MeetingError | None]:
    """Run ``check``; return the peak of memory it allocated and the refusal, if any."""
    tracemalloc.start()
    try:
        check()
        refusal = None
    except MeetingError as error:
        refusal = error
    finally:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, refusal


def _deflated_zeros(megabytes: int) -> Callable[[zipfile.ZipFile, str], None]:
    def write(archive: zipfile.ZipFile, name: str) -> None:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(bytes(MEBIBYTE))

    return write


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("content member", _odt(("content.xml", _deflated_zeros(200)))),
        ("mimetype member", _bomb_as_mimetype(200)),
    ],
)
def test_check_upload_zip_bomb_refused_within_bounded_memory(name: str, content: bytes) -> None:
    # 200 MiB unpacked from a few hundred KiB: the shape of the 400 KB file that took 1 GB.
    assert len(content) < MEBIBYTE

    peak, refusal = _peak_while(lambda: check_upload(filename="minutes.odt", content=content))

    assert refusal is not None
    assert (refusal.code, refusal.field, refusal.status) == (
        "upload_archive_too_large",
        "file",
        413,
    )
    assert refusal.message.endswith("; upload the document saved again, or as PDF")
    # A few chunks of 64 KiB at a time, never the member: far below its 200 MiB.
    assert peak < 4 * MEBIBYTE


def test_check_upload_archive_over_the_member_count_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT)
        for number in range(MAX_ARCHIVE_MEMBERS):
            archive.writestr(f"{number}", b"")

    with pytest.raises(MeetingError) as caught:
        check_upload(filename="minutes.odt", content=buffer.getvalue())

    assert caught.value.code == "upload_archive_too_large"
    assert caught.value.message == (
        f"file: the archive declares {MAX_ARCHIVE_MEMBERS + 1} files, over the limit of "
        f"{MAX_ARCHIVE_MEMBERS}; upload the document saved again, or as PDF"
    )


def _random(megabytes: float) -> Callable[[zipfile.ZipFile, str], None]:
    def write(archive: zipfile.ZipFile, name: str) -> None:
        # Incompressible: only the unpacked size can catch it, not the ratio.
        archive.writestr(name, random.Random(name).randbytes(int(megabytes * MEBIBYTE)))

    return write


@pytest.mark.parametrize(
    ("limit", "members", "message"),
    [
        (
            "MAX_MEMBER_BYTES",
            [("Pictures/a.png", _random(1.5))],
            "file: the archive member 'Pictures/a.png' unpacks to over 1048576 bytes",
        ),
        (
            "MAX_ARCHIVE_BYTES",
            [("Pictures/a.png", _random(0.75)), ("Pictures/b.png", _random(0.75))],
            "file: the archive unpacks to over 1048576 bytes",
        ),
    ],
)
def test_check_upload_archive_over_a_size_limit_refused(
    monkeypatch: pytest.MonkeyPatch,
    limit: str,
    members: list[tuple[str, Callable[[zipfile.ZipFile, str], None]]],
    message: str,
) -> None:
    monkeypatch.setattr(uploads, limit, MEBIBYTE)
    content = _odt(*members)

    with pytest.raises(MeetingError) as caught:
        check_upload(filename="minutes.odt", content=content)

    assert caught.value.message == f"{message}; upload the document saved again, or as PDF"


def test_check_upload_real_odt_accepted() -> None:
    content = _odt(
        ("content.xml", lambda archive, name: archive.writestr(name, b"<office:document/>" * 500))
    )

    assert check_upload(filename="minutes.odt", content=content) == MEDIA_TYPES[".odt"]

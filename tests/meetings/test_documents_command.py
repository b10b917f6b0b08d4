"""``sideline documents check``: missing, altered and orphan files, both ways."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.meetings.models import Document, Meeting
from sideline.meetings.services import upload_document
from tests.meetings.conftest import Cast


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def _upload(cast: Cast, meeting: Meeting, content: bytes = b"%PDF-1.7\nagenda") -> Document:
    return upload_document(
        actor=cast.of("osce", "delegate"),
        meeting=meeting,
        title="Agenda",
        filename="agenda.pdf",
        content=content,
    )


def _check(*args: str) -> str:
    out = StringIO()
    call_command("documents", "check", *args, stdout=out)
    return out.getvalue()


def test_intact_documents_pass(cast: Cast, meeting: Meeting) -> None:
    _upload(cast, meeting)
    _upload(cast, meeting, b"%PDF-1.7\nminutes")

    assert _check().splitlines()[-1] == (
        "2 documents checked: 2 intact, 0 missing or altered; 0 orphan files, 0 deleted"
    )


def test_altered_and_missing_files_fail_with_their_names(
    cast: Cast, meeting: Meeting, media: Path
) -> None:
    altered = _upload(cast, meeting)
    missing = _upload(cast, meeting, b"%PDF-1.7\nminutes")
    (media / altered.file.name).write_bytes(b"%PDF-1.7\nagenda, edited")
    (media / missing.file.name).unlink()
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("documents", "check", stdout=out)

    assert raised.value.returncode == 1
    assert "2 document file(s) missing or altered" in str(raised.value)
    text = out.getvalue()
    assert f"ALTERED {altered.file.name} (document {altered.uid}: Agenda): SHA-256 " in text
    assert f"the record says {altered.sha256}" in text
    assert f"MISSING {missing.file.name} (document {missing.uid}: Agenda)" in text


def test_orphans_are_reported_and_swept_only_when_asked_and_old(
    cast: Cast, meeting: Meeting, media: Path
) -> None:
    kept = _upload(cast, meeting)
    folder = media / "meetings" / str(meeting.pk)
    old = folder / "left-by-a-rollback"
    new = folder / "upload-in-progress"
    old.write_bytes(b"x")
    new.write_bytes(b"y")
    an_hour_ago = time.time() - 3700
    os.utime(old, (an_hour_ago, an_hour_ago))

    report = _check()
    assert f"ORPHAN meetings/{meeting.pk}/left-by-a-rollback" in report
    assert f"ORPHAN meetings/{meeting.pk}/upload-in-progress (too recent to sweep)" in report
    assert old.exists()

    swept = _check("--sweep-orphans")
    assert f"DELETED orphan meetings/{meeting.pk}/left-by-a-rollback" in swept
    assert not old.exists()
    assert new.exists()
    assert (media / kept.file.name).exists()
    assert swept.splitlines()[-1].endswith("2 orphan files, 1 deleted")


def test_bad_argument_is_a_usage_error() -> None:
    with pytest.raises(CommandError, match="--older-than"):
        call_command("documents", "check", "--older-than", "-5")

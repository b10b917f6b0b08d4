"""Documents through the API: upload, list and download for participants, refused to
outsiders and for files the page refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Meeting,
)
from sideline.meetings.services import (
    upload_document,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_document_upload_list_download(client: Client, cast: Cast, meeting: Meeting) -> None:
    token = bearer(cast.of("osce", "delegate"))

    uploaded = client.post(
        f"/api/meetings/{meeting.pk}/documents",
        {"title": "Agenda paper", "file": _file("paper.pdf", b"%PDF-1.7 paper")},
        **token,
    )
    listed = client.get(
        f"/api/meetings/{meeting.pk}/documents", **bearer(cast.of("nato", "viewer"))
    )
    body = uploaded.json()
    downloaded = client.get(body["url"], **bearer(cast.of("csto", "viewer")))

    assert uploaded.status_code == 201
    assert (body["title"], body["filename"], body["media_type"], body["size"]) == (
        "Agenda paper",
        "paper.pdf",
        "application/pdf",
        14,
    )
    assert body["organization"] == "osce"
    assert body["url"] == f"/api/meetings/documents/{body['uid']}"
    assert [d["uid"] for d in listed.json()] == [body["uid"]]
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == b"%PDF-1.7 paper"  # type: ignore[attr-defined]  # FileResponse
    assert downloaded["Cache-Control"] == "private, no-store"


def test_document_download_hidden_from_outsider(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    document = upload_document(
        actor=cast.of("nato", "delegate"),
        meeting=meeting,
        title="Secret",
        filename="s.txt",
        content=b"secret",
    )

    outsider = client.get(
        f"/api/meetings/documents/{document.uid}", **bearer(cast.of("sco", "signatory"))
    )
    anonymous = client.get(f"/api/meetings/documents/{document.uid}")
    listing = client.get(f"/api/meetings/{meeting.pk}/documents")

    assert error(outsider) == (404, "unknown_document", None)
    assert error(anonymous) == (404, "unknown_document", None)
    assert error(listing) == (404, "unknown_meeting", None)


@pytest.mark.parametrize(
    ("org", "role", "name", "content", "expected"),
    [
        ("osce", "viewer", "a.pdf", b"%PDF-1", (403, "not_participant", None)),
        ("sco", "delegate", "a.pdf", b"%PDF-1", (404, "unknown_meeting", None)),
        ("osce", "delegate", "run.exe", b"MZ\x90\x00", (400, "upload_type", "file")),
        ("osce", "delegate", "fake.pdf", b"<html>", (400, "upload_mismatch", "file")),
        ("osce", "delegate", "empty.txt", b"", (400, "upload_empty", "file")),
    ],
)
def test_document_upload_refused(
    client: Client,
    cast: Cast,
    meeting: Meeting,
    org: str,
    role: str,
    name: str,
    content: bytes,
    expected: tuple[Any, ...],
) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/documents",
        {"file": _file(name, content)},
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    assert meeting.documents.count() == 0


def test_document_upload_too_large_refused(
    client: Client, cast: Cast, meeting: Meeting, settings: Any
) -> None:
    from sideline.meetings import uploads

    response = client.post(
        f"/api/meetings/{meeting.pk}/documents",
        {"file": _file("big.pdf", b"%PDF-" + b"0" * uploads.MAX_UPLOAD_BYTES)},
        **bearer(cast.of("osce", "delegate")),
    )

    assert error(response) == (413, "upload_too_large", "file")


def test_document_upload_without_file_names_field(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/documents",
        {"title": "nothing"},
        **bearer(cast.of("osce", "delegate")),
    )

    assert error(response) == (400, "file_required", "file")


def _file(name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)

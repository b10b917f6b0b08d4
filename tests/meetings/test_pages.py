"""Pages, uploads, downloads, invitations, dashboard, feeds and the record of each change."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sideline.accounts.models import Person
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Decision, Delegate, Document, Meeting
from sideline.meetings.services import (
    close_commitment,
    create_meeting,
    make_commitment,
    propose_decision,
    respond_to_decision,
    update_progress,
    upload_document,
)
from sideline.meetings.uploads import MAX_UPLOAD_BYTES
from tests.meetings.conftest import ORGS, Cast


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
        ("a.JPEG", b"\xff\xd8\xff\xe0....", "image/jpeg"),
        ("a.txt", "Повестка дня".encode(), "text/plain; charset=utf-8"),
        ("a.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("a.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_upload_accepted_types(
    cast: Cast, meeting: Meeting, filename: str, content: bytes, media_type: str
) -> None:
    document = upload_document(
        actor=cast.of("osce", "delegate"),
        meeting=meeting,
        title="",
        filename=filename,
        content=content,
    )

    assert (document.media_type, document.size, document.file.read()) == (
        media_type,
        len(content),
        content,
    )


@pytest.mark.parametrize(
    ("filename", "content", "code"),
    [
        ("big.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES, "upload_too_large"),
        ("empty.txt", b"", "upload_empty"),
        ("run.exe", b"MZ\x90\x00", "upload_type"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "upload_mismatch"),
        ("fake.png", b"%PDF-1.7", "upload_mismatch"),
        ("fake.docx", _zip({"evil.js": b"x"}), "upload_mismatch"),
        ("binary.txt", b"\x00\x01\x02", "upload_mismatch"),
        ("noext", b"hello", "upload_type"),
    ],
)
def test_upload_refused(
    cast: Cast, meeting: Meeting, filename: str, content: bytes, code: str
) -> None:
    with pytest.raises(MeetingError) as caught:
        upload_document(
            actor=cast.of("osce", "delegate"),
            meeting=meeting,
            title="",
            filename=filename,
            content=content,
        )

    assert caught.value.code == code
    assert Document.objects.count() == 0


def test_document_download_only_for_participants(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    document = upload_document(
        actor=cast.of("osce", "delegate"),
        meeting=meeting,
        title="Note",
        filename="n.txt",
        content=b"secret",
    )
    url = f"/meetings/documents/{document.uid}/"

    anonymous = client.get(url)
    client.force_login(cast.of("sco", "signatory"))
    outsider = client.get(url)
    client.force_login(cast.of("csto", "viewer"))
    participant = client.get(url)

    assert (anonymous.status_code, outsider.status_code, participant.status_code) == (404, 404, 200)
    assert b"".join(participant.streaming_content) == b"secret"  # type: ignore[attr-defined]  # a FileResponse
    assert participant["Content-Disposition"] == 'attachment; filename="n.txt"'


def test_upload_via_page(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("osce", "delegate"))
    upload = io.BytesIO(b"%PDF-1.4 tiny")
    upload.name = "report.pdf"

    response = client.post(
        f"/meetings/{meeting.pk}/do/upload/", {"title": "Report", "file": upload}, follow=True
    )

    assert "Done; the change is on the record." in response.content.decode()
    assert Document.objects.get().filename == "report.pdf"


def test_meeting_page_private_hidden_from_outsiders(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    client.force_login(cast.of("sco", "signatory"))

    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert meeting.title not in client.get("/meetings/").content.decode()


def test_meeting_page_refusal_is_a_message(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("osce", "delegate"))

    response = client.post(f"/meetings/{meeting.pk}/do/agenda/", {"items": "Opening"}, follow=True)

    assert (
        "only the host and co-host organizations&#x27; delegates prepare this meeting"
        in response.content.decode()
    )
    assert meeting.agenda.count() == 0


def test_meeting_page_minutes_script_inert(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/minutes/", {"text": "<script>alert(1)</script>"}, follow=True
    )

    page = response.content.decode()
    assert (
        "raw HTML is not allowed in minutes (&lt;script&gt;alert(1)&lt;/script&gt;); write Markdown"
        in page
    )
    assert "<script>alert(1)" not in page


def test_invitation_by_email_creates_account_and_delegate(
    client: Client, cast: Cast, meeting: Meeting, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(cast.of("osce", "signatory"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/meetings/{meeting.pk}/do/invite/", {"name": "Ana Diaz", "email": "ana@osce.example"}
        )
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/meetings/invitations/" in line
    )
    path = link.split("testserver", 1)[1]
    client.logout()

    response = client.post(path, {"username": "ana", "password": "a-long-enough-passphrase"})
    again = client.post(path, {"username": "ana2", "password": "a-long-enough-passphrase"})

    delegate = Delegate.objects.select_related("user__person__organization").get()
    assert mail.outbox[0].to == ["ana@osce.example"]
    assert response.status_code == 302
    person = Person.objects.select_related("user", "organization").get(user__username="ana")
    assert delegate.user_id == person.user_id
    # A guest of no organization: rights come only once the focal point approves.
    assert (person.organization, person.role) == (None, "guest")
    assert "this invitation link is unknown or already used" in again.content.decode()


def _flow(cast: Cast, meeting: Meeting) -> Decision:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"), meeting=meeting, title="WG", text="Set up a group."
    )
    for org in ORGS:
        respond_to_decision(actor=cast.of(org, "signatory"), decision=decision, position="approve")
    decision.refresh_from_db()
    return decision


def test_record_entry_for_every_change_and_verifiable(cast: Cast, meeting: Meeting) -> None:
    from sideline.meetings.selectors import record_entries
    from sideline.record.services import witness_round

    decision = _flow(cast, meeting)
    commitment = make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=decision,
        owner="osce",
        description="Train",
        target="200",
        due_date=date(2014, 1, 1),
    )
    update_progress(
        actor=cast.of("osce", "delegate"), commitment=commitment, percent=40, note="half"
    )
    close_commitment(actor=cast.of("osce", "signatory"), commitment=commitment, closed_as="done")
    witness_round()

    # The meeting is not public: the log holds sealed ops; this node knows their kinds.
    found = {
        subject: record_entries(subject)
        for subject in (meeting.subject, decision.subject, commitment.subject)
    }
    assert {entry.kind for rows in found.values() for entry, _, _ in rows} == {"op.sealed"}
    assert {subject: [kind for _, _, kind in rows] for subject, rows in found.items()} == {
        meeting.subject: ["meeting.create"],
        decision.subject: [
            "decision.propose",
            "decision.respond",
            "decision.respond",
            "decision.respond",
        ],
        commitment.subject: ["commitment.make", "commitment.report", "commitment.close"],
    }
    assert [check.code for rows in found.values() for _, check, _ in rows] == ["ok"] * 8


def test_record_confidential_minutes_sealed(cast: Cast, meeting: Meeting) -> None:
    from sideline.meetings.services import save_minutes
    from sideline.oplog import reduce_node
    from sideline.record.models import RecordEntry

    save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text="Private words")

    change = meeting.changes.get(kind="minutes.draft")
    entry = RecordEntry.objects.get(log__organization__slug="nato", index=change.record_index)
    assert entry.kind == "op.sealed"
    assert b"Private words" not in bytes(entry.leaf)
    sealed = reduce_node()[1].sealed_ops
    assert [op.clear for op in sealed.values() if op.kind == "minutes.draft"] == [
        {"text": "Private words"}
    ]


def _meetings(cast: Cast, count: int) -> None:
    for n in range(count):
        meeting = create_meeting(
            actor=cast.of("nato", "delegate"),
            title=f"M{n}",
            host="nato",
            participants=["osce"],
            date=date(2013, 1, 1 + n),
        )
        decision = propose_decision(
            actor=cast.of("nato", "delegate"), meeting=meeting, title="D", text="T"
        )
        for org in ("nato", "osce"):
            respond_to_decision(
                actor=cast.of(org, "signatory"), decision=decision, position="approve"
            )
        decision.refresh_from_db()
        commitment = make_commitment(
            actor=cast.of("osce", "delegate"),
            decision=decision,
            owner="osce",
            description=f"C{n}",
            target="T",
            due_date=date(2013, 6, 1),
        )
        update_progress(actor=cast.of("osce", "delegate"), commitment=commitment, percent=50)


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/",
        "/meetings/dashboard/",
        "/meetings/dashboard/?format=csv",
        "/meetings/feeds/osce.atom",
        "/meetings/calendars/osce.ics",
    ],
)
def test_list_pages_constant_queries(client: Client, cast: Cast, url: str) -> None:
    client.force_login(cast.of("osce", "viewer"))
    _meetings(cast, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _meetings(cast, 2)
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)

    assert response.status_code == 200
    assert len(three) == len(one)


def test_dashboard_counts_and_overdue(client: Client, cast: Cast) -> None:
    _meetings(cast, 3)
    client.force_login(cast.of("osce", "viewer"))

    page = client.get("/meetings/dashboard/?organization=osce").content.decode()
    csv_lines = client.get("/meetings/dashboard/?format=csv").content.decode().splitlines()

    assert "Decisions adopted: 3; awaiting consensus: 0." in page
    assert 'data-testid="status-overdue">3<' in page
    assert '<title id="chart-title">Mean progress of commitments by month</title>' in page
    assert len(csv_lines) == 4
    assert csv_lines[1].endswith(",50,overdue")


def test_calendar_has_due_dates_with_reminder(client: Client, cast: Cast) -> None:
    _meetings(cast, 1)
    client.force_login(cast.of("osce", "viewer"))

    body = client.get("/meetings/calendars/osce.ics").content.decode()

    assert "DTSTART;VALUE=DATE:20130601" in body
    assert "BEGIN:VALARM" in body
    assert "TRIGGER:-P7D" in body


def test_feed_hides_private_meetings_from_anonymous(client: Client, cast: Cast) -> None:
    _meetings(cast, 1)

    anonymous = client.get("/meetings/feeds/osce.atom").content.decode()
    client.force_login(cast.of("osce", "viewer"))
    member = client.get("/meetings/feeds/osce.atom").content.decode()

    assert "<entry>" not in anonymous
    assert member.count("<entry>") == 7


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "javascript:alert(1)",
        "http:///evil.example/",
        "\\\\evil.example/",
    ],
)
def test_meeting_action_next_off_site_redirects_to_the_meeting(
    client: Client, cast: Cast, meeting: Meeting, target: str
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/agenda/", {"items": "Opening", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/meetings/{meeting.pk}/"


def test_meeting_action_next_on_site_is_followed(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        f"/meetings/{meeting.pk}/do/agenda/", {"items": "Opening", "next": "/meetings/dashboard/"}
    )

    assert response["Location"] == "/meetings/dashboard/"

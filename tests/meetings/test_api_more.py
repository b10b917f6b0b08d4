"""The meetings API's preparation endpoints: agenda, minutes, documents, delegations, sub-items.

Each is allowed for the role and organization the page allows, and refused with the one
error body otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from sideline.accounts.services import create_token
from sideline.meetings.models import Commitment, Decision, Delegate, Meeting
from sideline.meetings.services import (
    accept_invitation,
    circulate_minutes,
    invite_delegate,
    make_commitment,
    save_minutes,
    set_agenda,
    upload_document,
)
from tests.accounts.factories import PASSWORD, person
from tests.meetings.conftest import ORGS, Cast


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def bearer(user: Any) -> dict[str, Any]:
    _token, plain = create_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def error(response: Any) -> tuple[int, str, str | None]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["field"]


# Agenda


def test_agenda_replace_by_host_with_token(client: Client, cast: Cast, meeting: Meeting) -> None:
    response = client.put(
        f"/api/meetings/{meeting.pk}/agenda",
        {"items": ["Opening", " ", "Working group"]},
        content_type="application/json",
        **bearer(cast.of("csto", "delegate")),
    )

    assert response.status_code == 200
    assert response.json() == [
        {"position": 1, "title": "Opening", "minutes_of": None, "versions": {}},
        {"position": 2, "title": "Working group", "minutes_of": None, "versions": {}},
    ]
    listed = client.get(f"/api/meetings/{meeting.pk}/agenda", **bearer(cast.of("osce", "viewer")))
    assert listed.json() == response.json()


@pytest.mark.parametrize(
    ("org", "role", "expected"),
    [
        ("osce", "signatory", (403, "not_host", None)),
        ("nato", "viewer", (403, "not_host", None)),
        ("sco", "signatory", (404, "unknown_meeting", None)),
    ],
)
def test_agenda_replace_refused(
    client: Client, cast: Cast, meeting: Meeting, org: str, role: str, expected: tuple[Any, ...]
) -> None:
    response = client.put(
        f"/api/meetings/{meeting.pk}/agenda",
        {"items": ["Opening"]},
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    assert list(meeting.agenda.all()) == []


def test_agenda_bad_input_names_field(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("nato", "delegate"))

    too_long = client.put(
        f"/api/meetings/{meeting.pk}/agenda",
        {"items": ["x" * 301]},
        content_type="application/json",
    )
    not_a_list = client.put(
        f"/api/meetings/{meeting.pk}/agenda", {"items": 3}, content_type="application/json"
    )

    assert error(too_long) == (400, "agenda_item_too_long", "items")
    assert error(not_a_list) == (422, "invalid_request", "payload.items")


def test_agenda_hidden_from_outsider(client: Client, cast: Cast, meeting: Meeting) -> None:
    set_agenda(actor=cast.of("nato", "delegate"), meeting=meeting, items=["Opening"])

    response = client.get(f"/api/meetings/{meeting.pk}/agenda", **bearer(cast.of("sco", "viewer")))

    assert error(response) == (404, "unknown_meeting", None)


# Minutes


def test_minutes_lifecycle_through_api(client: Client, cast: Cast, meeting: Meeting) -> None:
    url = f"/api/meetings/{meeting.pk}/minutes"
    host = bearer(cast.of("nato", "delegate"))

    empty = client.get(url, **host)
    saved = client.put(url, {"text": "We **met**."}, content_type="application/json", **host)
    circulated = client.post(f"{url}/circulate", **host)
    agreements = [client.post(f"{url}/agree", **bearer(cast.of(org, "signatory"))) for org in ORGS]
    locked = client.post(f"{url}/lock", **bearer(cast.of("csto", "signatory")))

    assert empty.json() == {
        "status": "draft",
        "revision": 0,
        "text": "",
        "html": "",
        "agreed_by": [],
        "agreements": [],
    }
    assert saved.json() == {
        "status": "draft",
        "revision": 1,
        "text": "We **met**.",
        "html": "<p>We <strong>met</strong>.</p>\n",
        "agreed_by": [],
        "agreements": [],
    }
    assert circulated.json()["status"] == "circulated"
    assert [r.json()["agreed_by"] for r in agreements] == [
        ["nato"],
        ["csto", "nato"],
        ["csto", "nato", "osce"],
    ]
    assert agreements[-1].json()["status"] == "agreed"
    assert (locked.status_code, locked.json()["status"]) == (200, "locked")


@pytest.mark.parametrize(
    ("org", "role", "step", "expected"),
    [
        ("osce", "delegate", "circulate", (403, "not_host", None)),
        ("osce", "viewer", "agree", (403, "not_signatory", None)),
        ("nato", "delegate", "agree", (403, "not_signatory", None)),
        ("sco", "signatory", "agree", (404, "unknown_meeting", None)),
        ("nato", "delegate", "lock", (409, "minutes_not_agreed", None)),
        ("nato", "delegate", "publish", (404, "unknown_step", "step")),
    ],
)
def test_minutes_step_refused(
    client: Client,
    cast: Cast,
    meeting: Meeting,
    org: str,
    role: str,
    step: str,
    expected: tuple[Any, ...],
) -> None:
    save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text="Draft")
    circulate_minutes(actor=cast.of("nato", "delegate"), meeting=meeting)
    if step == "circulate":
        save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text="Draft 2")

    response = client.post(
        f"/api/meetings/{meeting.pk}/minutes/{step}", **bearer(cast.of(org, role))
    )

    assert error(response) == expected


def test_minutes_save_refused_for_participant_and_bad_text(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    url = f"/api/meetings/{meeting.pk}/minutes"

    guest = client.put(
        url, {"text": "x"}, content_type="application/json", **bearer(cast.of("osce", "signatory"))
    )
    unsafe = client.put(
        url,
        {"text": "<script>alert(1)</script>"},
        content_type="application/json",
        **bearer(cast.of("nato", "delegate")),
    )
    missing = client.put(
        url, {}, content_type="application/json", **bearer(cast.of("nato", "delegate"))
    )

    assert error(guest) == (403, "not_host", None)
    assert error(unsafe)[0::2] == (400, "text")
    assert error(unsafe)[1] == "unsafe_markdown"
    assert error(missing) == (422, "invalid_request", "payload.text")


# Documents


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


# Delegations


def test_delegation_name_list_approve(
    client: Client, cast: Cast, meeting: Meeting, django_capture_on_commit_callbacks: Any
) -> None:
    focal = person("osce-focal", organization="osce", role="delegate", focal_point=True)
    token = bearer(focal)

    with django_capture_on_commit_callbacks(execute=True):
        named = client.post(
            f"/api/meetings/{meeting.pk}/delegates",
            {"name": "Ana Example", "email": "ana@example.org"},
            content_type="application/json",
            **token,
        )
    delegate_id = named.json()["id"]
    secret = mail.outbox[0].body.split("/meetings/invitations/")[1].split("/")[0]
    accept_invitation(secret=secret, username="ana", password=PASSWORD)
    approved = client.post(f"/api/meetings/delegates/{delegate_id}/approve", **token)
    listed = client.get(
        f"/api/meetings/{meeting.pk}/delegations", **bearer(cast.of("nato", "viewer"))
    )

    assert named.status_code == 201
    assert named.json() == {
        "id": delegate_id,
        "organization": "osce",
        "name": "Ana Example",
        "status": "invited",
    }
    assert approved.json()["status"] == "approved"
    assert listed.json() == {
        "participants": ["csto", "nato", "osce"],
        "delegates": [
            {"id": delegate_id, "organization": "osce", "name": "Ana Example", "status": "approved"}
        ],
    }
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "/meetings/invitations/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("org", "role", "body", "expected"),
    [
        (
            "osce",
            "delegate",
            {"name": "A", "email": "a@example.org"},
            (403, "not_focal_point", None),
        ),
        ("osce", "viewer", {"name": "A", "email": "a@example.org"}, (403, "not_focal_point", None)),
        (
            "sco",
            "signatory",
            {"name": "A", "email": "a@example.org"},
            (404, "unknown_meeting", None),
        ),
        ("osce", "signatory", {"name": "A", "email": "not-mail"}, (400, "invalid_email", "email")),
        (
            "osce",
            "signatory",
            {"name": " ", "email": "a@example.org"},
            (400, "name_required", "name"),
        ),
        ("osce", "signatory", {"name": "A"}, (422, "invalid_request", "payload.email")),
    ],
)
def test_delegate_naming_refused(
    client: Client,
    cast: Cast,
    meeting: Meeting,
    org: str,
    role: str,
    body: dict[str, str],
    expected: tuple[Any, ...],
) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/delegates",
        body,
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    assert meeting.delegates.count() == 0


@pytest.mark.parametrize(
    ("org", "role", "expected"),
    [
        ("nato", "signatory", (403, "not_focal_point", None)),
        ("osce", "delegate", (403, "not_focal_point", None)),
        ("sco", "signatory", (404, "unknown_delegate", None)),
    ],
)
def test_delegate_approval_refused(
    client: Client, cast: Cast, meeting: Meeting, org: str, role: str, expected: tuple[Any, ...]
) -> None:
    delegate = invite_delegate(
        actor=cast.of("osce", "signatory"),
        meeting=meeting,
        name="Ana",
        email="ana@example.org",
        accept_url=lambda secret: f"https://example.org/{secret}",
    )

    response = client.post(
        f"/api/meetings/delegates/{delegate.pk}/approve", **bearer(cast.of(org, role))
    )

    assert error(response) == expected
    assert Delegate.objects.get(pk=delegate.pk).approved_at is None


# Sub-items


@pytest.fixture
def commitment(cast: Cast, adopted: Decision) -> Commitment:
    from datetime import date

    return make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=adopted,
        owner="osce",
        description="Train border guards",
        target="200 guards",
        due_date=date(2014, 6, 30),
    )


def test_sub_item_created_by_owner(client: Client, cast: Cast, commitment: Commitment) -> None:
    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/sub-items",
        {
            "owner": "osce",
            "description": "First course",
            "target": "50 guards",
            "due_date": "2014-03-31",
            "milestones": ["Syllabus"],
        },
        content_type="application/json",
        **bearer(cast.of("osce", "signatory")),
    )

    child = Commitment.objects.get(parent=commitment)
    assert response.status_code == 201
    assert response.json()["id"] == child.pk
    assert (child.decision_id, child.owner.slug, child.target) == (
        commitment.decision_id,
        "osce",
        "50 guards",
    )
    assert [m.title for m in child.milestones.all()] == ["Syllabus"]


@pytest.mark.parametrize(
    ("org", "role", "body", "expected"),
    [
        ("osce", "viewer", {}, (403, "not_your_organization", None)),
        ("nato", "viewer", {"owner": "nato"}, (403, "not_your_organization", None)),
        ("nato", "delegate", {"owner": "osce"}, (403, "not_your_organization", None)),
        ("csto", "delegate", {"owner": "csto"}, (403, "not_parent_owner", None)),
        ("sco", "signatory", {"owner": "sco"}, (404, "unknown_commitment", None)),
        ("osce", "delegate", {"target": " "}, (400, "target_required", "target")),
        (
            "osce",
            "delegate",
            {"due_date": "2014-13-01"},
            (422, "invalid_request", "payload.due_date"),
        ),
        (
            "osce",
            "delegate",
            {"review_date": "2014-05-01"},
            (400, "review_after_due", "review_date"),
        ),
    ],
)
def test_sub_item_refused(
    client: Client,
    cast: Cast,
    commitment: Commitment,
    org: str,
    role: str,
    body: dict[str, str],
    expected: tuple[Any, ...],
) -> None:
    payload = {
        "owner": "osce",
        "description": "First course",
        "target": "50 guards",
        "due_date": "2014-03-31",
        **body,
    }

    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/sub-items",
        payload,
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    assert Commitment.objects.filter(parent=commitment).count() == 0


def test_sub_item_of_sub_item_refused(client: Client, cast: Cast, commitment: Commitment) -> None:
    from datetime import date

    child = make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=commitment.decision,
        parent=commitment,
        owner="osce",
        description="First course",
        target="50",
        due_date=date(2014, 3, 31),
    )

    response = client.post(
        f"/api/meetings/commitments/{child.pk}/sub-items",
        {"owner": "osce", "description": "D", "target": "T", "due_date": "2014-03-01"},
        content_type="application/json",
        **bearer(cast.of("osce", "delegate")),
    )

    assert error(response) == (400, "bad_parent", "parent")


def test_write_without_credentials_refused(client: Client, meeting: Meeting) -> None:
    response = client.put(
        f"/api/meetings/{meeting.pk}/agenda", {"items": []}, content_type="application/json"
    )

    assert error(response) == (401, "not_authenticated", None)


def test_bad_token_refused_on_read(client: Client, meeting: Meeting) -> None:
    response = client.get(
        f"/api/meetings/{meeting.pk}/minutes", HTTP_AUTHORIZATION="Bearer sl_nonsense"
    )

    assert error(response) == (401, "invalid_token", None)


# The commitment page's sub-item form (the same service as the API)


def test_sub_item_form_shown_and_adds_child(
    client: Client, cast: Cast, commitment: Commitment
) -> None:
    client.force_login(cast.of("osce", "delegate"))

    page = client.get(f"/meetings/commitments/{commitment.pk}/")
    response = client.post(
        f"/meetings/{commitment.decision.meeting_id}/do/sub-item/",
        {
            "parent": commitment.pk,
            "owner": "osce",
            "description": "First course",
            "target": "50 guards",
            "due_date": "2014-03-31",
            "next": f"/meetings/commitments/{commitment.pk}/",
        },
    )

    assert 'data-testid="sub-item-form"' in page.content.decode()
    assert response.status_code == 302
    assert [c.description for c in Commitment.objects.filter(parent=commitment)] == ["First course"]


def test_sub_item_form_hidden_from_viewer_and_refused(
    client: Client, cast: Cast, commitment: Commitment
) -> None:
    client.force_login(cast.of("osce", "viewer"))

    page = client.get(f"/meetings/commitments/{commitment.pk}/")
    client.post(
        f"/meetings/{commitment.decision.meeting_id}/do/sub-item/",
        {
            "parent": commitment.pk,
            "owner": "osce",
            "description": "D",
            "target": "T",
            "due_date": "2014-03-31",
        },
    )

    assert 'data-testid="sub-item-form"' not in page.content.decode()
    assert Commitment.objects.filter(parent=commitment).count() == 0

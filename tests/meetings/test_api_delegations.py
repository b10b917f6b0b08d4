"""Delegations through the API: naming a delegate, the invitation, the approval, and
their refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from sideline.meetings.models import (
    Delegate,
    Meeting,
)
from sideline.meetings.services import (
    accept_invitation,
    invite_delegate,
)
from tests.accounts.factories import PASSWORD, person
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast


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

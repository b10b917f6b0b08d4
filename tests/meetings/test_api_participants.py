"""Adding a participant through the API: the host, with a session; refusals naming the
field, and none without credentials."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Meeting,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast


def _participants(meeting: Meeting) -> list[str]:
    return sorted(meeting.participations.values_list("organization__slug", flat=True))


# Participants


@pytest.mark.parametrize("role", ["delegate", "signatory"])
@pytest.mark.parametrize("host", ["nato", "csto"])
def test_participant_added_by_host(
    client: Client, cast: Cast, meeting: Meeting, host: str, role: str
) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/participants",
        {"organization": "sco"},
        content_type="application/json",
        **bearer(cast.of(host, role)),
    )

    assert response.status_code == 201
    assert response.json()["participants"] == ["csto", "nato", "osce", "sco"]
    assert _participants(meeting) == ["csto", "nato", "osce", "sco"]


def test_participant_added_with_session(client: Client, cast: Cast, meeting: Meeting) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        f"/api/meetings/{meeting.pk}/participants",
        {"organization": "sco"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert "sco" in _participants(meeting)


@pytest.mark.parametrize(
    ("org", "role", "expected"),
    [
        ("osce", "signatory", (403, "not_host", None)),
        ("osce", "delegate", (403, "not_host", None)),
        ("nato", "viewer", (403, "not_host", None)),
        ("sco", "signatory", (404, "unknown_meeting", None)),
    ],
)
def test_participant_refused(
    client: Client, cast: Cast, meeting: Meeting, org: str, role: str, expected: tuple[Any, ...]
) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/participants",
        {"organization": "sco"},
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    assert _participants(meeting) == ["csto", "nato", "osce"]


def test_participant_bad_input_names_field(client: Client, cast: Cast, meeting: Meeting) -> None:
    host = bearer(cast.of("nato", "delegate"))
    url = f"/api/meetings/{meeting.pk}/participants"

    unknown = client.post(url, {"organization": "nope"}, content_type="application/json", **host)
    already = client.post(url, {"organization": "osce"}, content_type="application/json", **host)
    missing = client.post(url, {}, content_type="application/json", **host)

    assert error(unknown) == (404, "unknown_organization", "organization")
    assert error(already) == (400, "already_participant", "organization")
    assert error(missing) == (422, "invalid_request", "payload.organization")
    assert _participants(meeting) == ["csto", "nato", "osce"]


def test_participant_without_credentials_refused(client: Client, meeting: Meeting) -> None:
    response = client.post(
        f"/api/meetings/{meeting.pk}/participants",
        {"organization": "sco"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert "error" in response.json()
    assert _participants(meeting) == ["csto", "nato", "osce"]

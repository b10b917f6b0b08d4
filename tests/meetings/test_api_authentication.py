"""The meetings API without credentials or with a bad token: refused before anything
is read or written."""

from __future__ import annotations

from django.test import Client

from sideline.meetings.models import (
    Meeting,
)
from tests.meetings.api_client import error


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

"""Replacing a meeting's agenda through the API: the host with a token, refusals naming
the field, and an outsider who does not see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Meeting,
)
from sideline.meetings.services import (
    set_agenda,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast


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

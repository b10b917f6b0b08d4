"""Minutes through the API: save, circulate, approve; each step refused to the roles the
page refuses it to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Meeting,
)
from sideline.meetings.services import (
    circulate_minutes,
    save_minutes,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import ORGS, Cast


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

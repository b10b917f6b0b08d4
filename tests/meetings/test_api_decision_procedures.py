"""The decision procedures in the API: propose under silence, break it, join with words."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.accounts.services import create_token
from sideline.meetings.models import Decision, Meeting
from tests.meetings.conftest import Cast

RUSSIAN = {
    "language": "ru",
    "title": "Связь по наркотрафику",
    "text": "Организации обмениваются офицерами связи.\n\nОни ежегодно отчитываются.",
}


def _call(client: Client, cast: Cast, who: tuple[str, str], url: str, body: dict[str, Any]) -> Any:
    _token, plain = create_token(user=cast.of(*who), name="t")
    return client.post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )


@pytest.fixture
def silent(client: Client, cast: Cast, meeting: Meeting) -> dict[str, Any]:
    response = _call(
        client,
        cast,
        ("csto", "delegate"),
        f"/api/meetings/{meeting.pk}/decisions",
        {
            "title": "Liaison on drug routes",
            "text": "Liaison officers.\n\nAn annual report.",
            "procedure": "silence",
            "deadline": "2199-10-01T18:00",
            "deadline_timezone": "Europe/Vienna",
            "versions": [RUSSIAN],
        },
    )
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def test_api_proposal_under_silence_shows_procedure_and_versions(silent: dict[str, Any]) -> None:
    assert (silent["procedure"], silent["deadline"], silent["deadline_timezone"]) == (
        "silence",
        "2199-10-01T16:00:00Z",
        "Europe/Vienna",
    )
    assert [v["language"] for v in silent["versions"]] == ["en", "ru"]
    assert len({v["sha256"] for v in silent["versions"]} | {silent["text_sha256"]}) == 3


def test_api_proposal_with_deadline_without_zone_refused(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    response = _call(
        client,
        cast,
        ("csto", "delegate"),
        f"/api/meetings/{meeting.pk}/decisions",
        {"title": "T", "text": "X", "procedure": "silence", "deadline": "2199-10-01T18:00"},
    )

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "timezone_required",
        "message": "deadline_timezone: say in which time zone 2199-10-01T18:00 is, such as Europe/Vienna",
        "field": "deadline_timezone",
    }
    assert Decision.objects.count() == 0


def test_api_break_silence_signatory_may_delegate_may_not(
    client: Client, cast: Cast, silent: dict[str, Any]
) -> None:
    url = f"/api/meetings/decisions/{silent['id']}/break-silence"

    refused = _call(client, cast, ("osce", "delegate"), url, {"reason": "Not yet."})
    broken = _call(client, cast, ("osce", "signatory"), url, {"reason": "Not yet."})

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_signatory")
    assert broken.status_code == 200
    assert [
        (a["organization"], a["position"], a["reason"], a["by"]) for a in broken.json()["answers"]
    ] == [("osce", "break_silence", "Not yet.", "osce-signatory")]


def test_api_statement_and_reservation_listed(
    client: Client, cast: Cast, silent: dict[str, Any]
) -> None:
    url = f"/api/meetings/decisions/{silent['id']}/responses"
    _call(
        client,
        cast,
        ("nato", "signatory"),
        url,
        {
            "position": "statement",
            "reason": "Annual means calendar year.",
            "text_sha256": silent["text_sha256"],
        },
    )
    body = _call(
        client,
        cast,
        ("osce", "signatory"),
        url,
        {"position": "reservation", "paragraph": 2, "reason": "Subject to the Council."},
    ).json()

    assert [(a["organization"], a["reason"]) for a in body["statements"]] == [
        ("nato", "Annual means calendar year.")
    ]
    assert [(a["organization"], a["paragraph"]) for a in body["reservations"]] == [("osce", 2)]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"position": "reservation", "paragraph": 9, "reason": "x"}, 400, "unknown_paragraph"),
        ({"position": "approve", "text_sha256": "ab" * 32}, 409, "stale_text"),
    ],
)
def test_api_bad_position_refused(
    client: Client, cast: Cast, silent: dict[str, Any], body: dict[str, Any], status: int, code: str
) -> None:
    response = _call(
        client,
        cast,
        ("nato", "signatory"),
        f"/api/meetings/decisions/{silent['id']}/responses",
        body,
    )

    assert (response.status_code, response.json()["error"]["code"]) == (status, code)


def test_api_extend_by_proposer_only(client: Client, cast: Cast, silent: dict[str, Any]) -> None:
    url = f"/api/meetings/decisions/{silent['id']}/extend"

    refused = _call(client, cast, ("nato", "delegate"), url, {"deadline": "2199-10-08T18:00"})
    extended = _call(client, cast, ("csto", "delegate"), url, {"deadline": "2199-10-08T18:00"})

    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_proposer")
    assert extended.json()["deadline"] == "2199-10-08T16:00:00Z"

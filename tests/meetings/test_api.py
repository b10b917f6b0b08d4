"""The meetings API: token or session, the same permissions and one error body."""

from __future__ import annotations

from django.test import Client

from sideline.accounts.services import create_token
from sideline.meetings.models import Decision, Meeting
from tests.meetings.conftest import Cast


def test_api_private_meeting_hidden_from_outsider(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    _token, plain = create_token(user=cast.of("sco", "signatory"), name="t")

    response = client.get(f"/api/meetings/{meeting.pk}", HTTP_AUTHORIZATION=f"Bearer {plain}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_meeting"


def test_api_approve_with_token_then_twice_refused(
    client: Client, cast: Cast, proposal: Decision
) -> None:
    _token, plain = create_token(user=cast.of("osce", "signatory"), name="t")
    url = f"/api/meetings/decisions/{proposal.pk}/responses"

    first = client.post(
        url,
        {"position": "approve"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    second = client.post(
        url,
        {"position": "approve"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {
        "error": {
            "code": "already_approved",
            "message": "osce already approves; withdraw first to change",
            "field": None,
        }
    }


def test_api_change_adopted_text_refused(client: Client, cast: Cast, adopted: Decision) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.patch(
        f"/api/meetings/decisions/{adopted.pk}",
        {"title": "X", "text": "Y"},
        content_type="application/json",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (409, "decision_adopted")


def test_api_other_organizations_commitment_refused(
    client: Client, cast: Cast, adopted: Decision
) -> None:
    _token, plain = create_token(user=cast.of("csto", "delegate"), name="t")

    response = client.post(
        f"/api/meetings/decisions/{adopted.pk}/commitments",
        {"owner": "osce", "description": "D", "target": "T", "due_date": "2014-01-01"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )

    assert (response.status_code, response.json()["error"]["code"]) == (
        403,
        "not_your_organization",
    )


def test_api_write_needs_authentication(client: Client, cast: Cast, proposal: Decision) -> None:
    response = client.post(
        f"/api/meetings/decisions/{proposal.pk}/responses",
        {"position": "approve"},
        content_type="application/json",
    )

    assert response.status_code == 401

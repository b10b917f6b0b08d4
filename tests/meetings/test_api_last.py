"""The meetings API's last page actions: add a participant, withdraw a proposal, close a commitment.

Each is allowed for the role and organization the page allows, refused with the one error
body otherwise, and a refusal changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from sideline.accounts.services import create_token
from sideline.meetings.models import Change, Commitment, Decision, DecisionResponse, Meeting
from sideline.meetings.services import make_commitment
from tests.meetings.conftest import Cast


def bearer(user: Any) -> dict[str, Any]:
    _token, plain = create_token(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


def error(response: Any) -> tuple[int, str, str | None]:
    body = response.json()["error"]
    return response.status_code, body["code"], body["field"]


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


# Withdrawing a proposal (the page's "withdraw" action)


@pytest.mark.parametrize("role", ["delegate", "signatory"])
def test_proposal_withdrawn_by_proposer(
    client: Client, cast: Cast, proposal: Decision, role: str
) -> None:
    response = client.post(
        f"/api/meetings/decisions/{proposal.pk}/withdraw",
        {"reason": "Superseded by the ministers' statement"},
        content_type="application/json",
        **bearer(cast.of("nato", role)),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    assert proposal.withdrawn_reason == "Superseded by the ministers' statement"
    assert Change.objects.filter(kind="decision.withdraw", subject=proposal.op_id).count() == 1


@pytest.mark.parametrize(
    ("org", "role", "expected"),
    [
        ("csto", "signatory", (403, "not_proposer", None)),
        ("osce", "delegate", (403, "not_proposer", None)),
        ("nato", "viewer", (403, "not_proposer", None)),
        ("sco", "signatory", (404, "unknown_decision", None)),
    ],
)
def test_proposal_withdrawal_refused(
    client: Client, cast: Cast, proposal: Decision, org: str, role: str, expected: tuple[Any, ...]
) -> None:
    response = client.post(
        f"/api/meetings/decisions/{proposal.pk}/withdraw",
        {"reason": "Not ours to withdraw"},
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    proposal.refresh_from_db()
    assert (proposal.status, proposal.withdrawn_reason) == ("proposed", "")


def test_proposal_withdrawal_bad_input(
    client: Client, cast: Cast, proposal: Decision, adopted: Decision
) -> None:
    host = bearer(cast.of("nato", "delegate"))

    response = client.post(
        f"/api/meetings/decisions/{adopted.pk}/withdraw",
        {"reason": "Too late"},
        content_type="application/json",
        **host,
    )

    assert error(response) == (409, "decision_adopted", None)
    adopted.refresh_from_db()
    assert adopted.status == "adopted"


@pytest.mark.parametrize("body", [{}, {"reason": "   "}])
def test_proposal_withdrawal_without_reason_names_field(
    client: Client, cast: Cast, proposal: Decision, body: dict[str, str]
) -> None:
    response = client.post(
        f"/api/meetings/decisions/{proposal.pk}/withdraw",
        body,
        content_type="application/json",
        **bearer(cast.of("nato", "delegate")),
    )

    assert error(response) == (400, "reason_required", "reason")
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


# Withdrawing an organization's own position goes through the responses endpoint.


def test_position_withdrawn_through_responses(
    client: Client, cast: Cast, proposal: Decision
) -> None:
    url = f"/api/meetings/decisions/{proposal.pk}/responses"
    osce = bearer(cast.of("osce", "signatory"))

    client.post(url, {"position": "approve"}, content_type="application/json", **osce)
    withdrawn = client.post(url, {"position": "withdraw"}, content_type="application/json", **osce)
    again = client.post(url, {"position": "withdraw"}, content_type="application/json", **osce)
    other = client.post(
        url,
        {"position": "withdraw"},
        content_type="application/json",
        **bearer(cast.of("osce", "delegate")),
    )

    assert withdrawn.status_code == 200
    assert error(again) == (409, "nothing_to_withdraw", None)
    assert error(other) == (403, "not_signatory", None)
    assert list(
        DecisionResponse.objects.filter(decision=proposal).values_list("position", flat=True)
    ) == ["approve", "withdraw"]


# Closing a commitment


@pytest.fixture
def commitment(cast: Cast, adopted: Decision) -> Commitment:
    return make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=adopted,
        owner="osce",
        description="Train border guards",
        target="200 guards",
        due_date=date(2014, 6, 30),
    )


def test_commitment_closed_done_by_owner(
    client: Client, cast: Cast, commitment: Commitment
) -> None:
    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/close",
        {"closed_as": "done"},
        content_type="application/json",
        **bearer(cast.of("osce", "delegate")),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["progress"] == 100
    commitment.refresh_from_db()
    assert commitment.closed_as == "done"
    assert commitment.closed_at is not None


def test_commitment_dropped_with_reason(client: Client, cast: Cast, commitment: Commitment) -> None:
    client.force_login(cast.of("osce", "signatory"))

    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/close",
        {"closed_as": "dropped", "reason": "Funding withdrawn"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "dropped"
    commitment.refresh_from_db()
    assert (commitment.closed_as, commitment.closed_reason) == ("dropped", "Funding withdrawn")


@pytest.mark.parametrize(
    ("org", "role", "expected"),
    [
        ("nato", "delegate", (403, "not_owner", None)),
        ("csto", "signatory", (403, "not_owner", None)),
        ("osce", "viewer", (403, "not_owner", None)),
        ("sco", "signatory", (404, "unknown_commitment", None)),
    ],
)
def test_commitment_close_refused(
    client: Client,
    cast: Cast,
    commitment: Commitment,
    org: str,
    role: str,
    expected: tuple[Any, ...],
) -> None:
    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/close",
        {"closed_as": "done"},
        content_type="application/json",
        **bearer(cast.of(org, role)),
    )

    assert error(response) == expected
    commitment.refresh_from_db()
    assert (commitment.closed_as, commitment.closed_at) == ("", None)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"closed_as": "dropped"}, (400, "reason_required", "reason")),
        ({"closed_as": "dropped", "reason": "  "}, (400, "reason_required", "reason")),
        ({"closed_as": "finished"}, (400, "unknown_closure", "closed_as")),
        ({}, (422, "invalid_request", "payload.closed_as")),
    ],
)
def test_commitment_close_bad_input_names_field(
    client: Client,
    cast: Cast,
    commitment: Commitment,
    body: dict[str, str],
    expected: tuple[Any, ...],
) -> None:
    response = client.post(
        f"/api/meetings/commitments/{commitment.pk}/close",
        body,
        content_type="application/json",
        **bearer(cast.of("osce", "delegate")),
    )

    assert error(response) == expected
    commitment.refresh_from_db()
    assert (commitment.closed_as, commitment.closed_at) == ("", None)


def test_closed_commitment_cannot_be_closed_again(
    client: Client, cast: Cast, commitment: Commitment
) -> None:
    url = f"/api/meetings/commitments/{commitment.pk}/close"
    owner = bearer(cast.of("osce", "delegate"))
    client.post(url, {"closed_as": "done"}, content_type="application/json", **owner)

    again = client.post(
        url,
        {"closed_as": "dropped", "reason": "Changed mind"},
        content_type="application/json",
        **owner,
    )

    assert error(again) == (409, "commitment_closed", None)
    commitment.refresh_from_db()
    assert (commitment.closed_as, commitment.closed_reason) == ("done", "")

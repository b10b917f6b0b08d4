"""Withdrawing through the API: a proposal by its proposer, an organization's own position
through the responses endpoint; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Change,
    Decision,
    DecisionResponse,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast

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

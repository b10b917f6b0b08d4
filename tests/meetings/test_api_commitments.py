"""Commitments through the API and the commitment page: sub-items and closing, allowed to
the owner, refused to the others with the one error body, a refusal changing nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from sideline.meetings.models import (
    Commitment,
    Decision,
)
from sideline.meetings.services import (
    make_commitment,
)
from tests.meetings.api_client import bearer, error
from tests.meetings.conftest import Cast


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


# Closing a commitment


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

"""The curation API (/api/curation): the curator's journey as JSON, both ways."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sideline.accounts.services import create_token
from sideline.registry.models import Membership
from tests.accounts.factories import person
from tests.curation.conftest import UZBEKISTAN

CITATION = "https://en.odkb-csto.org/news/uzbekistan-2012"
PROPOSAL = {
    "table": "memberships",
    "action": "change",
    "key": UZBEKISTAN,
    "values": {"end": "2012-12-20"},
    "citation": CITATION,
    "reason": "The Council's decision took effect the next day.",
}


def _bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {create_token(user=user, name='api')[1]}"}


def _post(client: Client, path: str, body: dict[str, Any], user: Any | None) -> Any:
    headers = _bearer(user) if user is not None else {}
    return client.post(path, body, content_type="application/json", **headers)


def _end() -> str:
    return Membership.objects.get(
        organization__slug="csto", state__code="UZB", start="2006-08-16"
    ).end


def test_a_curator_proposes_and_a_second_approves_through_the_api(
    client: Client, alice: Any, bob: Any
) -> None:
    proposed = _post(client, "/api/curation/corrections", PROPOSAL, alice)
    assert proposed.status_code == 201, proposed.json()
    body = proposed.json()
    assert (body["status"], body["proposed_by"], body["changes"]) == (
        "proposed",
        "alice",
        [
            {"column": "end", "before": "2012-12-19", "after": "2012-12-20"},
            # The citation becomes the fact's source once approved.
            {
                "column": "source",
                "before": "csto-uzbekistan-2012",
                "after": f"curation-{body['id']}",
            },
        ],
    )

    own = _post(client, f"/api/curation/corrections/{body['id']}/approve", {}, alice)
    approved = _post(client, f"/api/curation/corrections/{body['id']}/approve", {"note": "ok"}, bob)

    assert (own.status_code, own.json()["error"]["code"]) == (403, "own_proposal")
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["reviewed_by"]) == ("approved", "bob")
    assert approved.json()["record_index"] is not None
    assert _end() == "2012-12-20"


def test_anyone_reads_approved_corrections_only_curators_read_proposals(
    client: Client, alice: Any, bob: Any
) -> None:
    first = _post(client, "/api/curation/corrections", PROPOSAL, alice).json()
    _post(client, f"/api/curation/corrections/{first['id']}/approve", {}, bob)
    second = _post(
        client, "/api/curation/corrections", {**PROPOSAL, "values": {"note": "checked"}}, alice
    ).json()

    public = client.get("/api/curation/corrections").json()
    hidden = client.get(f"/api/curation/corrections/{second['id']}")
    curator = client.get("/api/curation/corrections?status=proposed", **_bearer(bob)).json()

    assert [c["id"] for c in public] == [first["id"]]
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "unknown_correction")
    assert [c["id"] for c in curator] == [second["id"]]


def test_a_rejection_needs_a_note_and_leaves_the_registry_unchanged(
    client: Client, alice: Any, bob: Any
) -> None:
    proposal = _post(client, "/api/curation/corrections", PROPOSAL, alice).json()
    path = f"/api/curation/corrections/{proposal['id']}/reject"

    silent = _post(client, path, {}, bob)
    rejected = _post(client, path, {"note": "The source says the 19th."}, bob)
    again = _post(client, path, {"note": "twice"}, bob)

    assert (silent.status_code, silent.json()["error"]["field"]) == (400, "note")
    assert rejected.json()["status"] == "rejected"
    assert again.json()["error"]["code"] == "already_reviewed"
    assert _end() == "2012-12-19"


@pytest.mark.parametrize("role", [None, "viewer", "coordinator", "signatory"])
def test_only_curators_write(client: Client, registry: None, role: str | None) -> None:
    user = None if role is None else person(f"p-{role}", organization="osce", role=role)

    response = _post(client, "/api/curation/corrections", PROPOSAL, user)

    assert response.status_code == (401 if role is None else 403)
    assert _end() == "2012-12-19"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"values": {"colour": "red"}}, 400, "colour"),
        ({"values": {"end": "2012-13-40"}}, 400, "end"),
        ({"citation": "  "}, 400, "citation"),
        ({"values": {"end": "x\x00"}}, 400, "values.end"),
        ({"table": "secrets"}, 422, "payload.table"),
        ({"surprise": 1}, 422, "payload.surprise"),
        ({"values": {"end": "y" * 2001}}, 422, "payload.values.end"),
    ],
)
def test_bad_proposals_are_refused_naming_the_field(
    client: Client, alice: Any, change: dict[str, Any], status: int, field: str
) -> None:
    response = _post(client, "/api/curation/corrections", {**PROPOSAL, **change}, alice)

    assert response.status_code == status, response.json()
    assert response.json()["error"]["field"] == field
    assert _end() == "2012-12-19"

"""The audit view of refused ops: public verdicts for all, sealed ones for participants only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sideline.federation.ops import build_op, encode_op
from sideline.federation.sealing import seal_op
from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import text_sha256
from sideline.oplog import append_op, encryption_directory, reduce_node
from sideline.record.services import append_entry
from tests.meetings.conftest import Cast


def _heads() -> tuple[dict[str, str], list[str]]:
    _, reduction = reduce_node()
    heads: dict[str, tuple[int, str]] = {}
    for v in reduction.verdicts:
        if v.status == "applied" and v.index >= heads.get(v.origin, (-1, ""))[0]:
            heads[v.origin] = (v.index, v.hash)
    return {o: h for o, (_, h) in heads.items()}, sorted(h for _, h in heads.values())


@pytest.fixture
def refused(cast: Cast, meeting: Meeting, proposal: Decision) -> dict[str, Any]:
    """A forged public op and a sealed op the reducer refuses, in the confidential meeting."""
    heads, after = _heads()
    # NATO's log carries an answer claiming to be the CSTO's.
    forged = build_op(
        kind="decision.respond",
        actor="csto",
        role="signatory",
        prev=heads.get("csto"),
        after=[h for h in after if h != heads.get("csto")],
        object_id=str(proposal.op_id),
        args={"position": "approve", "text_sha256": text_sha256(proposal)},
    )
    public = append_entry(
        organization="nato",
        kind="op.decision.respond",
        subject=str(proposal.op_id),
        payload=json.loads(encode_op(forged)),
    )
    # The OSCE, a mere participant, seals an agenda: only hosts set it (not_host).
    inner = build_op(
        kind="agenda.set",
        actor="osce",
        role="delegate",
        prev=heads.get("osce"),
        after=[h for h in after if h != heads.get("osce")],
        object_id=str(meeting.op_id),
        args={},
        clear={"items": ["Hijacked"]},
    )
    keys = encryption_directory()
    sealed = seal_op(
        inner,
        meeting=str(meeting.op_id),
        recipients={org: keys[org] for org in ("csto", "nato", "osce")},
    )
    private = append_op(sealed.envelope)
    return {"public": public.index, "private": private.index}


def test_audit_lists_a_forged_op_for_anyone(client: Client, refused: dict[str, Any]) -> None:
    body = client.get("/meetings/audit.json").json()
    page = client.get("/meetings/audit/").content.decode()

    assert [(v["origin"], v["index"], v["code"]) for v in body["public"]] == [
        ("nato", refused["public"], "actor_not_log_owner")
    ]
    assert body["confidential"] == []
    assert "actor_not_log_owner" in page
    assert "Hijacked" not in page


def test_audit_shows_a_sealed_refusal_to_participants_only(
    client: Client, cast: Cast, refused: dict[str, Any]
) -> None:
    client.force_login(cast.of("csto", "viewer"))
    member = client.get("/meetings/audit.json").json()
    page = client.get("/meetings/audit/").content.decode()
    client.force_login(cast.of("sco", "signatory"))
    outsider = client.get("/meetings/audit.json").json()

    assert [(v["origin"], v["index"], v["kind"], v["code"]) for v in member["confidential"]] == [
        ("osce", refused["private"], "agenda.set", "not_host")
    ]
    assert 'data-testid="sealed-verdict"' in page
    assert outsider["confidential"] == []
    assert outsider["public"] == member["public"]

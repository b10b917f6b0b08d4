"""A concern raised on another organization's node reaches this one through the
federation and becomes a suggested meeting request here (issue 18, items 3 and 4).

This node is NATO's (``SIDELINE_ORGANIZATIONS=nato``); the CSTO's node is a peer served by
the test itself (tests/record/fake_peer.py), whose log holds the CSTO's ops, built and
signed with the federation's pure cores as the CSTO's node would. The follower's worker
pulls it as it pulls any peer; the concern then becomes a row here by projection. The
real-node version, through the services of both nodes, is in tests/federation_net.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sideline.federation.ops import build_op
from sideline.federation.sealing import seal_op
from sideline.oplog import encryption_directory, reduce_node
from sideline.planner.models import MeetingRequest
from sideline.prevention.models import Concern
from sideline.prevention.selectors import suggest_for_concern, visible_concerns
from sideline.prevention.services import ConcernError, endorse_concern, place_consultation
from sideline.record import follower
from sideline.record.federation import join_peer, load
from sideline.record.models import RecordEntry, ReplicaEntry
from sideline.record.services import ensure_log
from tests.accounts.factories import person
from tests.record.fake_peer import FakeLog, FakePeer

pytestmark = pytest.mark.django_db(transaction=False)

CANARY = "CANARY-5e0b-Batken"
TEXT = {
    "title": "Troops at the Batken border",
    "text": "Both sides moved heavy weapons to the enclave of Vorukh.",
    "sources": ["https://example.org/report-1"],
}


@pytest.fixture
def peer() -> Iterator[FakePeer]:
    server = FakePeer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def nato_node(settings: Any, tmp_path: Path) -> None:
    settings.FEDERATION = dataclasses.replace(
        settings.FEDERATION, file=tmp_path / "federation.json", stale_after=300
    )
    settings.SIDELINE_ORGANIZATIONS = ("nato",)


@pytest.fixture
def csto(peer: FakePeer, registry: None, monkeypatch: pytest.MonkeyPatch) -> FakeLog:
    """The CSTO's log on its own node, joined by NATO's node while still empty."""
    monkeypatch.setattr(follower, "_projection_owed", False)
    log = FakeLog("csto", "csto.test/record/csto", entries=0)
    peer.serve(log)
    join_peer(url=peer.url)
    return log


@pytest.fixture
def people(registry: None) -> dict[str, Any]:
    return {
        "nato-delegate": person("nato-delegate", organization="nato", role="delegate"),
        "nato-viewer": person("nato-viewer", organization="nato", role="viewer"),
        "coordinator": person("coord", organization=None, role="coordinator"),
    }


def _raise_on_csto(
    peer: FakePeer,
    log: FakeLog,
    *,
    concerned: list[str],
    public: bool,
    sealed_to: tuple[str, ...] = (),
) -> str:
    """The CSTO's delegate raises a concern on the CSTO's node; NATO's node pulls it."""
    concern_id = "csto/k-0123456789abcdef"
    op = build_op(
        kind="concern.raise",
        actor="csto",
        role="delegate",
        prev=None,
        after=(),
        object_id=concern_id,
        args={
            "state": "KGZ",
            "other_state": "TJK",
            "severity": 4,
            "concerned": concerned,
            "public": public,
        },
        clear={**TEXT, "text": CANARY} if not public else TEXT,
    )
    if not public:
        ensure_log(organization="nato")
        # The CSTO's node seals to the keys it pinned: NATO's is this node's own; the
        # others' private keys are on nodes this test does not run.
        recipients = {
            org: encryption_directory()["nato"]
            if org == "nato"
            else X25519PrivateKey.generate().public_key()
            for org in sealed_to
        }
        op = seal_op(op, meeting=concern_id, recipients=recipients).envelope
    log.append_op(op)
    peer.serve(log)
    follower._Worker(load().peers[0], threading.Event())._once()
    return concern_id


def test_a_public_concern_raised_on_the_cstos_node_is_suggested_and_placed_on_natos(
    peer: FakePeer, csto: FakeLog, people: dict[str, Any]
) -> None:
    concern_id = _raise_on_csto(peer, csto, concerned=["nato", "osce"], public=True)

    concern = Concern.objects.get(op_id=concern_id)
    suggestion = suggest_for_concern(concern, day=date(2022, 10, 1))
    endorsement = endorse_concern(
        actor=people["nato-delegate"], concern=concern, organization="nato", note="We see it."
    )
    placed = place_consultation(
        actor=people["coordinator"],
        concern=concern,
        organizations=list(suggestion.organizations) if suggestion else [],
        priority=suggestion.priority if suggestion else 0,
        year=2027,
    )

    assert (concern.organization.slug, concern.title, concern.author) == (
        "csto",
        TEXT["title"],
        None,
    )
    # KGZ and TJK are members of the CSTO and the OSCE; NATO's tie is a partnership.
    assert suggestion is not None
    assert (suggestion.organizations, suggestion.priority) == (("csto", "osce"), 100)
    request = MeetingRequest.objects.get(key="prevention-concern-csto-k-0123456789abcdef")
    assert (placed.request_key, request.topic, request.priority) == (
        request.key,
        "conflict-prevention",
        100,
    )
    assert sorted(o.slug for o in request.organizations.all()) == ["csto", "osce"]
    # The endorsement is NATO's op, in NATO's log, after the CSTO's raise.
    entry = RecordEntry.objects.get(log__organization__slug="nato", index=endorsement.record_index)
    assert (entry.kind, entry.subject) == ("op.concern.endorse", concern_id)
    _, reduction = reduce_node()
    assert reduction.state.concerns[concern_id].endorsements.keys() == {"nato"}


def test_a_viewer_on_natos_node_may_not_endorse_the_peers_concern(
    peer: FakePeer, csto: FakeLog, people: dict[str, Any]
) -> None:
    concern_id = _raise_on_csto(peer, csto, concerned=["nato"], public=True)
    concern = Concern.objects.get(op_id=concern_id)

    with pytest.raises(ConcernError) as caught:
        endorse_concern(actor=people["nato-viewer"], concern=concern, organization="nato")

    assert (caught.value.code, caught.value.status) == ("not_your_organization", 403)
    assert not RecordEntry.objects.filter(log__organization__slug="nato").exists()


def test_a_confidential_concern_sealed_to_nato_is_read_and_endorsed_sealed(
    peer: FakePeer, csto: FakeLog, people: dict[str, Any]
) -> None:
    concern_id = _raise_on_csto(
        peer, csto, concerned=["nato"], public=False, sealed_to=("csto", "nato")
    )

    concern = Concern.objects.get(op_id=concern_id)
    endorsement = endorse_concern(
        actor=people["nato-delegate"], concern=concern, organization="nato"
    )

    assert concern.text == CANARY
    assert list(visible_concerns(people["nato-viewer"])) == [concern]
    assert list(visible_concerns(None)) == []
    entry = RecordEntry.objects.get(log__organization__slug="nato", index=endorsement.record_index)
    assert entry.kind == "op.sealed"
    _, reduction = reduce_node()
    assert reduction.confidential.concerns[concern_id].endorsements.keys() == {"nato"}


def test_a_confidential_concern_not_sealed_to_nato_leaves_no_text_on_natos_node(
    peer: FakePeer, csto: FakeLog
) -> None:
    concern_id = _raise_on_csto(
        peer, csto, concerned=["osce"], public=False, sealed_to=("csto", "osce")
    )

    _, reduction = reduce_node()

    assert ReplicaEntry.objects.count() == 1  # NATO's node holds the envelope …
    assert not Concern.objects.exists()  # … and reads nothing of it
    assert reduction.confidential.concerns == {}
    assert reduction.sealed_ops == {}
    assert concern_id not in json.dumps(reduction.state.to_json())
    assert CANARY.encode() not in bytes(ReplicaEntry.objects.get().leaf)

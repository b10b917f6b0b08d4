"""Ops carried as record entries (``sideline.oplog``): appended, read back, verified, reduced."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.test import override_settings
from django.utils import timezone

from sideline.federation.ops import build_op, clear_content_hash, encode_op, parse_op
from sideline.federation.sealing import Opener
from sideline.oplog import (
    OpRefusedError,
    append_op,
    read_node_ops,
    reduce_node,
    write_op,
)
from sideline.oplog import writing as oplog_writing
from sideline.record.entry import build_entry, sign_entry
from sideline.record.jwk import encryption_jwk
from sideline.record.models import KeyPurpose, Log, Peer, RecordEntry, Replica
from sideline.record.note import Ed25519Signer
from sideline.record.services import append_entry, ensure_log

MEETING_ARGS: dict[str, Any] = {
    "date": "2013-09-24",
    "timezone": "America/New_York",
    "cohost": None,
    "participants": ["csto", "osce"],
    "public": True,
}


def _create(public: bool = True) -> None:
    write_op(
        actor="nato",
        kind="meeting.create",
        object_id="nato/m-1",
        role="delegate",
        args={**MEETING_ARGS, "public": public},
        clear={"title": "Counter-narcotics"},
        confidential_meeting=None if public else "nato/m-1",
        participants=["csto", "nato", "osce"],
    )


def test_op_appended_as_entry_of_its_kind_and_object_and_read_back_verified(registry: None) -> None:
    _create()
    entry = RecordEntry.objects.get(log__organization__slug="nato", kind="op.meeting.create")
    ops = read_node_ops()
    op = parse_op(ops.entries[0].data)
    assert (entry.subject, op.kind, op.actor, op.object_id) == (
        "nato/m-1",
        "meeting.create",
        "nato",
        "nato/m-1",
    )
    assert [(e.origin, e.index, e.signer) for e in ops.entries] == [("nato", entry.index, "nato")]
    _, reduction = reduce_node()
    assert sorted(reduction.state.meetings["nato/m-1"].participants) == ["csto", "nato", "osce"]


def test_op_names_its_prev_and_the_other_logs_heads(registry: None) -> None:
    _create()
    first = parse_op(read_node_ops().entries[0].data)
    write_op(
        actor="csto",
        kind="document.add",
        object_id="nato/m-1",
        role="delegate",
        args={"document": "d1", "sha256": "ab" * 32, "size": 10, "media_type": "text/plain"},
        clear={"title": "Notes", "filename": "notes.txt"},
    )
    _agenda(["Routes"])
    ops = {parse_op(e.data).kind: parse_op(e.data) for e in read_node_ops().entries}
    assert ops["document.add"].prev is None
    assert ops["document.add"].after == (first.hash,)
    assert ops["agenda.set"].prev == first.hash
    assert ops["agenda.set"].after == (ops["document.add"].hash,)


def test_op_refused_by_the_reducer_is_not_appended(registry: None) -> None:
    _create()
    with pytest.raises(OpRefusedError) as caught:
        write_op(
            actor="csto",
            kind="agenda.set",
            object_id="nato/m-1",
            role="delegate",
            args={},
            clear={"items": ["Routes"]},
        )
    assert (caught.value.code, caught.value.message) == (
        "not_host",
        "only the host and co-host prepare meeting nato/m-1; csto is neither",
    )
    assert not RecordEntry.objects.filter(kind__startswith="op.", log__organization__slug="csto")


def test_op_with_a_bad_field_is_refused_naming_it(registry: None) -> None:
    with pytest.raises(OpRefusedError) as caught:
        write_op(
            actor="nato",
            kind="meeting.create",
            object_id="nato/m-1",
            role="delegate",
            args=MEETING_ARGS,
            clear={"title": "x" * 301},
        )
    assert (caught.value.code, caught.value.field) == ("string_too_long", "content.clear.title")
    assert not RecordEntry.objects.filter(kind__startswith="op.").exists()


@override_settings(SIDELINE_ORGANIZATIONS=("nato",))
def test_op_for_an_organization_not_hosted_is_refused(registry: None) -> None:
    with pytest.raises(OpRefusedError) as caught:
        write_op(
            actor="csto",
            kind="meeting.create",
            object_id="csto/m-1",
            role="delegate",
            args=MEETING_ARGS,
            clear={"title": "Talks"},
        )
    assert caught.value.code == "not_hosted"


def _answer(actor: str, *, prev: str | None = None) -> Any:
    return build_op(
        kind="decision.respond",
        actor=actor,
        role="signatory",
        prev=prev,
        after=(),
        object_id="nato/d-1",
        args={
            "position": "approve",
            "text_sha256": clear_content_hash({"title": "T", "text": "X"}),
        },
    )


def test_approval_written_into_another_organizations_log_is_rejected_and_named(
    registry: None,
) -> None:
    _create()
    write_op(
        actor="nato",
        kind="decision.propose",
        object_id="nato/d-1",
        role="delegate",
        args={"meeting": "nato/m-1", "amends": None},
        clear={"title": "T", "text": "X"},
    )
    # NATO's operator signs CSTO's approval with NATO's own key, in NATO's log.
    forged = append_entry(
        organization="nato",
        kind="op.decision.respond",
        subject="nato/d-1",
        payload=json.loads(encode_op(_answer("csto"))),
    )
    _, reduction = reduce_node()
    verdict = reduction.verdict_at("nato", forged.index)
    assert verdict is not None
    assert (verdict.status, verdict.code) == ("rejected", "actor_not_log_owner")
    assert reduction.state.decisions["nato/d-1"].standing == {}


def test_entry_in_a_log_signed_with_another_organizations_key_is_rejected_naming_the_signer(
    registry: None,
) -> None:
    ensure_log(organization="csto")
    nato = ensure_log(organization="nato")
    csto = Log.objects.get(organization__slug="csto")
    from sideline.record import keystore

    key = nato.keys.get(purpose=KeyPurpose.ENTRY, active=True)
    signer = Ed25519Signer(key.name, keystore.decrypt_private_key(bytes(key.private_key)))
    op = build_op(
        kind="meeting.create",
        actor="csto",
        role="delegate",
        prev=None,
        after=(),
        object_id="csto/m-1",
        args=MEETING_ARGS | {"participants": ["nato"]},
        clear={"title": "Talks"},
    )
    entry = build_entry(
        kind="op.meeting.create",
        organization="csto",
        time=timezone.now(),
        subject="csto/m-1",
        payload=json.loads(encode_op(op)),
    )
    leaf = sign_entry(entry, signer=signer)
    # The operator writes the row straight into CSTO's log in the database.
    from sideline.record.merkle import hash_leaf

    RecordEntry.objects.create(
        log=csto,
        index=csto.size,
        leaf=leaf,
        leaf_hash=hash_leaf(leaf),
        kind="op.meeting.create",
        subject="csto/m-1",
        created=timezone.now(),
    )
    ops, reduction = reduce_node()
    assert [(e.origin, e.signer) for e in ops.entries] == [("csto", "nato")]
    verdict = reduction.verdicts[0]
    assert (verdict.status, verdict.code) == ("rejected", "signer_not_log_owner")
    assert "csto/m-1" not in reduction.state.meetings


def test_entry_that_is_not_an_op_is_refused_with_its_format_code(registry: None) -> None:
    entry = append_entry(organization="nato", kind="op.meeting.create", subject="x", payload=[1])
    _, reduction = reduce_node()
    verdict = reduction.verdict_at("nato", entry.index)
    assert verdict is not None
    assert (verdict.status, verdict.code) == ("rejected", "wrong_type")


def test_entries_that_are_not_ops_are_left_out(registry: None) -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1", payload={})
    assert read_node_ops().entries == []


def test_confidential_op_is_sealed_in_the_log_and_read_by_the_participants_node(
    registry: None,
) -> None:
    _create(public=False)
    entry = RecordEntry.objects.get(log__organization__slug="nato")
    assert entry.kind == "op.sealed"
    assert b"Counter-narcotics" not in bytes(entry.leaf)
    _, reduction = reduce_node()
    assert list(reduction.confidential.meetings) == ["nato/m-1"]
    assert reduction.state.meetings == {}


@override_settings(SIDELINE_ORGANIZATIONS=("sco",))
def test_confidential_op_is_not_read_on_a_non_participants_node(registry: None) -> None:
    with override_settings(SIDELINE_ORGANIZATIONS=None):
        for org in ("nato", "csto", "osce"):
            ensure_log(organization=org)
        _create(public=False)
    ensure_log(organization="sco")
    _, reduction = reduce_node()
    assert reduction.confidential.meetings == {}
    assert reduction.verdicts[0].status == "applied"


def test_append_op_signs_as_the_actor(registry: None) -> None:
    op = _answer("osce")
    entry = append_op(op)
    assert (entry.log.slug, entry.kind, entry.subject) == (
        "osce",
        "op.decision.respond",
        "nato/d-1",
    )


def _osce_on_another_node(*, pinned: bool, trusted: bool = True) -> X25519PrivateKey:
    """The OSCE's log as a replica pulled from its node, its X25519 key pinned or waiting."""
    private = X25519PrivateKey.generate()
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwk = json.dumps(encryption_jwk(raw), sort_keys=True, separators=(",", ":"))
    Replica.objects.create(
        peer=Peer.objects.create(url="https://osce.example"),
        organization="osce",
        origin="osce.example/record/osce",
        encryption_keys=[jwk] if pinned else [],
        pending_keys={} if pinned else {"encryption_keys": [jwk]},
        root_hash=b"",
        trusted=trusted,
    )
    return private


@override_settings(SIDELINE_ORGANIZATIONS=("nato", "csto"))
def test_confidential_op_is_sealed_to_the_pinned_key_of_an_organization_hosted_elsewhere(
    registry: None,
) -> None:
    osce = _osce_on_another_node(pinned=True)
    _create(public=False)
    envelope = parse_op(read_node_ops().entries[0].data)
    assert envelope.kind == "sealed"
    # The OSCE's node, holding only its own private key, opens it.
    assert Opener({"osce": osce}).content_key(envelope) is not None
    assert Opener({"osce": X25519PrivateKey.generate()}).content_key(envelope) is None


@pytest.mark.parametrize(("pinned", "trusted"), [(False, True), (True, False)])
@override_settings(SIDELINE_ORGANIZATIONS=("nato", "csto"))
def test_confidential_op_is_never_sealed_to_a_waiting_key_or_a_forked_replicas_key(
    registry: None, pinned: bool, trusted: bool
) -> None:
    _osce_on_another_node(pinned=pinned, trusted=trusted)
    with pytest.raises(OpRefusedError) as caught:
        _create(public=False)
    assert caught.value.code == "no_encryption_key"
    assert "osce" in caught.value.message
    assert ("waits for approval" in caught.value.message) is not pinned
    assert not RecordEntry.objects.filter(kind__startswith="op.").exists()


def _agenda(items: list[str], *, confidential: bool = False) -> None:
    write_op(
        actor="nato",
        kind="agenda.set",
        object_id="nato/m-1",
        role="delegate",
        args={},
        clear={"items": items},
        confidential_meeting="nato/m-1" if confidential else None,
        participants=["csto", "nato", "osce"],
    )


def test_writes_fold_their_op_into_the_last_reduction_as_reducing_from_scratch_would(
    registry: None,
) -> None:
    _create()
    for n in range(3):
        _agenda([f"item {n}"])
        assert oplog_writing._LAST_WRITE is not None  # the op was folded in, not reduced again
        _, kept, folded = oplog_writing._LAST_WRITE
        _, scratch = reduce_node()
        assert (folded.digest(), folded.verdicts) == (scratch.digest(), scratch.verdicts)
        assert kept.entries == read_node_ops().entries
    with pytest.raises(OpRefusedError):
        write_op(
            actor="csto",
            kind="agenda.set",
            object_id="nato/m-1",
            role="delegate",
            args={},
            clear={"items": ["not the host's"]},
        )
    assert oplog_writing._LAST_WRITE is None  # a refused op was folded: start again next time


def test_a_change_of_the_logs_between_writes_is_seen(registry: None) -> None:
    _create()
    _agenda(["one"])
    # Another process appends (here: straight through the record), then this one writes:
    # from a stale reduction it would take the same prev, a fork.
    _, before = reduce_node()
    append_op(
        build_op(
            kind="agenda.set",
            actor="nato",
            role="delegate",
            prev=before.verdicts[-1].hash,
            after=(),
            object_id="nato/m-1",
            args={},
            clear={"items": ["two"]},
        )
    )
    _agenda(["three"])

    _, reduction = reduce_node()
    assert [v.status for v in reduction.verdicts] == ["applied"] * 4
    agenda = reduction.state.meetings["nato/m-1"].agenda
    assert agenda is not None
    assert agenda[0] == clear_content_hash({"items": ["three"]})


def test_envelopes_sealed_before_a_rotation_of_the_encryption_key_still_open(
    registry: None,
) -> None:
    from sideline.record.services import rotate_key

    _create(public=False)
    for slug in ["nato", "csto", "osce"]:
        rotate_key(organization=slug, purpose=KeyPurpose.ENCRYPTION)

    _, reduction = reduce_node()

    # The slots name no key: only the rotated-out key opens them, and the node still has it.
    assert list(reduction.confidential.meetings) == ["nato/m-1"]
    _agenda(["after the rotation"], confidential=True)
    _, after = reduce_node()
    assert after.confidential.meetings["nato/m-1"].agenda is not None
    assert [v.status for v in after.inner] == ["applied", "applied"]

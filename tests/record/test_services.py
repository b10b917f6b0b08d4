"""The record's write services: append, checkpoint, verify one entry, keys, confidentiality."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction

from sideline.record import keystore
from sideline.record.entry import Entry, open_entry, parse_entry_text
from sideline.record.errors import EntryError
from sideline.record.merkle import hash_leaf, root_from_leaf_hashes, verify_inclusion
from sideline.record.models import KeyPurpose, Log, RecordEntry, SealedEntry
from sideline.record.seal import seal
from sideline.record.selectors import (
    entries_for_subject,
    log_verifiers,
    verify_entry,
)
from sideline.record.services import (
    RecordServiceError,
    anchor_logs,
    append_entry,
    checkpoint_log,
    rotate_key,
    witness_round,
)
from sideline.record.tree_reads import (
    inclusion_proof_for,
)

pytestmark = pytest.mark.usefixtures("minimal_registry")


def test_append_entry_indices_are_contiguous_from_zero() -> None:
    entries = [
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
        for i in range(5)
    ]

    assert [e.index for e in entries] == [0, 1, 2, 3, 4]
    assert Log.objects.get(organization__slug="nato").size == 5


def test_append_entry_stores_signed_leaf_and_its_hash() -> None:
    row = append_entry(
        organization="nato", kind="decision.approved", subject="meeting/12", payload={"a": 1}
    )

    entry = open_entry(
        bytes(row.leaf),
        verifiers=log_verifiers(row.log, purpose=KeyPurpose.ENTRY),
        organization="nato",
    )
    assert (entry.kind, entry.subject, entry.payload) == (
        "decision.approved",
        "meeting/12",
        {"a": 1},
    )
    assert bytes(row.leaf_hash) == hash_leaf(bytes(row.leaf))
    assert (row.kind, row.subject) == ("decision.approved", "meeting/12")


def test_append_entry_root_matches_recomputed_root() -> None:
    for i in range(37):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")

    log = Log.objects.get(organization__slug="nato")
    leaves = [bytes(h) for h in log.entries.order_by("index").values_list("leaf_hash", flat=True)]
    assert bytes(log.root_hash) == root_from_leaf_hashes(leaves)


def test_inclusion_proof_for_every_index_verifies() -> None:
    for i in range(13):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
    log = Log.objects.get(organization__slug="nato")

    results = [
        bool(
            verify_inclusion(
                e.index,
                size=13,
                leaf_hash=bytes(e.leaf_hash),
                proof=inclusion_proof_for(log, index=e.index, size=13),
                root=bytes(log.root_hash),
            )
        )
        for e in log.entries.all()
    ]
    assert results == [True] * 13


def test_append_entry_unknown_organization_is_refused() -> None:
    with pytest.raises(RecordServiceError) as caught:
        append_entry(organization="warsaw-pact", kind="meeting.created", subject="meeting/1")

    assert caught.value.code == "unknown_organization"
    assert caught.value.message == "no organization 'warsaw-pact' in the registry"


def test_append_entry_bad_kind_is_refused_and_nothing_written() -> None:
    with pytest.raises(EntryError) as caught:
        append_entry(organization="nato", kind="Meeting Created", subject="meeting/1")

    assert caught.value.code == "bad_kind"
    assert RecordEntry.objects.count() == 0


def test_append_entry_rolls_back_with_the_callers_transaction() -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")

    def change_that_fails() -> None:
        with transaction.atomic():
            append_entry(organization="nato", kind="meeting.created", subject="meeting/2")
            raise RuntimeError("the caller's change fails")

    with pytest.raises(RuntimeError):
        change_that_fails()

    log = Log.objects.get(organization__slug="nato")
    assert (log.size, list(log.entries.values_list("subject", flat=True))) == (1, ["meeting/1"])
    again = append_entry(organization="nato", kind="meeting.created", subject="meeting/3")
    assert again.index == 1


def _opened(row: RecordEntry) -> Entry:
    return open_entry(
        bytes(row.leaf),
        verifiers=log_verifiers(row.log, purpose=KeyPurpose.ENTRY),
        organization=row.log.slug,
    )


def test_append_entry_confidential_puts_only_kind_random_subject_and_hmac_on_the_log() -> None:
    row = append_entry(
        organization="nato",
        kind="minutes.recorded",
        subject="meeting/3",
        payload={"text": "secret words"},
        confidential=True,
    )

    outer = _opened(row)
    assert outer.kind == "confidential"
    assert re.fullmatch(r"confidential/[0-9a-f]{32}", outer.subject)
    assert list(outer.payload) == ["hmac_sha256"]
    assert re.fullmatch(r"[0-9a-f]{64}", outer.payload["hmac_sha256"])
    assert (row.kind, row.subject, row.payload_sha256) == ("confidential", outer.subject, "")
    for secret in (b"secret words", b"minutes.recorded", b"meeting/3"):
        assert secret not in bytes(row.leaf)


def test_append_entry_confidential_keeps_the_inner_entry_and_its_key_here() -> None:
    row = append_entry(
        organization="nato",
        kind="minutes.recorded",
        subject="meeting/3",
        payload={"text": "secret words"},
        confidential=True,
    )

    sealed = SealedEntry.objects.get(entry=row)
    inner = parse_entry_text(bytes(sealed.content).decode())
    outer = _opened(row)
    assert (inner.kind, inner.subject, inner.payload, inner.time) == (
        "minutes.recorded",
        "meeting/3",
        {"text": "secret words"},
        outer.time,
    )
    assert (sealed.kind, sealed.subject, len(bytes(sealed.key))) == (
        "minutes.recorded",
        "meeting/3",
        32,
    )
    assert seal(bytes(sealed.content), key=bytes(sealed.key)) == outer.payload["hmac_sha256"]


def test_append_entry_confidential_twice_the_same_links_nothing() -> None:
    rows = [
        append_entry(
            organization="nato",
            kind="minutes.recorded",
            subject="meeting/3",
            payload={"text": "same"},
            confidential=True,
        )
        for _ in range(2)
    ]

    outers = [_opened(row) for row in rows]
    assert outers[0].subject != outers[1].subject
    assert outers[0].payload != outers[1].payload
    assert len(bytes(rows[0].leaf)) == len(bytes(rows[1].leaf))


def test_entries_for_subject_returns_only_that_subject_in_order() -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/2")
    append_entry(organization="nato", kind="meeting.closed", subject="meeting/1")

    found = [(e.log.slug, e.index, e.kind) for e in entries_for_subject("meeting/1")]
    assert found == [
        ("csto", 0, "meeting.created"),
        ("nato", 0, "meeting.created"),
        ("nato", 2, "meeting.closed"),
    ]


def test_verify_entry_pending_before_an_accepted_checkpoint() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
    row = append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    checkpoint_log(organization="nato")

    check = verify_entry(row)

    assert (check.ok, check.code, check.checkpoint_size) == (False, "pending", None)


def test_verify_entry_of_appended_entry_holds_after_witnessing() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    rows = [
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
        for i in range(6)
    ]

    round_ = witness_round()
    checks = [verify_entry(row) for row in rows]

    assert sorted(round_.accepted) == ["csto", "nato"]
    assert [(c.ok, c.code, c.checkpoint_size) for c in checks] == [(True, "ok", 6)] * 6


def test_checkpoint_log_unchanged_size_returns_the_same_checkpoint() -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")

    first = checkpoint_log(organization="nato")
    second = checkpoint_log(organization="nato")

    assert (first.pk, first.size) == (second.pk, 1)


def test_rotate_key_old_entries_still_verify() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    old = append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    rotate_key(organization="nato", purpose=KeyPurpose.ENTRY)
    rotate_key(organization="nato", purpose=KeyPurpose.LOG)
    new = append_entry(organization="nato", kind="meeting.created", subject="meeting/2")
    witness_round()

    assert [verify_entry(row).code for row in (old, new)] == ["ok", "ok"]
    log = Log.objects.get(organization__slug="nato")
    assert log.keys.filter(purpose=KeyPurpose.ENTRY).count() == 2
    assert log.keys.filter(purpose=KeyPurpose.ENTRY, active=True).count() == 1


def test_anchor_logs_records_other_accepted_checkpoints_once() -> None:
    append_entry(organization="csto", kind="meeting.created", subject="meeting/0")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")
    witness_round()

    first = anchor_logs(organization="nato")
    second = anchor_logs(organization="nato")

    assert [(e.kind, e.subject) for e in first] == [("record.anchored", "log/csto")]
    assert second == []
    assert b'"size":1' in bytes(first[0].leaf)


def test_private_keys_are_encrypted_at_rest() -> None:
    append_entry(organization="nato", kind="meeting.created", subject="meeting/1")

    keys = Log.objects.get(organization__slug="nato").keys.all()
    pems = [bytes(k.private_key) for k in keys]

    # Three signing keys and the encryption key, all under the node passphrase.
    assert sorted(k.purpose for k in keys) == ["encryption", "entry", "log", "witness"]
    assert all(p.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") for p in pems)


def test_passphrase_file_is_generated_with_mode_0600(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(keystore.PASSPHRASE_ENV, raising=False)
    settings.DATA_DIR = tmp_path

    value = keystore.read_passphrase()

    path = tmp_path / "keys" / "passphrase"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_bytes() == value
    assert keystore.read_passphrase() == value


def test_decrypt_private_key_wrong_passphrase_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "one passphrase")
    pem = keystore.encrypt_private_key(Ed25519PrivateKey.generate())
    monkeypatch.setenv(keystore.PASSPHRASE_ENV, "another passphrase")

    with pytest.raises(keystore.KeystoreError) as caught:
        keystore.decrypt_private_key(pem)
    assert caught.value.code == "wrong_passphrase"

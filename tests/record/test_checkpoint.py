"""Tests of sideline.record.checkpoint (checkpoints, cosignatures, quorum)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sideline.record.checkpoint import (
    Checkpoint,
    Cosigner,
    count_cosignatures,
    generate_cosigner_key,
    open_checkpoint,
    parse_checkpoint_text,
    parse_cosigner_key,
)
from sideline.record.errors import CheckpointError, NoteError
from sideline.record.merkle import EMPTY_ROOT, hash_leaf
from sideline.record.note import (
    generate_signer_key,
    parse_signer_key,
    parse_verifier_key,
    sign_note,
)

ROOT = hash_leaf(b"x")
CP = Checkpoint(origin="sideline.example/nato/log", size=7, root_hash=ROOT)


def _witness(seed: int, name: str) -> Cosigner:
    return Cosigner(name, Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32))


def test_checkpoint_text_round_trips_with_extensions() -> None:
    checkpoint = Checkpoint("o", 12, ROOT, ("ext one", "ext two"))
    text = checkpoint.text()
    assert text == f"o\n12\n{base64.b64encode(ROOT).decode()}\next one\next two\n"
    assert parse_checkpoint_text(text) == checkpoint


ROOT_B64 = base64.b64encode(ROOT).decode()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"o\n1\n{ROOT_B64}", "a checkpoint ends with a newline"),
        ("o\n1\n", "a checkpoint has at least three lines"),
        (f"\n1\n{ROOT_B64}\n", "the origin line is empty"),
        (f"o\n01\n{ROOT_B64}\n", "the size '01' is not a decimal"),
        (f"o\n-1\n{ROOT_B64}\n", "the size '-1' is not a decimal"),
        (f"o\n1 \n{ROOT_B64}\n", "the size '1 ' is not a decimal"),
        ("o\n1\n!!!!\n", "the root hash is not base64"),
        ("o\n1\nAAAA\n", "the root hash is not 32 bytes"),
        (f"o\n1\n{ROOT_B64}\n\next\n", "extension lines must not be empty"),
    ],
)
def test_parse_checkpoint_text_rejects_malformed(text: str, message: str) -> None:
    with pytest.raises(CheckpointError) as info:
        parse_checkpoint_text(text)
    assert (info.value.code, info.value.message) == ("bad_checkpoint", message)


def test_open_checkpoint_verifies_log_signature() -> None:
    skey, vkey = generate_signer_key("sideline.example/nato/log")
    signed = sign_note(CP.text(), signers=[parse_signer_key(skey)])
    opened = open_checkpoint(signed, log_verifiers=[parse_verifier_key(vkey)])
    assert opened.checkpoint == CP
    assert opened.to_bytes() == signed


def test_cosignature_verifies_and_carries_timestamp() -> None:
    witness = _witness(1, "witness.example/w1")
    line = witness.cosign(CP, timestamp=1_700_000_000).line()
    signed = sign_note(CP.text(), signers=[parse_signer_key(generate_signer_key("log")[0])])
    result = count_cosignatures(signed.decode() + line, witnesses=[witness.verifier()], quorum=1)
    assert (result.met, result.valid, result.invalid) == (
        True,
        (f"witness.example/w1+{witness.key_id:08x}",),
        (),
    )
    assert list(result.timestamps.values()) == [1_700_000_000]


def test_count_cosignatures_counts_each_witness_once_and_flags_bad_ones() -> None:
    w1, w2, w3 = (_witness(i, f"w{i}") for i in (1, 2, 3))
    body = CP.text() + "\n"
    other = Checkpoint(CP.origin, CP.size, EMPTY_ROOT)
    lines = [
        w1.cosign(CP, timestamp=5).line(),
        w1.cosign(CP, timestamp=6).line(),  # a second line from w1 counts once
        w2.cosign(other, timestamp=5).line(),  # signs another root: invalid here
    ]
    result = count_cosignatures(
        body + "".join(lines), witnesses=[w.verifier() for w in (w1, w2, w3)], quorum=2
    )
    assert (result.met, len(result.valid), result.invalid) == (
        False,
        1,
        (f"w2+{w2.key_id:08x}",),
    )
    assert result.timestamps == {f"w1+{w1.key_id:08x}": 5}


def test_cosigner_rejects_zero_timestamp() -> None:
    with pytest.raises(CheckpointError) as info:
        _witness(1, "w").cosign(CP, timestamp=0)
    assert info.value.code == "bad_timestamp"


def test_cosigner_key_round_trips_as_type_04_vkey() -> None:
    cosigner, vkey = generate_cosigner_key("witness.example/w9")
    verifier = parse_cosigner_key(vkey)
    assert (verifier.name, verifier.key_id) == (cosigner.name, cosigner.key_id)
    with pytest.raises(NoteError) as info:
        parse_verifier_key(vkey)
    assert info.value.code == "unsupported_key_type"


def test_cosignature_key_id_differs_from_note_key_id_for_same_key() -> None:
    private = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)
    from sideline.record.note import Ed25519Signer

    assert Ed25519Signer("k", private).key_id != Cosigner("k", private).key_id

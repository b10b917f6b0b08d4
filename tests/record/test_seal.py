"""The seal of a confidential entry (pure core, no database)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from sideline.record.seal import (
    new_confidential_subject,
    new_seal_key,
    seal,
    seal_matches,
    sealed_commitment,
    sealed_payload,
)

INNER = b'sideline.entry/1\n{"kind":"minutes.drafted","payload":{"text":"x"}}\n'


def test_seal_is_hmac_sha256_of_the_inner_text_under_the_key() -> None:
    key = bytes(range(32))

    assert seal(INNER, key=key) == hmac.new(key, INNER, hashlib.sha256).hexdigest()


def test_seal_two_keys_two_commitments_for_one_content() -> None:
    assert seal(INNER, key=new_seal_key()) != seal(INNER, key=new_seal_key())


def test_seal_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="a seal key is 32 bytes, not 16"):
        seal(INNER, key=bytes(16))


@pytest.mark.parametrize(
    ("content", "key"),
    [(INNER + b"x", bytes(32)), (INNER, bytes(31) + b"\x01"), (INNER, bytes(16))],
)
def test_seal_matches_other_content_or_key_is_false(content: bytes, key: bytes) -> None:
    commitment = seal(INNER, key=bytes(32))

    assert seal_matches(content, key=key, commitment=commitment) is False


def test_new_confidential_subject_is_random_per_call() -> None:
    subjects = {new_confidential_subject() for _ in range(100)}

    assert len(subjects) == 100
    assert all(len(s) == len("confidential/") + 32 for s in subjects)


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("minutes.drafted", sealed_payload("a" * 64)),
        ("confidential", {"hmac_sha256": "A" * 64}),
        ("confidential", {"hmac_sha256": "a" * 63}),
        ("confidential", {"hmac_sha256": "a" * 64, "text": "x"}),
        ("confidential", {"sha256": "a" * 64}),
        ("confidential", ["a" * 64]),
    ],
)
def test_sealed_commitment_of_anything_but_a_sealed_entry_is_none(
    kind: str, payload: object
) -> None:
    assert sealed_commitment(kind, payload) is None


def test_sealed_commitment_reads_the_outer_payload() -> None:
    assert sealed_commitment("confidential", sealed_payload("0f" * 32)) == "0f" * 32

"""Tests of sideline.record.entry (signed record entries)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.record.entry import (
    MAX_LEAF_SIZE,
    build_entry,
    encode_entry_text,
    open_entry,
    parse_entry_text,
    sign_entry,
)
from sideline.record.errors import EntryError
from sideline.record.note import Ed25519Signer, parse_verifier_key

SIGNER = Ed25519Signer(
    "sideline.example/nato/entries", Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
)
OLD_SIGNER = Ed25519Signer(
    "sideline.example/nato/entries", Ed25519PrivateKey.from_private_bytes(b"\x02" * 32)
)
OTHER = Ed25519Signer(
    "sideline.example/csto/entries", Ed25519PrivateKey.from_private_bytes(b"\x03" * 32)
)
WHEN = datetime(2013, 9, 24, 9, 30, tzinfo=UTC)
ENTRY = build_entry(
    kind="meeting.created", organization="nato", time=WHEN, subject="meeting/1",
    payload={"title": "Встреча", "n": 2},
)  # fmt: skip


def test_encode_entry_text_is_header_and_canonical_json() -> None:
    assert encode_entry_text(ENTRY) == (
        "sideline.entry/1\n"
        '{"kind":"meeting.created","organization":"nato","payload":{"n":2,"title":"Встреча"},'
        '"subject":"meeting/1","time":"2013-09-24T09:30:00Z"}\n'
    )


def test_build_entry_converts_time_to_utc() -> None:
    entry = build_entry(
        kind="k",
        organization="nato",
        time=datetime(2013, 9, 24, 12, 30, 0, 5, tzinfo=timezone(timedelta(hours=3))),
        subject="s",
        payload_sha256="ab" * 32,
    )
    assert entry.to_json()["time"] == "2013-09-24T09:30:00.000005Z"
    assert parse_entry_text(encode_entry_text(entry)) == entry


def test_sign_entry_round_trips_with_rotated_keys() -> None:
    leaf = sign_entry(ENTRY, signer=OLD_SIGNER)
    keys = [SIGNER.verifier(), OLD_SIGNER.verifier()]
    assert open_entry(leaf, verifiers=keys, organization="nato") == ENTRY


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"kind": "Meeting"}, "bad_kind"),
        ({"kind": "a..b"}, "bad_kind"),
        ({"organization": "NATO"}, "bad_organization"),
        ({"organization": "-nato"}, "bad_organization"),
        ({"time": datetime(2013, 1, 1)}, "bad_time"),
        ({"subject": ""}, "bad_subject"),
        ({"subject": "a\nb"}, "bad_subject"),
        ({"subject": "x" * 257}, "bad_subject"),
        ({"payload": None}, "bad_payload"),
        ({"payload_sha256": "ab" * 32}, "bad_payload"),
        ({"payload": None, "payload_sha256": "AB" * 32}, "bad_payload"),
        ({"payload": {"x": float("nan")}}, "bad_payload"),
        ({"payload": {"x": 2**60}}, "bad_payload"),
    ],
)
def test_build_entry_rejects_bad_fields(kwargs: dict[str, Any], code: str) -> None:
    fields: dict[str, Any] = {
        "kind": "meeting.created",
        "organization": "nato",
        "time": WHEN,
        "subject": "meeting/1",
        "payload": {"a": 1},
    }
    fields.update(kwargs)
    with pytest.raises(EntryError) as info:
        build_entry(**fields)
    assert info.value.code == code


def test_sign_entry_rejects_entry_over_64_kib() -> None:
    big = build_entry(
        kind="k", organization="nato", time=WHEN, subject="s", payload={"x": "a" * 65400}
    )
    with pytest.raises(EntryError) as info:
        sign_entry(big, signer=SIGNER)
    assert info.value.code == "entry_too_large"
    assert info.value.message.startswith("the signed entry is 65643 bytes; the limit is 65535")


def test_sign_entry_accepts_entry_just_under_limit() -> None:
    size = 65400 - 65643 + MAX_LEAF_SIZE
    entry = build_entry(
        kind="k", organization="nato", time=WHEN, subject="s", payload={"x": "a" * size}
    )
    assert len(sign_entry(entry, signer=SIGNER)) == MAX_LEAF_SIZE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"kind":"k"}\n', "bad_entry"),
        ("sideline.entry/2\n{}\n", "bad_entry"),
        ("sideline.entry/1\nnot json\n", "bad_entry"),
        ("sideline.entry/1\n[]\n", "bad_entry"),
        ('sideline.entry/1\n{"kind":"k","organization":"nato","payload":1,"subject":"s",'
         '"time":"2013-09-24T09:30:00Z","x":1}\n', "bad_entry"),
        ('sideline.entry/1\n{"kind":"k","organization":"nato","payload":1,"subject":"s",'
         '"time":"2013-09-24 09:30:00Z"}\n', "bad_time"),
        ('sideline.entry/1\n{"kind":"k","organization":"nato","payload":1,"subject":"s",'
         '"time":"2013-09-24T09:30:00.5Z"}\n', "bad_time"),
        ('sideline.entry/1\n{"organization":"nato","kind":"k","payload":1,"subject":"s",'
         '"time":"2013-09-24T09:30:00Z"}\n', "not_canonical"),
        ('sideline.entry/1\n{"kind":"k","organization":"nato","payload":null,"subject":"s",'
         '"time":"2013-09-24T09:30:00Z"}\n', "bad_payload"),
    ],
)  # fmt: skip
def test_parse_entry_text_rejects_malformed(text: str, code: str) -> None:
    with pytest.raises(EntryError) as info:
        parse_entry_text(text)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("leaf", "verifiers", "organization", "code"),
    [
        (sign_entry(ENTRY, signer=SIGNER), [OTHER.verifier()], None, "unknown_key"),
        (sign_entry(ENTRY, signer=SIGNER), [SIGNER.verifier()], "csto", "wrong_organization"),
        (sign_entry(ENTRY, signer=SIGNER).replace(b'"nato"', b'"natp"'), [SIGNER.verifier()],
         None, "bad_entry_signature"),
        (b"garbage", [SIGNER.verifier()], None, "malformed_entry"),
        (b"x" * 65536, [SIGNER.verifier()], None, "entry_too_large"),
    ],
)  # fmt: skip
def test_open_entry_failure_codes(
    leaf: bytes, verifiers: list[Any], organization: str | None, code: str
) -> None:
    with pytest.raises(EntryError) as info:
        open_entry(leaf, verifiers=verifiers, organization=organization)
    assert info.value.code == code


def test_checkpoint_key_cannot_verify_entry_from_other_domain() -> None:
    # A log key with another name never matches an entry signature line.
    log_key = parse_verifier_key(
        Ed25519Signer("sideline.example/nato/log", SIGNER.private_key).verifier().vkey()
    )
    with pytest.raises(EntryError) as info:
        open_entry(sign_entry(ENTRY, signer=SIGNER), verifiers=[log_key])
    assert info.value.code == "unknown_key"


LEAF = sign_entry(ENTRY, signer=SIGNER)


@settings(max_examples=150, deadline=None)
@given(position=st.integers(min_value=0, max_value=len(LEAF) - 1), bit=st.integers(0, 7))
def test_open_entry_catches_any_flipped_bit(position: int, bit: int) -> None:
    data = bytearray(LEAF)
    data[position] ^= 1 << bit
    with pytest.raises(EntryError):
        open_entry(bytes(data), verifiers=[SIGNER.verifier()])

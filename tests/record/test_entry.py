"""Tests of sideline.record.entry (signed record entries)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.record.entry import (
    ENTRY_HEADER,
    MAX_LEAF_SIZE,
    _first_bad_entry,
    build_entry,
    encode_entry_text,
    format_time,
    open_entry,
    parse_entry_text,
    sign_entry,
)
from sideline.record.errors import EntryError
from sideline.record.note import Ed25519Signer, parse_verifier_key, sign_note

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


# Keys from a tiny alphabet straddling the BMP's end, so that sibling keys often
# sort differently by code point (json) and by UTF-16 unit (RFC 8785).
_KEYS = st.text(alphabet="a\u00e9\ue000\uffff\U0001f600", max_size=3)
_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**54), max_value=2**54)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None)
@given(payload=_JSON_VALUES.filter(lambda value: value is not None))
def test_parse_entry_text_accepts_exactly_the_rfc8785_encoding(payload: Any) -> None:
    # The fast canonical check must agree with the full RFC 8785 encoder: accept its
    # output, and refuse json's encodings of the same value wherever they differ.
    try:
        entry = build_entry(kind="k", organization="nato", time=WHEN, subject="s", payload=payload)
    except EntryError:
        return  # not representable in JCS (an integer beyond 2**53)
    canonical = encode_entry_text(entry)
    try:
        rfc8785.dumps(json.loads(canonical.split("\n")[1]))
    except rfc8785.CanonicalizationError:
        # A float such as 2.0**53 is written as an integer that JCS then refuses.
        with pytest.raises(EntryError) as refused:
            parse_entry_text(canonical)
        assert refused.value.code == "bad_payload"
        return
    assert parse_entry_text(canonical) == entry
    obj = entry.to_json()
    for ensure_ascii in (False, True):
        line = json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=ensure_ascii)
        text = f"{ENTRY_HEADER}\n{line}\n"
        if text == canonical:
            assert parse_entry_text(text) == entry
            continue
        with pytest.raises(EntryError) as info:
            parse_entry_text(text)
        assert info.value.code == "not_canonical"


@pytest.mark.parametrize(
    ("payload", "line"),
    [
        ({"b": 1, "\uffff": 3, "\U0001f600": 2}, '{"b":1,"\U0001f600":2,"\uffff":3}'),
        (1.5, "1.5"),
        (2**53 - 1, "9007199254740991"),
        ("tab\there \u2028", '"tab\\there \u2028"'),
        ({"n": -7, "a": [True, False, {}]}, '{"a":[true,false,{}],"n":-7}'),
    ],
)
def test_parse_entry_text_accepts_canonical_payloads(payload: Any, line: str) -> None:
    text = (
        f'{ENTRY_HEADER}\n{{"kind":"k","organization":"nato","payload":{line},'
        '"subject":"s","time":"2013-09-24T09:30:00Z"}\n'
    )
    entry = build_entry(kind="k", organization="nato", time=WHEN, subject="s", payload=payload)
    assert (encode_entry_text(entry), parse_entry_text(text)) == (text, entry)


@pytest.mark.parametrize(
    "line",
    [
        '{"\uffff":3,"\U0001f600":2}',  # code point order, not UTF-16 order
        "1.0",  # JCS writes 1
        "1e-07",  # JCS writes 1e-7
        "-0",  # JCS writes 0
        '"\\u0041"',  # JCS writes A
        '"\\u001F"',  # JCS writes \u001f
        "[1, 2]",
    ],
)
def test_parse_entry_text_rejects_non_canonical_payloads(line: str) -> None:
    text = (
        f'{ENTRY_HEADER}\n{{"kind":"k","organization":"nato","payload":{line},'
        '"subject":"s","time":"2013-09-24T09:30:00Z"}\n'
    )
    with pytest.raises(EntryError) as info:
        parse_entry_text(text)
    assert info.value.code == "not_canonical"


@pytest.mark.parametrize(
    ("time", "code"),
    [
        ("2013-09-24T09:30:00.000005Z", None),
        ("2013-09-24T09:30:00.123456Z", None),
        ("1000-01-01T00:00:00Z", None),
        ("2013-09-24T09:30:00.000000Z", "bad_time"),
        ("2013-09-24T09:30:00.50Z", "bad_time"),
        ("0999-12-31T23:59:59Z", "bad_time"),
        ("2013-02-29T00:00:00Z", "bad_time"),
    ],
)
def test_parse_entry_text_time_must_be_canonical(time: str, code: str | None) -> None:
    text = (
        f'{ENTRY_HEADER}\n{{"kind":"k","organization":"nato","payload":1,'
        f'"subject":"s","time":"{time}"}}\n'
    )
    if code is None:
        assert format_time(parse_entry_text(text).time) == time
        return
    with pytest.raises(EntryError) as info:
        parse_entry_text(text)
    assert info.value.code == code


def _variants() -> dict[str, bytes]:
    good = sign_entry(ENTRY, signer=SIGNER)
    other_org = build_entry(kind="k", organization="csto", time=WHEN, subject="s", payload=1)
    loose = (
        '{"subject":"s","kind":"k","organization":"nato","payload":1,"time":"2013-09-24T09:30:00Z"}'
    )
    return {
        "good": good,
        "old key": sign_entry(ENTRY, signer=OLD_SIGNER),
        "bad signature": good.replace(b'"nato"', b'"natp"'),
        "unknown key": sign_entry(ENTRY, signer=OTHER),
        "malformed note": b"garbage",
        "too large": b"x" * 65536,
        "other organization": sign_entry(other_org, signer=SIGNER),
        "not canonical": sign_note(f"{ENTRY_HEADER}\n{loose}\n", signers=[SIGNER]),
        "bad time": good.replace(b"09:30:00Z", b"09:30:00.0Z"),
    }


VARIANTS = _variants()


@settings(max_examples=200, deadline=None)
@given(names=st.lists(st.sampled_from(sorted(VARIANTS)), max_size=12))
def test_first_bad_entry_is_the_first_open_entry_failure(names: list[str]) -> None:
    leaves = [VARIANTS[name] for name in names]
    verifiers = [SIGNER.verifier(), OLD_SIGNER.verifier()]
    expected = None
    for index, leaf in enumerate(leaves):
        try:
            open_entry(leaf, verifiers=verifiers, organization="nato")
        except EntryError as exc:
            expected = (index, exc.code, exc.message)
            break
    found = _first_bad_entry(leaves, verifiers=verifiers, organization="nato")
    assert (found and (found[0], found[1].code, found[1].message)) == expected

"""Canonical JSON: our fast encoder writes exactly what RFC 8785 writes, and nothing else parses."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.federation.canonical import canonical_bytes, decode_canonical
from sideline.federation.errors import OpError

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789/-.", min_size=1, max_size=12)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
SCALARS = st.none() | st.booleans() | st.integers(-(10**15) + 1, 10**15 - 1) | TEXT
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=80)
@given(VALUES)
def test_fast_encoder_equals_rfc8785(value: object) -> None:
    assert canonical_bytes(value) == rfc8785.dumps(value)


@settings(max_examples=40)
@given(VALUES)
def test_decode_round_trips_canonical_bytes(value: object) -> None:
    assert decode_canonical(canonical_bytes(value)) == value


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'{"b":1,"a":2}', "not_canonical"),
        (b'{"a": 1}', "not_canonical"),
        (b'{"a":1,"a":1}', "not_canonical"),
        (b'\xef\xbb\xbf{"a":1}', "not_json"),
        (b'{"a":1.5}', "not_integer"),
        (b'{"a":NaN}', "not_integer"),
        (b'{"a":1234567890123456}', "bad_value"),
        (b'{"a":"\\u00e9"}', "not_canonical"),
        (b'{"a":"\\ud800"}', "not_canonical"),
        (b"\xff", "not_json"),
        (b"{", "not_json"),
    ],
)
def test_non_canonical_bytes_are_refused(data: bytes, code: str) -> None:
    with pytest.raises(OpError) as caught:
        decode_canonical(data)

    assert caught.value.code == code


def test_lone_surrogate_cannot_be_encoded() -> None:
    with pytest.raises(OpError) as caught:
        canonical_bytes({"a": "\ud800"})

    assert caught.value.code == "bad_text"

"""Canonical JSON of operations and of the shared state, and their SHA-256.

Operations and the state are RFC 8785 (JCS) JSON. Both are restricted so that Python's
``json`` with sorted keys, no spaces and ``ensure_ascii=False`` writes exactly what
RFC 8785 writes, which is some twenty times faster than the ``rfc8785`` package: every
object key is ASCII (keys are field names, organization slugs and object identifiers),
numbers are integers of at most 15 digits (below 2**53, written the same by both), and
strings hold no lone surrogates. Both encoders then escape exactly ``"``, ``\\`` and
U+0000..U+001F, the same way. ``tests/federation/test_canonical.py`` checks the
equality against ``rfc8785`` on generated values.

>>> canonical_bytes({"b": [1, "é"], "a": None})
b'{"a":null,"b":[1,"\\xc3\\xa9"]}'
>>> decode_canonical(b'{"a":1}')
{'a': 1}
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sideline.federation.errors import OpError

__all__ = ["MAX_INT_DIGITS", "canonical_bytes", "decode_canonical", "sha256_hex"]

MAX_INT_DIGITS = 15

_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
)


def _refuse_float(text: str) -> Any:
    raise OpError("not_integer", f"number {text} is not an integer: operations use integers only")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise OpError("bad_value", f"integer {text} has more than {MAX_INT_DIGITS} digits")
    return int(text)


_DECODER = json.JSONDecoder(
    parse_float=_refuse_float, parse_int=_parse_int, parse_constant=_refuse_float
)


def canonical_bytes(value: Any) -> bytes:
    """Return the canonical JSON of ``value`` as UTF-8.

    Raises:
        OpError: ``bad_text`` when a string holds a lone surrogate.
    """
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OpError("bad_text", "a string holds a lone surrogate") from exc


def decode_canonical(data: bytes) -> Any:
    """Parse ``data`` and check that it is the canonical encoding of what it holds.

    Raises:
        OpError: ``not_json``, ``not_integer``, ``bad_value`` or ``not_canonical``.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OpError("not_json", f"the operation is not UTF-8: {exc.reason}") from exc
    try:
        value = _DECODER.decode(text)
    except ValueError as exc:
        raise OpError("not_json", f"the operation is not JSON: {exc}") from exc
    try:
        encoded = canonical_bytes(value)
    except (OpError, TypeError, ValueError):
        encoded = b""
    # One operation, one byte string, one hash: anything but the canonical form is refused.
    if encoded != data:
        raise OpError(
            "not_canonical",
            "the operation is not canonical JSON (RFC 8785: sorted keys, no spaces, no duplicate keys)",
        )
    return value


def sha256_hex(data: bytes) -> str:
    """Return the lowercase hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()

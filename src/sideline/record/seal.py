"""Sealed entries: what the public log holds for a confidential change.

A confidential change is first written as an ordinary entry (the *inner* entry, with
its real kind, subject and payload), which never leaves the node's database. The log
gets an *outer* entry that says only that the organization made a confidential change
at that time::

    {"kind":"confidential","organization":"nato",
     "payload":{"hmac_sha256":"<64 hex>"},"subject":"confidential/<32 hex>","time":"…"}

``hmac_sha256`` is HMAC-SHA-256 of the inner entry's note text under a random 32-byte
key drawn for this entry alone and kept with the inner text on the node. Whoever holds
both (the participants' nodes) can recompute it and so prove that the stored content is
what was signed; whoever holds only the log cannot confirm a guess of the content, as
without the key every guess is as likely as any other. The subject is random per entry,
so that entries cannot be linked to each other or to a meeting.

>>> key = bytes(32)  # a real key comes from new_seal_key()
>>> inner = b'sideline.entry/1\\n{"kind":"minutes.drafted"}\\n'
>>> commitment = seal(inner, key=key)
>>> len(commitment), seal_matches(inner, key=key, commitment=commitment)
(64, True)
>>> seal_matches(inner + b" ", key=key, commitment=commitment)
False
>>> sealed_commitment(CONFIDENTIAL_KIND, {"hmac_sha256": commitment}) == commitment
True
>>> new_confidential_subject().startswith("confidential/")
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

__all__ = [
    "CONFIDENTIAL_KIND",
    "SEAL_KEY_SIZE",
    "new_confidential_subject",
    "new_seal_key",
    "seal",
    "seal_matches",
    "sealed_commitment",
    "sealed_payload",
]

CONFIDENTIAL_KIND = "confidential"
SEAL_KEY_SIZE = 32
_SUBJECT_PREFIX = "confidential/"
_HEX64 = re.compile(r"[0-9a-f]{64}")


def new_seal_key() -> bytes:
    """Return a fresh random key for one sealed entry."""
    return secrets.token_bytes(SEAL_KEY_SIZE)


def new_confidential_subject() -> str:
    """Return an opaque subject, random per entry: ``confidential/<32 hex>``."""
    return _SUBJECT_PREFIX + secrets.token_hex(16)


def seal(inner_text: bytes, *, key: bytes) -> str:
    """Return the commitment to ``inner_text``: hex HMAC-SHA-256 under ``key``.

    Raises:
        ValueError: the key is not :data:`SEAL_KEY_SIZE` bytes.
    """
    if len(key) != SEAL_KEY_SIZE:
        raise ValueError(f"a seal key is {SEAL_KEY_SIZE} bytes, not {len(key)}")
    return hmac.new(key, inner_text, hashlib.sha256).hexdigest()


def seal_matches(inner_text: bytes, *, key: bytes, commitment: str) -> bool:
    """Return whether ``commitment`` is the seal of ``inner_text`` under ``key``.

    Compared in constant time.
    """
    if len(key) != SEAL_KEY_SIZE:
        return False
    return hmac.compare_digest(seal(inner_text, key=key), commitment)


def sealed_payload(commitment: str) -> dict[str, str]:
    """Return the outer entry's payload for ``commitment``."""
    return {"hmac_sha256": commitment}


def sealed_commitment(kind: str, payload: Any) -> str | None:
    """Return the commitment an outer entry carries, or None if it is not a sealed entry."""
    if (
        kind != CONFIDENTIAL_KIND
        or not isinstance(payload, dict)
        or set(payload) != {"hmac_sha256"}
    ):
        return None
    value = payload["hmac_sha256"]
    return value if isinstance(value, str) and _HEX64.fullmatch(value) else None

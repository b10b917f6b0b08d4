"""The published form of an organization's X25519 encryption key: a JSON Web Key.

An encryption key is published as an RFC 7517 JWK of key type ``OKP``, curve ``X25519``
(RFC 8037), with ``use: enc`` and, as its key ID ``kid``, its RFC 7638 thumbprint: the
base64url SHA-256 of ``{"crv":"X25519","kty":"OKP","x":"…"}``. The key ID is thus a
function of the key, computable by anyone, and names the key a ciphertext was made for.

>>> jwk = encryption_jwk(bytes(range(32)))
>>> jwk["kty"], jwk["crv"], jwk["use"], jwk["x"]
('OKP', 'X25519', 'enc', 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8')
>>> parse_encryption_jwk(jwk) == bytes(range(32))
True
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping

from sideline.record.errors import RecordError

__all__ = ["EncryptionKeyError", "encryption_jwk", "jwk_thumbprint", "parse_encryption_jwk"]

KEY_SIZE = 32


class EncryptionKeyError(RecordError):
    """A published encryption key is not an X25519 JWK, or its key ID does not match."""


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwk_thumbprint(*, crv: str, x: str) -> str:
    """Return the RFC 7638 thumbprint of an OKP key, base64url without padding.

    >>> jwk_thumbprint(crv="Ed25519", x="11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
    'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
    """
    # RFC 7638 §3: the required members only, sorted, no whitespace.
    members = json.dumps({"crv": crv, "kty": "OKP", "x": x}, sort_keys=True, separators=(",", ":"))
    return _b64url(hashlib.sha256(members.encode()).digest())


def encryption_jwk(public_key: bytes) -> dict[str, str]:
    """Return the JWK of a raw 32-byte X25519 public key, with its thumbprint as ``kid``.

    Raises:
        EncryptionKeyError: ``bad_encryption_key`` when the key is not 32 bytes.
    """
    if len(public_key) != KEY_SIZE:
        raise EncryptionKeyError(
            "bad_encryption_key", f"an X25519 public key is {KEY_SIZE} bytes, not {len(public_key)}"
        )
    x = _b64url(public_key)
    return {
        "kty": "OKP",
        "crv": "X25519",
        "use": "enc",
        "kid": jwk_thumbprint(crv="X25519", x=x),
        "x": x,
    }


def parse_encryption_jwk(jwk: Mapping[str, object]) -> bytes:
    """Return the raw public key of a published X25519 JWK after checking it.

    Raises:
        EncryptionKeyError: ``bad_encryption_key`` (not an X25519 OKP key of 32 bytes)
            or ``kid_mismatch`` (the key ID is not the key's thumbprint).
    """
    x = jwk.get("x")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "X25519" or not isinstance(x, str):
        raise EncryptionKeyError(
            "bad_encryption_key", "an encryption key must be a JWK with kty OKP and crv X25519"
        )
    try:
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
    except ValueError:
        raw = b""
    if len(raw) != KEY_SIZE or _b64url(raw) != x:
        raise EncryptionKeyError(
            "bad_encryption_key", f"x must be {KEY_SIZE} bytes in unpadded base64url"
        )
    if jwk.get("kid") != jwk_thumbprint(crv="X25519", x=x):
        raise EncryptionKeyError("kid_mismatch", "kid is not the RFC 7638 thumbprint of the key")
    return raw

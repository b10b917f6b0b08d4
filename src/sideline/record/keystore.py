"""Private keys of the record, encrypted at rest.

Each key is an Ed25519 signing key or an X25519 encryption key, serialised as PKCS #8 PEM with
``BestAvailableEncryption`` under one node passphrase, read from
``SIDELINE_KEY_PASSPHRASE`` or, when that is unset, from ``keys/passphrase`` in the
data directory (generated on first use, mode 0600). Private keys are never printed,
logged or served; only their verifier-key strings are public.

Decrypted keys are cached per process: decryption runs a deliberately slow key
derivation, and an append must not pay it every time.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from threading import Lock

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    load_pem_private_key,
)
from django.conf import settings

from sideline.errors import ServiceError

__all__ = [
    "PASSPHRASE_ENV",
    "KeystoreError",
    "decrypt_encryption_key",
    "decrypt_private_key",
    "encrypt_private_key",
    "passphrase_file",
    "read_passphrase",
]

PASSPHRASE_ENV = "SIDELINE_KEY_PASSPHRASE"

_cache: dict[bytes, Ed25519PrivateKey | X25519PrivateKey] = {}
_lock = Lock()


class KeystoreError(ServiceError):
    """The passphrase is missing or wrong, or a stored key is not of the kind expected."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def passphrase_file() -> Path:
    """Return the path of the generated passphrase file in the data directory."""
    return Path(settings.DATA_DIR) / "keys" / "passphrase"


def read_passphrase() -> bytes:
    """Return the node passphrase, generating the passphrase file if needed."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given:
        return given.encode()
    path = passphrase_file()
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32).encode()
    # O_EXCL: two processes starting at once must not write two passphrases.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value)
        handle.flush()
        os.fsync(handle.fileno())
    return value


def encrypt_private_key(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    """Return ``key`` as encrypted PKCS #8 PEM under the node passphrase."""
    return key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(read_passphrase())
    )


def _load(pem: bytes) -> Ed25519PrivateKey | X25519PrivateKey | None:
    pem = bytes(pem)
    with _lock:
        cached = _cache.get(pem)
    if cached is not None:
        return cached
    try:
        key = load_pem_private_key(pem, password=read_passphrase())
    except (ValueError, TypeError) as exc:
        raise KeystoreError(
            "wrong_passphrase",
            f"cannot decrypt a record key; set {PASSPHRASE_ENV} to the passphrase the keys "
            f"were made with (or restore {passphrase_file()})",
        ) from exc
    if not isinstance(key, Ed25519PrivateKey | X25519PrivateKey):
        return None
    with _lock:
        _cache[pem] = key
    return key


def decrypt_private_key(pem: bytes) -> Ed25519PrivateKey:
    """Return the signing key stored as ``pem``; cached per process.

    Raises:
        KeystoreError: ``wrong_passphrase`` or ``not_ed25519``.
    """
    key = _load(pem)
    if not isinstance(key, Ed25519PrivateKey):
        raise KeystoreError("not_ed25519", "a stored record key is not an Ed25519 key")
    return key


def decrypt_encryption_key(pem: bytes) -> X25519PrivateKey:
    """Return the encryption key stored as ``pem``; cached per process.

    Raises:
        KeystoreError: ``wrong_passphrase`` or ``not_x25519``.
    """
    key = _load(pem)
    if not isinstance(key, X25519PrivateKey):
        raise KeystoreError("not_x25519", "a stored encryption key is not an X25519 key")
    return key

"""The encryption keys ops are sealed to and opened with: this node's hosted organizations'
own, and those approved for peers' organizations."""

from __future__ import annotations

import json
from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from sideline import node
from sideline.federation.sealing import Opener
from sideline.record.jwk import EncryptionKeyError, parse_encryption_jwk
from sideline.record.models import KeyPurpose, LogKey, Replica

__all__ = ["encryption_directory", "node_opener", "waiting_encryption_keys"]

_OPENERS: dict[tuple[tuple[str, str], ...], Opener] = {}


def _hosted_encryption_keys() -> dict[str, list[tuple[str, bytes]]]:
    """Each hosted organization's encryption keys, newest first (the active one leads)."""
    hosted = node.hosted_organizations()
    keys: dict[str, list[tuple[str, bytes]]] = {}
    rows = LogKey.objects.filter(
        purpose=KeyPurpose.ENCRYPTION, log__organization__slug__in=hosted
    ).order_by("-active", "-id")
    for slug, vkey, private in rows.values_list("log__organization__slug", "vkey", "private_key"):
        keys.setdefault(slug, []).append((vkey, bytes(private)))
    return keys


def node_opener() -> Opener:
    """Return an opener with the encryption keys of the organizations this node hosts:
    the active one of each, and those rotated out, which still open what was sealed to them.

    Kept per process and per set of keys: the opener remembers the content keys it
    found, so each envelope's slots are tried once.
    """
    from sideline.record import keystore

    keys = _hosted_encryption_keys()
    marker = tuple(sorted((slug, vkey) for slug, found in keys.items() for vkey, _ in found))
    opener = _OPENERS.get(marker)
    if opener is None:
        decrypt = keystore.decrypt_encryption_key
        opener = _OPENERS[marker] = Opener(
            {slug: decrypt(found[0][1]) for slug, found in keys.items()},
            retired={slug: [decrypt(pem) for _, pem in found[1:]] for slug, found in keys.items()},
        )
    return opener


def _public_key(jwk: str) -> X25519PublicKey | None:
    try:
        return X25519PublicKey.from_public_bytes(parse_encryption_jwk(json.loads(jwk)))
    except (EncryptionKeyError, ValueError, TypeError, AttributeError):
        return None


def encryption_directory() -> dict[str, X25519PublicKey]:
    """Return the encryption key to seal to for every organization this node knows.

    The key of a log this node keeps comes first; otherwise the newest key approved here
    for a peer's trusted replica of the organization's log (pinned on the first sync or
    approved by the operator). A key that waits for approval (``pending_keys``) is never
    used: a hostile peer could publish its own key to read the meeting.
    """
    directory: dict[str, X25519PublicKey] = {}
    rows = LogKey.objects.filter(purpose=KeyPurpose.ENCRYPTION, active=True).order_by("-id")
    for slug, vkey in rows.values_list("log__organization__slug", "vkey"):
        if slug in directory:
            continue
        key = _public_key(vkey)
        if key is not None:
            directory[slug] = key
    replicas = Replica.objects.filter(trusted=True, refused="").order_by("-updated", "-id")
    for slug, approved in replicas.values_list("organization", "encryption_keys"):
        if slug in directory:
            continue
        # Approved keys are never removed (sync._pin_keys): the last one approved is the newest.
        for jwk in reversed(approved if isinstance(approved, list) else []):
            key = _public_key(jwk) if isinstance(jwk, str) else None
            if key is not None:
                directory[slug] = key
                break
    return directory


def waiting_encryption_keys(organizations: Iterable[str]) -> set[str]:
    """Return the organizations among ``organizations`` whose encryption key waits for approval."""
    waiting = set()
    for slug, pending in Replica.objects.filter(organization__in=list(organizations)).values_list(
        "organization", "pending_keys"
    ):
        if isinstance(pending, dict) and pending.get("encryption_keys"):
            waiting.add(slug)
    return waiting

"""Sealed operations: a whole op encrypted to the participants of a confidential meeting.

For a meeting that is not public, the whole op (its kind, object, args and content) travels
inside an op of kind ``sealed`` whose public fields say no more than "a confidential
change by this organization": the actor, its log's ``prev`` and ``after``, an opaque
random identifier, and the ciphertext::

    {"schema": "sideline.op/1", "kind": "sealed", "actor": "nato", "prev": …, "after": […],
     "object": "nato/<32 random hex>",
     "args": {"suite": "hpke-x25519-sha256-chacha20poly1305",
              "slots": ["<base64url, 80 bytes>", …], "payload": "<base64url>"}}

Encryption is HPKE (RFC 9180, base mode) through ``cryptography``, with a content key:

* a fresh random 32-byte content key encrypts the plaintext once with ChaCha20-Poly1305
  (a zero nonce is safe: the key is never used again);
* each recipient's slot is the content key sealed with HPKE to that organization's X25519
  encryption key. Slots carry no name: a node tries its keys on each slot. They are
  padded with random slots to 4, 8, 16 or 32, and the plaintext with zero bytes to a
  multiple of 512 bytes, so that neither the number of participants nor the length of
  the text shows;
* HPKE's ``info`` and the payload's associated data bind both to the actor and the
  envelope's identifier: a slot or payload copied into another envelope does not open.

The plaintext is canonical JSON, ``{"schema": "sideline.sealed/1", "meeting": …,
"recipients": [sorted slugs], "op": <the inner op>}``. The reducer checks it on every
node that can open it (:mod:`sideline.federation.reducer`).

>>> keys = {org: generate_encryption_key() for org in ("nato", "csto", "sco")}
>>> inner = build_op(kind="agenda.set", actor="nato", role="delegate", prev=None, after=(),
...     object_id="nato/p-1", args={}, clear={"items": ["Liaison"]})
>>> sealed = seal_op(inner, meeting="nato/p-1",
...     recipients={org: keys[org].public_key() for org in ("nato", "csto")})
>>> sealed.envelope.kind, len(sealed.envelope.args["slots"])
('sealed', 4)
>>> Opener({"csto": keys["csto"]}).open(sealed.envelope).op == inner
True
>>> Opener({"sco": keys["sco"]}).open(sealed.envelope) is None
True
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hpke import AEAD, KDF, KEM, Suite

from sideline.federation.canonical import canonical_bytes, decode_canonical
from sideline.federation.errors import OpError
from sideline.federation.kinds import (
    MAX_PARTICIPANTS,
    MAX_SEALED_PLAINTEXT,
    OBJECT_ID,
    SLOT_BYTES,
    SLUG,
    SUITE,
)
from sideline.federation.ops import Op, build_op, encode_op, parse_op
from sideline.federation.schema import AnyObj, Enum, List, Obj, decode_base64, encode_base64

__all__ = [
    "ENVELOPE_SCHEMA",
    "PAD_BYTES",
    "SLOT_COUNTS",
    "Opened",
    "Opener",
    "Sealed",
    "ciphertext_sha256",
    "generate_encryption_key",
    "seal_op",
    "seal_plaintext",
]

ENVELOPE_SCHEMA = "sideline.sealed/1"
PAD_BYTES = 512
SLOT_COUNTS = (4, 8, 16, 32)
_HPKE = Suite(KEM.X25519, KDF.HKDF_SHA256, AEAD.CHACHA20_POLY1305)
_NONCE = bytes(12)
_PLAINTEXT = Obj(
    required={
        "schema": Enum((ENVELOPE_SCHEMA,)),
        "meeting": OBJECT_ID,
        "recipients": List(SLUG, MAX_PARTICIPANTS, min_items=1, sorted_unique=True),
        "op": AnyObj(),
    }
)
assert SLOT_COUNTS[-1] >= MAX_PARTICIPANTS


def generate_encryption_key() -> X25519PrivateKey:
    """Return a new X25519 key pair: an organization's encryption key."""
    return X25519PrivateKey.generate()


def _context(actor: str, object_id: str, part: bytes) -> bytes:
    # Slugs and identifiers hold no newline: the three fields cannot be confused.
    return b"sideline.sealed/1\n" + part + b"\n" + f"{actor}\n{object_id}".encode()


@dataclass(frozen=True)
class Sealed:
    """An envelope op and its content key (kept by the sealing node, for reshares)."""

    envelope: Op
    key: bytes


def seal_op(
    inner: Op,
    *,
    meeting: str,
    recipients: Mapping[str, X25519PublicKey],
    object_id: str | None = None,
) -> Sealed:
    """Encrypt ``inner`` to ``recipients``, as an op of kind ``sealed`` in its place.

    The envelope takes the inner op's actor, ``prev`` and ``after``: it stands in the
    actor's log where the inner op would.

    Args:
        meeting: the confidential meeting the inner op belongs to.
        recipients: each participant's X25519 public key, by organization slug.
        object_id: the envelope's identifier; a fresh random one by default.

    Raises:
        OpError: ``envelope_too_large`` when the plaintext exceeds the limit,
            ``list_too_long`` or ``list_too_short`` for other than 1 to 32 recipients.
    """
    if not recipients or len(recipients) > MAX_PARTICIPANTS:
        raise OpError(
            "list_too_long" if recipients else "list_too_short",
            f"recipients: give 1 to {MAX_PARTICIPANTS} organizations",
            field="recipients",
        )
    plaintext = canonical_bytes(
        {
            "schema": ENVELOPE_SCHEMA,
            "meeting": meeting,
            "recipients": sorted(recipients),
            "op": decode_canonical(encode_op(inner)),
        }
    )
    return seal_plaintext(
        plaintext,
        actor=inner.actor,
        prev=inner.prev,
        after=inner.after,
        recipients=[recipients[org] for org in sorted(recipients)],
        object_id=object_id,
    )


def seal_plaintext(
    plaintext: bytes,
    *,
    actor: str,
    prev: str | None,
    after: Iterable[str],
    recipients: Iterable[X25519PublicKey],
    object_id: str | None = None,
) -> Sealed:
    """Encrypt ``plaintext`` as ``actor``'s envelope: what :func:`seal_op` does once it
    has written the plaintext (and what a test uses to seal a hostile one).

    Raises:
        OpError: ``envelope_too_large``.
    """
    if len(plaintext) > MAX_SEALED_PLAINTEXT:
        raise OpError(
            "envelope_too_large",
            f"the sealed op is {len(plaintext)} bytes; the limit is {MAX_SEALED_PLAINTEXT}: "
            "carry long content beside the log, by hash",
        )
    padded = plaintext + bytes(-len(plaintext) % PAD_BYTES)
    object_id = object_id or f"{actor}/{secrets.token_hex(16)}"
    key = ChaCha20Poly1305.generate_key()
    payload = ChaCha20Poly1305(key).encrypt(_NONCE, padded, _context(actor, object_id, b"payload"))
    info = _context(actor, object_id, b"key")
    slots = [_HPKE.encrypt(key, public, info=info) for public in recipients]
    count = next((n for n in SLOT_COUNTS if n >= len(slots)), len(slots))
    # Random slots are indistinguishable from real ones: an X25519 public key and an
    # AEAD ciphertext both look uniformly random.
    slots += [secrets.token_bytes(SLOT_BYTES) for _ in range(count - len(slots))]
    secrets.SystemRandom().shuffle(slots)
    envelope = build_op(
        kind="sealed",
        actor=actor,
        role=None,
        prev=prev,
        after=after,
        object_id=object_id,
        args={
            "suite": SUITE,
            "slots": [encode_base64(slot) for slot in slots],
            "payload": encode_base64(payload),
        },
    )
    return Sealed(envelope, key)


def ciphertext_sha256(envelope: Op) -> str:
    """Return the SHA-256 of an envelope's payload (its ciphertext), in hex."""
    payload = decode_base64(envelope.args["payload"])
    assert payload is not None  # parse_op checked the encoding
    return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class Opened:
    """What a node read in an envelope it could open.

    Either ``op`` (the inner op, with the ``meeting`` and ``recipients`` it was sealed
    for) or ``code`` and ``message``: the envelope opened but its content is bad.
    """

    key: bytes
    meeting: str = ""
    recipients: tuple[str, ...] = ()
    op: Op | None = None
    code: str = ""
    message: str = ""


class Opener:
    """The encryption keys of the organizations one node hosts, and the content keys it knows.

    It remembers the content key of each envelope it opened through a slot (or sealed
    itself) but never the plaintext: that is decrypted again each time, and only what the
    reducer keeps for the node's own meetings stays. The memo is not dropped when an
    envelope turns out to be wrongly sealed to the node: whether it is can change as more
    ops arrive (its meeting's creation, a reshare), and a key dropped too early would make
    the node miss an op it must apply. What a node stores is the reduction, never this memo.
    """

    def __init__(
        self,
        keys: Mapping[str, X25519PrivateKey],
        *,
        retired: Mapping[str, Iterable[X25519PrivateKey]] | None = None,
    ) -> None:
        self.keys = dict(keys)
        # Keys rotated out: tried too, since envelopes sealed before the rotation name
        # no key and were sealed to them.
        self._tried = [*self.keys.values(), *(k for ks in (retired or {}).values() for k in ks)]
        self._content_keys: dict[str, bytes | None] = {}  # envelope hash -> key, or no slot

    @property
    def organizations(self) -> frozenset[str]:
        return frozenset(self.keys)

    def remember(self, envelope: str, key: bytes) -> None:
        """Keep the content key of an envelope this node sealed."""
        self._content_keys[envelope] = key

    def content_key(self, envelope: Op) -> bytes | None:
        """Return the content key of ``envelope`` from one of this node's slots, if any."""
        if envelope.hash in self._content_keys:
            return self._content_keys[envelope.hash]
        info = _context(envelope.actor, envelope.object_id, b"key")
        found: bytes | None = None
        for text in envelope.args["slots"]:
            slot = decode_base64(text)
            for private in self._tried:
                try:
                    found = _HPKE.decrypt(slot or b"", private, info=info)
                except InvalidTag:
                    continue
                break
            if found is not None:
                break
        self._content_keys[envelope.hash] = found
        return found

    def open(self, envelope: Op, *, shared: Iterable[bytes] = ()) -> Opened | None:
        """Open ``envelope`` with this node's keys, else with content keys shared with it.

        Returns ``None`` when nothing opens it: it is not for this node. A content key that
        came from this node's own slot and does not open the payload means the payload was
        tampered with (``envelope_tampered``); a shared key that does not open it proves
        nothing about the envelope and is ignored.
        """
        key = self.content_key(envelope)
        candidates = [key] if key is not None else list(shared)
        payload = decode_base64(envelope.args["payload"]) or b""
        aad = _context(envelope.actor, envelope.object_id, b"payload")
        for candidate in candidates:
            try:
                padded = ChaCha20Poly1305(candidate).decrypt(_NONCE, payload, aad)
            except (InvalidTag, ValueError):
                continue
            return _read(candidate, padded)
        if key is not None:
            return Opened(
                key,
                code="envelope_tampered",
                message="the payload does not open with the content key of this node's slot",
            )
        return None


def _read(key: bytes, padded: bytes) -> Opened:
    plaintext = padded.rstrip(b"\0")
    try:
        wrapper = decode_canonical(plaintext)
        _PLAINTEXT.check(wrapper, "")
        inner = parse_op(canonical_bytes(wrapper["op"]))
    except OpError as error:
        # The code and field only: the message may quote what the node will not keep.
        where = error.field or "the op"
        return Opened(
            key,
            code="bad_sealed_op",
            message=f"the sealed op is malformed: {error.code} at {where}",
        )
    if inner.kind == "sealed":
        return Opened(key, code="bad_sealed_op", message="a sealed op holds no sealed op")
    return Opened(key, wrapper["meeting"], tuple(wrapper["recipients"]), inner)

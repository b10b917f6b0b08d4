"""C2SP checkpoints (c2sp.org/tlog-checkpoint) and Ed25519 cosignatures.

A checkpoint is the text of a signed note: the origin line, the tree size in
decimal, the base64 root hash, then optional extension lines. A cosignature
(c2sp.org/tlog-cosignature, ``cosignature/v1``, signature type 0x04) is a note
signature over ``cosignature/v1\\ntime <t>\\n`` + the checkpoint text, carrying the
8-byte big-endian timestamp before the 64-byte Ed25519 signature.

>>> from sideline.record.merkle import EMPTY_ROOT
>>> cp = Checkpoint(origin="example.com/log", size=0, root_hash=EMPTY_ROOT)
>>> print(cp.text(), end="")
example.com/log
0
47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
>>> parse_checkpoint_text(cp.text()) == cp
True
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sideline.record.errors import CheckpointError, NoteError
from sideline.record.merkle import HASH_SIZE
from sideline.record.note import (
    OpenedNote,
    Signature,
    Verifier,
    compute_key_id,
    decode_verifier_key,
    encode_verifier_key,
    open_note,
    parse_note,
    validate_key_name,
)

__all__ = [
    "ALG_COSIGNATURE_V1",
    "Checkpoint",
    "CosignatureV1Verifier",
    "Cosigner",
    "QuorumResult",
    "SignedCheckpoint",
    "cosignature_timestamp",
    "count_cosignatures",
    "generate_cosigner_key",
    "open_checkpoint",
    "parse_checkpoint_text",
    "parse_cosigner_key",
]

ALG_COSIGNATURE_V1 = 0x04
_MAX_TIMESTAMP = 2**63 - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Checkpoint:
    """A log's signed statement of its size and root hash."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """Return the checkpoint as note text (each line ends with a newline)."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "".join(line + "\n" for line in (*lines, *self.extensions))


def parse_checkpoint_text(text: str) -> Checkpoint:
    """Parse a checkpoint note text (the part before the signatures).

    Raises:
        CheckpointError: ``bad_checkpoint`` naming the bad line.
    """
    if not text.endswith("\n"):
        raise CheckpointError("bad_checkpoint", "a checkpoint ends with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("bad_checkpoint", "a checkpoint has at least three lines")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise CheckpointError("bad_checkpoint", "the origin line is empty")
    if not _DECIMAL.fullmatch(size_text):
        raise CheckpointError("bad_checkpoint", f"the size {size_text!r} is not a decimal")
    try:
        root_hash = base64.b64decode(root_text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise CheckpointError("bad_checkpoint", "the root hash is not base64") from exc
    if len(root_hash) != HASH_SIZE:
        raise CheckpointError("bad_checkpoint", f"the root hash is not {HASH_SIZE} bytes")
    if any(not line for line in extensions):
        raise CheckpointError("bad_checkpoint", "extension lines must not be empty")
    return Checkpoint(origin, int(size_text), root_hash, tuple(extensions))


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint with the note it came in (all signature lines kept)."""

    checkpoint: Checkpoint
    note: OpenedNote

    def to_bytes(self) -> bytes:
        """Return the signed note bytes with every signature line."""
        lines = "".join(s.line() for s in self.note.signatures)
        return (self.note.text + "\n" + lines).encode()


def open_checkpoint(data: bytes | str, *, log_verifiers: Iterable[Verifier]) -> SignedCheckpoint:
    """Parse a signed checkpoint and verify the log's signature.

    Raises:
        NoteError: a code of :func:`sideline.record.note.open_note`.
        CheckpointError: ``bad_checkpoint``.
    """
    note = open_note(data, verifiers=log_verifiers)
    return SignedCheckpoint(parse_checkpoint_text(note.text), note)


def _cosigned_message(text: bytes, timestamp: int) -> bytes:
    return b"cosignature/v1\ntime %d\n" % timestamp + text


class CosignatureV1Verifier:
    """Verify ``cosignature/v1`` Ed25519 cosignatures (signature type 0x04).

    :meth:`verify` follows the :class:`~sideline.record.note.Verifier` protocol, so
    :func:`~sideline.record.note.open_note` accepts it next to log keys.
    """

    def __init__(self, name: str, public_key: bytes) -> None:
        validate_key_name(name)
        if len(public_key) != 32:
            raise NoteError("bad_verifier_key", "an Ed25519 public key is 32 bytes")
        self.name = name
        self.public_key = public_key
        self.key_id = compute_key_id(name, ALG_COSIGNATURE_V1, public_key)
        self._key = Ed25519PublicKey.from_public_bytes(public_key)

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Return whether a timestamped cosignature is valid over checkpoint ``text``."""
        if len(signature) != 72:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > _MAX_TIMESTAMP:
            return False
        try:
            self._key.verify(signature[8:], _cosigned_message(text, timestamp))
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        """Return the verifier key string (type 0x04)."""
        return encode_verifier_key(self.name, ALG_COSIGNATURE_V1, self.public_key)


class Cosigner:
    """Produce ``cosignature/v1`` cosignatures with an Ed25519 private key.

    The key must be used for nothing else (C2SP: distinct cosigners need distinct keys).
    """

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        validate_key_name(name)
        self.name = name
        self.private_key = private_key
        self.public_key = private_key.public_key().public_bytes_raw()
        self.key_id = compute_key_id(name, ALG_COSIGNATURE_V1, self.public_key)

    def cosign(self, checkpoint: Checkpoint, *, timestamp: int) -> Signature:
        """Return the cosignature of ``checkpoint`` at POSIX time ``timestamp``.

        Raises:
            CheckpointError: ``bad_timestamp`` when not in ``[1, 2**63 - 1]``.
        """
        # tlog-witness forbids a zero timestamp in an add-checkpoint response.
        if not 0 < timestamp <= _MAX_TIMESTAMP:
            raise CheckpointError("bad_timestamp", f"timestamp {timestamp} is out of range")
        message = _cosigned_message(checkpoint.text().encode(), timestamp)
        blob = timestamp.to_bytes(8, "big") + self.private_key.sign(message)
        return Signature(self.name, self.key_id, blob)

    def verifier(self) -> CosignatureV1Verifier:
        """Return the matching verifier."""
        return CosignatureV1Verifier(self.name, self.public_key)


def parse_cosigner_key(vkey: str) -> CosignatureV1Verifier:
    """Parse a cosigner verifier key string of signature type 0x04.

    Raises:
        NoteError: ``bad_verifier_key``, ``bad_key_name``, ``unsupported_key_type``,
            ``key_id_mismatch``.
    """
    name, key_id, alg, material = decode_verifier_key(vkey)
    if alg != ALG_COSIGNATURE_V1:
        raise NoteError("unsupported_key_type", f"type 0x{alg:02x} is not cosignature/v1")
    verifier = CosignatureV1Verifier(name, material)
    if verifier.key_id != key_id:
        raise NoteError("key_id_mismatch", f"the key ID {key_id:08x} does not match {name!r}")
    return verifier


def generate_cosigner_key(name: str) -> tuple[Cosigner, str]:
    """Generate a fresh cosigner; return it and its verifier key string."""
    cosigner = Cosigner(name, Ed25519PrivateKey.generate())
    return cosigner, cosigner.verifier().vkey()


def cosignature_timestamp(signature: Signature) -> int:
    """Return the timestamp carried by a ``cosignature/v1`` signature."""
    return int.from_bytes(signature.signature[:8], "big")


@dataclass(frozen=True)
class QuorumResult:
    """Which witnesses validly cosigned a checkpoint, and whether a quorum did.

    ``valid`` and ``invalid`` hold ``name+keyidhex`` of witness keys; a witness
    counts once however many lines it has. ``timestamps`` maps each valid witness to
    its cosignature time. ``owners`` are the distinct owners (organizations) of the
    valid keys, which is what the quorum counts: one organization's old and new key
    after a rotation count once.
    """

    met: bool
    quorum: int
    valid: tuple[str, ...]
    invalid: tuple[str, ...]
    timestamps: dict[str, int]
    owners: tuple[str, ...] = ()


def count_cosignatures(
    data: bytes | str,
    *,
    witnesses: Sequence[Verifier],
    quorum: int,
    owners: Mapping[str, str] | None = None,
) -> QuorumResult:
    """Count the valid cosignatures of a signed checkpoint against witness keys.

    Signature lines from other keys (the log's own, unknown witnesses) are ignored;
    a known witness whose line fails is listed in ``invalid`` and not counted.

    Args:
        data: the signed checkpoint with its cosignature lines.
        witnesses: the trusted witness keys.
        quorum: how many distinct owners of witness keys must have cosigned.
        owners: the owner of each witness key, by ``name+keyidhex``; a key not in
            it (or every key, when it is ``None``) is its own owner.

    Raises:
        NoteError: the note is malformed (codes of :func:`parse_note`).
    """
    note = parse_note(data)
    body = note.text.encode()
    known = {(w.name, w.key_id): w for w in witnesses}
    valid: dict[str, int] = {}
    invalid: list[str] = []
    for sig in note.signatures:
        witness = known.get((sig.name, sig.key_id))
        if witness is None:
            continue
        key = f"{witness.name}+{witness.key_id:08x}"
        if witness.verify(body, sig.signature):
            valid.setdefault(key, cosignature_timestamp(sig))
        elif key not in invalid:
            invalid.append(key)
    counted = tuple(dict.fromkeys((owners or {}).get(key, key) for key in valid))
    return QuorumResult(
        met=len(counted) >= quorum,
        quorum=quorum,
        valid=tuple(valid),
        invalid=tuple(invalid),
        timestamps=valid,
        owners=counted,
    )

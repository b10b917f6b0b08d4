"""Offline proofs of what the logs say about one object: build, parse, check (pure Python).

A proof file (``sideline.proof/1``, docs/proofs.md) is a JSON object naming the object
(``nato/d-1f…``, a decision's global id) and holding one C2SP ``tlog-proof@v1`` per op
entry about it. Each tlog-proof carries, in its ``extra`` line, the entry itself (the
signed leaf), so that every proof stands alone: the leaf is hashed, the inclusion proof
folded to the root of the checkpoint it carries, the checkpoint's log signature and
cosignatures checked against a C2SP ``tlog-policy``.

Nothing here imports Django; the statements in words are made by the caller from
:class:`ProofFacts` (the CLI through the translation catalogue, the browser page with its
own strings).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sideline.record.checkpoint import (
    count_cosignatures,
    open_checkpoint,
)
from sideline.record.errors import ProofError, RecordError
from sideline.record.merkle import HASH_SIZE, hash_leaf, verify_inclusion
from sideline.record.policy import Policy

__all__ = [
    "FORMAT",
    "MAX_PROOFS",
    "MAX_PROOF_BYTES",
    "TLOG_PROOF_HEADER",
    "ProofFacts",
    "ProvedOp",
    "TlogProof",
    "build_bundle",
    "check_bundle",
    "format_tlog_proof",
    "parse_tlog_proof",
]

FORMAT = "sideline.proof/1"
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
# A decision with every participant answering a few times fits in well under 1 MiB
# (an entry is at most 65,535 bytes, a proof a few hundred bytes more).
MAX_PROOF_BYTES = 8 * 1024 * 1024
MAX_PROOFS = 1000
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")
_OP_SCHEMA = "sideline.op/1"
_OP_KIND_PREFIX = "op."


# -- one tlog-proof -------------------------------------------------------------------


@dataclass(frozen=True)
class TlogProof:
    """A C2SP ``tlog-proof@v1``: index, inclusion path, checkpoint note, extra data."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes = b""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def format_tlog_proof(proof: TlogProof) -> str:
    """Return the proof in the C2SP text form."""
    lines = [TLOG_PROOF_HEADER]
    if proof.extra:
        lines.append(f"extra {_b64(proof.extra)}")
    lines.append(f"index {proof.index}")
    lines.extend(_b64(h) for h in proof.hashes)
    return "\n".join(lines) + "\n\n" + proof.checkpoint.decode("utf-8")


def _unb64(text: str, *, what: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ProofError("bad_tlog_proof", f"{what} is not base64") from None


def parse_tlog_proof(text: str, *, where: str = "the proof") -> TlogProof:
    """Parse a C2SP ``tlog-proof@v1``.

    Raises:
        ProofError: ``unsupported_version`` or ``bad_tlog_proof``, naming ``where``.
    """
    head, sep, checkpoint = text.partition("\n\n")
    if not sep or not checkpoint:
        raise ProofError("bad_tlog_proof", f"{where} has no checkpoint after a blank line")
    lines = head.split("\n")
    if lines[0] != TLOG_PROOF_HEADER:
        raise ProofError(
            "unsupported_version",
            f"{where} starts with {lines[0][:60]!r}, not {TLOG_PROOF_HEADER!r}",
        )
    rest = lines[1:]
    extra = b""
    if rest and rest[0].startswith("extra "):
        extra = _unb64(rest[0][len("extra ") :], what=f"the extra line of {where}")
        rest = rest[1:]
    if not rest or not rest[0].startswith("index "):
        raise ProofError("bad_tlog_proof", f"{where} has no index line")
    index_text = rest[0][len("index ") :]
    if not _DECIMAL.fullmatch(index_text):
        raise ProofError(
            "bad_tlog_proof", f"the index {index_text[:30]!r} of {where} is not a decimal"
        )
    hashes = []
    for n, line in enumerate(rest[1:], start=1):
        value = _unb64(line, what=f"hash {n} of {where}")
        if len(value) != HASH_SIZE:
            raise ProofError("bad_tlog_proof", f"hash {n} of {where} is not {HASH_SIZE} bytes")
        hashes.append(value)
    return TlogProof(int(index_text), tuple(hashes), checkpoint.encode("utf-8"), extra)


# -- the bundle ---------------------------------------------------------------------


def build_bundle(object_id: str, proofs: Sequence[TlogProof]) -> bytes:
    """Return the proof file of ``object_id``: one tlog-proof per entry, leaf in ``extra``."""
    document = {
        "format": FORMAT,
        "object": object_id,
        "proofs": [format_tlog_proof(p) for p in proofs],
    }
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


# -- checking -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProvedOp:
    """One op the proof shows in its actor's log, with where and when."""

    origin: str
    index: int
    organization: str
    time: str
    kind: str
    args: Mapping[str, Any]
    clear: Mapping[str, Any] | None


@dataclass(frozen=True)
class ProofFacts:
    """What a proof file proves: the object, its ops in order, the witnesses of each log."""

    object: str
    ops: tuple[ProvedOp, ...]
    witnesses: Mapping[str, tuple[str, ...]]  # origin -> policy names of its cosigners

    @property
    def title(self) -> str | None:
        """The title its creator gave it, from the first op that carries one."""
        for op in self.ops:
            if op.clear and isinstance(op.clear.get("title"), str):
                return str(op.clear["title"])
        return None

    @property
    def organizations(self) -> tuple[str, ...]:
        """The organizations whose logs hold its ops, in order of first op."""
        return tuple(dict.fromkeys(op.organization for op in self.ops))


def _load(data: bytes) -> tuple[str, list[str]]:
    if len(data) > MAX_PROOF_BYTES:
        raise ProofError(
            "proof_too_large", f"the file is larger than {MAX_PROOF_BYTES} bytes, the limit"
        )
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProofError("bad_proof_file", "the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        raise ProofError(
            "bad_proof_file",
            f"the file is not complete JSON (truncated or altered?): {error.msg} at "
            f"line {error.lineno} column {error.colno}",
        ) from None
    except RecursionError:
        raise ProofError("bad_proof_file", "the file's JSON is nested too deeply") from None
    if not isinstance(document, dict):
        raise ProofError("bad_proof_file", "the file is not a JSON object")
    if document.get("format") != FORMAT:
        raise ProofError(
            "unsupported_version",
            f"the format is {str(document.get('format'))[:60]!r}; this checker reads {FORMAT!r}",
        )
    object_id, proofs = document.get("object"), document.get("proofs")
    if not isinstance(object_id, str) or not object_id:
        raise ProofError("bad_proof_file", "the field object is missing or not a string")
    if not isinstance(proofs, list) or not proofs or not all(isinstance(p, str) for p in proofs):
        raise ProofError("bad_proof_file", "the field proofs is not a non-empty list of texts")
    if len(proofs) > MAX_PROOFS:
        raise ProofError("proof_too_large", f"the file holds more than {MAX_PROOFS} proofs")
    return object_id, proofs


def _check_checkpoint(
    checkpoint: bytes, policy: Policy, *, where: str
) -> tuple[str, int, bytes, tuple[str, ...]]:
    """Return origin, size, root and cosigning witnesses' names of a checkpoint the policy trusts."""
    first_line = checkpoint.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    verifiers = policy.logs.get(first_line)
    if not verifiers:
        raise ProofError(
            "unknown_log",
            f"the checkpoint of {where} is from the log {first_line[:200]!r}, "
            "which the policy does not list",
        )
    try:
        signed = open_checkpoint(checkpoint, log_verifiers=verifiers)
    except RecordError as error:
        if error.code == "no_verified_signature":
            raise ProofError(
                "unknown_key",
                f"the checkpoint of {where} is not signed by a key the policy lists for "
                f"{first_line[:200]!r}",
            ) from None
        raise ProofError(
            "bad_checkpoint", f"the checkpoint of {where} does not verify ({error.message})"
        ) from None
    names = {(w.name, w.key_id): policy_name for policy_name, w in policy.witnesses.items()}
    counted = count_cosignatures(checkpoint, witnesses=list(policy.witnesses.values()), quorum=0)
    if counted.invalid:
        raise ProofError(
            "bad_cosignature",
            f"the checkpoint of {where} has a cosignature by {counted.invalid[0]} that does "
            "not verify (altered checkpoint or cosignature)",
        )
    cosigned = []
    for key in counted.valid:
        key_name, key_id = key.rsplit("+", 1)
        cosigned.append(names[(key_name, int(key_id, 16))])
    if not policy.satisfied(set(cosigned)):
        raise ProofError(
            "quorum_not_met",
            f"the checkpoint of {where} is cosigned by {', '.join(cosigned) or 'no witness'} "
            f"of the policy, below its quorum ({policy.describe_quorum()})",
        )
    c = signed.checkpoint
    return c.origin, c.size, c.root_hash, tuple(cosigned)


def _entry_op(leaf: bytes, *, origin: str, where: str) -> tuple[str, str, dict[str, Any]]:
    """Return the entry's organization, time and op (its payload), with the checks that concern us."""
    try:
        text = leaf.decode("utf-8")
    except UnicodeDecodeError:
        raise ProofError("bad_entry", f"the entry of {where} is not UTF-8") from None
    body = text.split("\n\n", 1)[0]
    header, _, line = body.partition("\n")
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        entry = None
    if header != "sideline.entry/1" or not isinstance(entry, dict):
        raise ProofError("bad_entry", f"the entry of {where} is not a sideline.entry/1 entry")
    organization, kind, payload = entry.get("organization"), entry.get("kind"), entry.get("payload")
    if (
        not isinstance(kind, str)
        or not kind.startswith(_OP_KIND_PREFIX)
        or not isinstance(payload, dict)
    ):
        raise ProofError("bad_entry", f"the entry of {where} is not an operation")
    if not isinstance(organization, str) or not origin.endswith(f"/record/{organization}"):
        raise ProofError(
            "wrong_log",
            f"the entry of {where} is {organization!r}'s, but it is in the log {origin!r}",
        )
    if payload.get("schema") != _OP_SCHEMA:
        raise ProofError("unsupported_version", f"the operation of {where} is not {_OP_SCHEMA!r}")
    if payload.get("actor") != organization or f"op.{payload.get('kind')}" != kind:
        raise ProofError(
            "bad_entry", f"the operation of {where} does not match its entry (actor or kind)"
        )
    return organization, str(entry.get("time", "")), payload


def check_bundle(data: bytes, policy: Policy, *, expect: str | None = None) -> ProofFacts:
    """Check a proof file offline against ``policy``; return what it proves.

    Every proof must hold: the checkpoint signed by a log key of the policy for its
    origin, cosigned to the policy's quorum, the leaf included at its index, the leaf an
    op of the log's organization about the file's object (and ``expect``, when given).

    Raises:
        ProofError: the first thing that does not hold, named.
    """
    object_id, texts = _load(data)
    if expect is not None and object_id != expect:
        raise ProofError(
            "wrong_object", f"the file proves {object_id[:200]!r}, not {expect[:200]!r} as asked"
        )
    ops: list[ProvedOp] = []
    witnesses: dict[str, tuple[str, ...]] = {}
    seen: set[tuple[str, int]] = set()
    checked: dict[bytes, tuple[str, int, bytes, tuple[str, ...]]] = {}
    for number, text in enumerate(texts, start=1):
        where = f"proof {number}"
        proof = parse_tlog_proof(text, where=where)
        if not proof.extra:
            raise ProofError("bad_tlog_proof", f"{where} carries no entry in its extra line")
        # The proofs of one log usually share a checkpoint: its signatures are checked once.
        if proof.checkpoint not in checked:
            checked[proof.checkpoint] = _check_checkpoint(proof.checkpoint, policy, where=where)
        origin, size, root, cosigned = checked[proof.checkpoint]
        result = verify_inclusion(
            proof.index, size=size, leaf_hash=hash_leaf(proof.extra), proof=proof.hashes, root=root
        )
        if not result:
            raise ProofError(
                "not_included",
                f"the entry of {where} is not included at index {proof.index} of {origin} "
                f"(size {size}): {result.message} — the entry or the proof was altered",
            )
        if (origin, proof.index) in seen:
            raise ProofError("duplicate_proof", f"{where} repeats entry {proof.index} of {origin}")
        seen.add((origin, proof.index))
        organization, time, op = _entry_op(proof.extra, origin=origin, where=where)
        if op.get("object") != object_id:
            raise ProofError(
                "wrong_object",
                f"the operation of {where} is about {str(op.get('object'))[:200]!r}, "
                f"not {object_id[:200]!r}",
            )
        content = op.get("content")
        clear = content.get("clear") if isinstance(content, dict) else None
        args = op.get("args")
        ops.append(
            ProvedOp(
                origin=origin,
                index=proof.index,
                organization=organization,
                time=time,
                kind=str(op.get("kind")),
                args=args if isinstance(args, dict) else {},
                clear=clear if isinstance(clear, dict) else None,
            )
        )
        witnesses[origin] = tuple(dict.fromkeys((*witnesses.get(origin, ()), *cosigned)))
    ops.sort(key=lambda op: (op.time, op.origin, op.index))
    return ProofFacts(object=object_id, ops=tuple(ops), witnesses=witnesses)

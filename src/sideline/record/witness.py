"""The pure logic of a C2SP tlog-witness ``add-checkpoint`` call.

Storage is the caller's: it parses the request (:func:`parse_add_checkpoint_request`)
to learn the origin, loads the stored state for that origin, calls
:func:`process_add_checkpoint`, and on status 200 stores ``new_state`` with a
compare-and-swap against the state it loaded (tlog-witness requires the check and
the update to be atomic) before sending the body.

Status codes follow c2sp.org/tlog-witness: 400 malformed or old size above the
checkpoint size; 403 no valid log signature; 404 unknown origin; 409 old size is not
the stored size (body: the stored size and a newline, content type
``text/x.tlog.size``); 422 bad proof, non-empty proof from size 0, empty-tree root
rule, or same size with another root; 200 with the cosignature lines.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sideline.record.checkpoint import Checkpoint, Cosigner, parse_checkpoint_text
from sideline.record.errors import CheckpointError, NoteError, WitnessRequestError
from sideline.record.merkle import EMPTY_ROOT, verify_consistency
from sideline.record.note import Verifier, open_note, parse_note

__all__ = [
    "AddCheckpointRequest",
    "WitnessResponse",
    "WitnessState",
    "parse_add_checkpoint_request",
    "process_add_checkpoint",
]

MAX_PROOF_LINES = 63
_OLD = re.compile(r"old (0|[1-9][0-9]*)")


@dataclass(frozen=True)
class WitnessState:
    """The latest checkpoint a witness cosigned for one origin."""

    size: int
    root_hash: bytes


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A parsed ``add-checkpoint`` body (the checkpoint's signatures not yet checked)."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint_note: bytes
    checkpoint: Checkpoint


@dataclass(frozen=True)
class WitnessResponse:
    """What to answer: HTTP status, body, content type, reason code, state to store."""

    status: int
    code: str
    body: bytes
    content_type: str = "text/plain; charset=utf-8"
    new_state: WitnessState | None = None


def parse_add_checkpoint_request(body: bytes) -> AddCheckpointRequest:
    """Parse an ``add-checkpoint`` request body.

    Raises:
        WitnessRequestError: ``bad_request`` (answer 400) naming what is wrong.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WitnessRequestError("bad_request", "the body is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise WitnessRequestError("bad_request", "the body has no blank line before the note")
    lines = head.split("\n")
    match = _OLD.fullmatch(lines[0])
    if match is None:
        raise WitnessRequestError("bad_request", "the first line must be 'old <size>'")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessRequestError("bad_request", f"more than {MAX_PROOF_LINES} proof lines")
    proof = []
    for line in lines[1:]:
        try:
            proof.append(base64.b64decode(line.encode("ascii"), validate=True))
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise WitnessRequestError("bad_request", "a proof line is not base64") from exc
    try:
        checkpoint = parse_checkpoint_text(parse_note(note).text)
    except (NoteError, CheckpointError) as exc:
        raise WitnessRequestError("bad_request", f"bad checkpoint: {exc.message}") from exc
    return AddCheckpointRequest(int(match[1]), tuple(proof), note.encode(), checkpoint)


def _reply(status: int, code: str, message: str) -> WitnessResponse:
    return WitnessResponse(status, code, (message + "\n").encode())


def process_add_checkpoint(
    request: AddCheckpointRequest,
    *,
    log_keys: Mapping[str, Sequence[Verifier]],
    stored: WitnessState | None,
    cosigners: Sequence[Cosigner],
    timestamp: int,
) -> WitnessResponse:
    """Decide an ``add-checkpoint`` request; cosign on success.

    Args:
        request: the parsed body.
        log_keys: trusted log keys by origin.
        stored: the latest state cosigned for the request's origin, or ``None``.
        cosigners: the witness's keys; each adds one cosignature line.
        timestamp: the POSIX time to put in the cosignatures (not zero).

    Returns:
        The response; ``new_state`` is set exactly when the status is 200.
    """
    checkpoint = request.checkpoint
    keys = log_keys.get(checkpoint.origin)
    if not keys:
        return _reply(404, "unknown_log", f"unknown log origin {checkpoint.origin!r}")
    try:
        open_note(request.checkpoint_note, verifiers=keys)
    except NoteError as exc:
        return _reply(403, exc.code, exc.message)
    if request.old_size > checkpoint.size:
        return _reply(400, "old_size_too_large", "old size is above the checkpoint size")
    stored_size = stored.size if stored else 0
    if request.old_size != stored_size:
        return WitnessResponse(
            409, "stale_old_size", f"{stored_size}\n".encode(), content_type="text/x.tlog.size"
        )
    if checkpoint.size == 0 and checkpoint.root_hash != EMPTY_ROOT:
        return _reply(422, "bad_empty_root", "a checkpoint of size 0 has the empty-tree root")
    stored_root = stored.root_hash if stored else EMPTY_ROOT
    if request.old_size == 0 and request.proof:
        return _reply(422, "proof_not_empty", "the proof from old size 0 must be empty")
    if request.old_size == checkpoint.size and stored_root != checkpoint.root_hash:
        return _reply(422, "root_mismatch", "same size as the stored checkpoint, other root")
    result = verify_consistency(
        request.old_size,
        checkpoint.size,
        old_root=stored_root,
        new_root=checkpoint.root_hash,
        proof=request.proof,
    )
    if not result:
        return _reply(422, "invalid_proof", f"the consistency proof fails: {result.code}")
    lines = "".join(c.cosign(checkpoint, timestamp=timestamp).line() for c in cosigners)
    return WitnessResponse(
        200, "ok", lines.encode(), new_state=WitnessState(checkpoint.size, checkpoint.root_hash)
    )

"""Rules of sealed ops: the envelope everyone sees, and the op inside it.

Every node judges the envelope by what it shows (:func:`accept_envelope`); the same
verdict everywhere, so the public state is the same on every node. A node that can open
the envelope then judges the inner op (:func:`unwrap`, :func:`check_addressing`, then the
kind's own rule) against its *confidential* state, which holds only confidential
meetings: nodes that read the same envelopes reach the same verdicts and state.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from sideline.federation.kinds import AEAD_TAG_BYTES
from sideline.federation.ops import Op
from sideline.federation.ordering import Placed
from sideline.federation.rules import Rejected, get_commitment, get_decision, get_meeting
from sideline.federation.rules_concerns import get_concern
from sideline.federation.schema import decode_base64
from sideline.federation.sealing import PAD_BYTES, SLOT_COUNTS, Opened, Opener, ciphertext_sha256
from sideline.federation.state import SharedState

__all__ = [
    "accept_envelope",
    "check_addressing",
    "meeting_of",
    "open_envelopes",
    "recipients_for",
    "unwrap",
]

_OPAQUE = re.compile(r"[0-9a-f]{32}")
_MEETING_KINDS = ("meeting.", "agenda.", "delegation.", "document.", "minutes.")


def accept_envelope(state: SharedState, placed: Placed) -> None:
    """The public rule of a sealed op: an opaque identifier and padded sizes."""
    op = placed.op
    if not _OPAQUE.fullmatch(op.object_id.split("/", 1)[1]):
        raise Rejected(
            "envelope_id_not_opaque",
            "a sealed op's identifier is <actor>/<32 random hex digits>: "
            "a chosen name could say what it is about",
        )
    payload = decode_base64(op.args["payload"]) or b""
    if len(op.args["slots"]) not in SLOT_COUNTS or (len(payload) - AEAD_TAG_BYTES) % PAD_BYTES:
        raise Rejected(
            "envelope_not_padded",
            f"pad the slots to {', '.join(map(str, SLOT_COUNTS))} and the plaintext to a "
            f"multiple of {PAD_BYTES} bytes: the sizes would tell about the meeting",
        )
    # A ciphertext copied into another envelope is not refused here: whichever copy
    # came first in the order would win, and a copier could then suppress the original
    # by naming less in `after`. The copy opens for nobody (the ciphertext is bound to
    # its actor and identifier); readers of the original name it (`replayed_envelope`).
    state.sealed[op.hash] = (op.actor, ciphertext_sha256(op))


def open_envelopes(ordered: Iterable[Placed], opener: Opener | None) -> dict[str, Opened]:
    """Open every envelope the node can read, with its keys and the keys reshared to it.

    Repeats until nothing more opens: a reshare read in one pass opens older envelopes
    in the next. A shared key is used whether or not the reshare is later applied: what a
    participant disclosed is read; the rules still decide what it changes.
    """
    if opener is None:
        return {}
    envelopes = [p.op for p in ordered if p.op.kind == "sealed"]
    opened: dict[str, Opened] = {}
    shared: dict[str, list[bytes]] = defaultdict(list)
    progress = True
    while progress:
        progress = False
        for envelope in envelopes:
            if envelope.hash in opened:
                continue
            result = opener.open(envelope, shared=shared.get(envelope.hash, ()))
            if result is None:
                continue
            opened[envelope.hash] = result
            progress = True
            if result.op is not None and result.op.kind == "meeting.reshare":
                for item in result.op.args["keys"]:
                    shared[item["envelope"]].append(decode_base64(item["key"]) or b"")
    return opened


def unwrap(envelope: Placed, opened: Opened) -> Placed:
    """Return the inner op in its envelope's place, named by the envelope's hash.

    The inner op must be the envelope's own actor's and stand where the envelope stands
    (same ``prev`` and ``after``): a sealed op cannot be moved into another envelope.
    """
    if opened.op is None:
        raise Rejected(opened.code, opened.message)
    inner, outer = opened.op, envelope.op
    if inner.actor != outer.actor:
        raise Rejected(
            "sealed_actor_mismatch",
            f"the sealed op claims to be by {inner.actor} in an envelope of {outer.actor}: "
            "an organization seals only its own ops",
        )
    if inner.prev != outer.prev or inner.after != outer.after:
        raise Rejected(
            "sealed_position_mismatch",
            "the sealed op names another place in the log than its envelope: "
            "a sealed op is never moved into another envelope",
        )
    # The state names the ops that made it by the hashes every node knows.
    return replace(envelope, op=replace(inner, hash=outer.hash, size=outer.size))


def meeting_of(state: SharedState, op: Op) -> str:
    """Return the confidential meeting ``op`` belongs to (refusing unknown objects); for a
    concern's op, the concern."""
    kind = op.kind
    if kind.startswith(_MEETING_KINDS):
        return op.object_id
    if kind == "decision.propose":
        return str(op.args["meeting"])
    if kind.startswith("decision."):
        return get_decision(state, op.object_id).meeting
    if kind == "commitment.make":
        return get_decision(state, op.args["decision"]).meeting
    if kind.startswith("commitment."):
        return get_decision(state, get_commitment(state, op.object_id).decision).meeting
    if kind.startswith("concern."):
        # A confidential concern is sealed as a meeting of the organizations concerned:
        # the envelope's "meeting" names the concern.
        return op.object_id
    raise Rejected("op_must_be_clear", f"{kind} is public: it travels in clear")


def recipients_for(state: SharedState, op: Op, meeting_id: str) -> set[str]:
    """Return the organizations an op of ``meeting_id`` is sealed to: its participants
    as they are with this op (a new participant reads the op that adds it)."""
    if op.kind == "meeting.create":
        cohost = op.args["cohost"]
        return {op.actor, *([cohost] if cohost else []), *op.args["participants"]}
    if op.kind == "concern.raise":
        return {op.actor, *op.args["concerned"]}
    if op.kind.startswith("concern."):
        return set(get_concern(state, meeting_id).concerned)
    meeting = get_meeting(state, meeting_id)
    if op.kind == "meeting.add_participant":
        return meeting.participants | {op.args["organization"]}
    return set(meeting.participants)


def check_addressing(state: SharedState, op: Op, opened: Opened) -> str:
    """Check that the envelope is for the inner op's meeting and sealed to exactly its
    participants; return the meeting.

    A participant left out could not read the op and its state would drift from the
    others'; an outsider let in would read what it is not a party to.
    """
    meeting = meeting_of(state, op)
    if meeting != opened.meeting:
        raise Rejected(
            "meeting_mismatch",
            f"the envelope is sealed for meeting {opened.meeting}; its op acts in {meeting}",
        )
    expected = recipients_for(state, op, meeting)
    if set(opened.recipients) != expected:
        extra = sorted(set(opened.recipients) - expected)
        missing = sorted(expected - set(opened.recipients))
        raise Rejected(
            "recipients_mismatch",
            "the envelope is not sealed to exactly the meeting's participants"
            + (f"; not participants: {', '.join(extra)}" if extra else "")
            + (f"; left out: {', '.join(missing)}" if missing else ""),
        )
    return meeting

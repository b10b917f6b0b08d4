"""The one pure reducer: verified ops of every log in, the shared state out.

Every node, and every auditor, runs :func:`reduce_ops` over the ops it holds; the same
set of ops gives the same state, the same verdicts and the same digest, whatever order
they arrived in (see :mod:`sideline.federation.ordering`). Each op gets one verdict:

* ``applied``: it changed the state;
* ``rejected``: it breaks a rule; it is kept, with a stable ``code``, and changes nothing;
* ``pending``: it names ops this node does not have yet; it waits for them;
* ``duplicate``: a replay of an op already counted; ignored.

Before its kind's rules, every op must pass the rules of authority that hold for all:
the entry is signed by its log's organization (``signer_not_log_owner``); the op's actor
is that organization (``actor_not_log_owner``); ``prev`` is the actor's previous op in
that log (``bad_prev``), and no two ops share one ``prev`` (``fork``); the person's role
claim allows the kind (``role_not_allowed``); a new object is named in the actor's own
namespace (``object_not_yours``) and is new (``object_exists``).

>>> from sideline.federation.ops import build_op, encode_op
>>> op = build_op(kind="meeting.create", actor="nato", role="delegate", prev=None, after=(),
...     object_id="nato/m-1", args={"date": "2013-09-24", "timezone": "America/New_York",
...     "cohost": None, "participants": ["csto"], "public": True}, clear={"title": "Talks"})
>>> result = reduce_ops([LoggedOp("nato", 0, "nato", encode_op(op))])
>>> sorted(result.state.meetings["nato/m-1"].participants), result.verdicts[0].status
(['csto', 'nato'], 'applied')
>>> forged = LoggedOp("csto", 0, "csto", encode_op(op))
>>> reduce_ops([forged]).verdicts[0].code
'actor_not_log_owner'
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sideline.federation.canonical import canonical_bytes, sha256_hex
from sideline.federation.errors import OpError
from sideline.federation.ops import KINDS, Op, encode_op, parse_op
from sideline.federation.ordering import LoggedOp, Placed, order_ops
from sideline.federation.rules import ACT, COORDINATE, DELEGATION, SIGN, Rejected
from sideline.federation.rules_calendars import CALENDAR_RULES
from sideline.federation.rules_commitments import COMMITMENT_RULES
from sideline.federation.rules_concerns import CONCERN_RULES
from sideline.federation.rules_decisions import DECISION_RULES
from sideline.federation.rules_meetings import MEETING_RULES
from sideline.federation.rules_sealed import (
    accept_envelope,
    check_addressing,
    open_envelopes,
    unwrap,
)
from sideline.federation.rules_silence import SILENCE_RULES
from sideline.federation.sealing import Opened, Opener, ciphertext_sha256
from sideline.federation.state import SharedState

__all__ = [
    "ROLES_BY_KIND",
    "LoggedOp",
    "Reduction",
    "Verdict",
    "check_op",
    "extend_reduction",
    "reduce_ops",
]

RULES: Mapping[str, Callable[[SharedState, Placed], None]] = {
    **MEETING_RULES,
    **DECISION_RULES,
    **SILENCE_RULES,
    **COMMITMENT_RULES,
    **CALENDAR_RULES,
    **CONCERN_RULES,
    "sealed": accept_envelope,
}

ROLES_BY_KIND: Mapping[str, frozenset[str]] = {
    "meeting.create": ACT,
    "meeting.add_participant": ACT,
    "meeting.title": ACT,
    "agenda.set": ACT,
    "agenda.propose": ACT,
    "agenda.accept": ACT,
    "agenda.decline": ACT,
    "delegation.name": DELEGATION,
    "delegation.accept": ACT,
    "delegation.approve": DELEGATION,
    "document.add": ACT,
    "minutes.draft": ACT,
    "minutes.circulate": ACT,
    "minutes.agree": SIGN,
    "minutes.lock": ACT,
    "decision.propose": ACT,
    "decision.edit": ACT,
    "decision.respond": SIGN,
    "decision.withdraw": ACT,
    "decision.break_silence": SIGN,
    "decision.extend": ACT,
    # The node records, for its organization, that a deadline passed: no person acts.
    "decision.observe": frozenset(),
    "commitment.make": ACT,
    "commitment.report": ACT,
    "commitment.close": ACT,
    "calendar.publish": COORDINATE,
    "calendar.respond": ACT,
    "meeting.reshare": ACT,
    # A liaison officer or analyst (a delegate or signatory) raises, endorses and closes.
    "concern.raise": ACT,
    "concern.endorse": ACT,
    "concern.close": ACT,
    # An envelope claims no role: the inner op's role travels sealed with it.
    "sealed": frozenset(),
}
assert set(RULES) == set(KINDS) == set(ROLES_BY_KIND), "every kind has its rules and roles"


@dataclass(frozen=True)
class Verdict:
    """What became of the entry at ``origin``/``index``."""

    origin: str
    index: int
    hash: str
    status: str  # applied, rejected, pending or duplicate
    code: str = ""
    message: str = ""
    kind: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "index": self.index,
            "hash": self.hash,
            "status": self.status,
            "code": self.code,
            "kind": self.kind,
        }


@dataclass
class Reduction:
    """What a node holds after folding the ops.

    ``state`` is the public state, the same on every node that holds the same ops;
    ``confidential`` the confidential meetings this node can read. ``inner`` has the
    verdict on each sealed op the node opened and keeps, ``sealed_ops`` those ops, by
    envelope hash: both only for meetings one of the node's organizations takes part in.
    """

    state: SharedState
    verdicts: list[Verdict] = field(default_factory=list)  # by origin, then index
    applied: list[str] = field(default_factory=list)  # op hashes, in the order applied
    confidential: SharedState = field(default_factory=lambda: SharedState(confidential=True))
    inner: list[Verdict] = field(default_factory=list)  # by origin, then index
    sealed_ops: dict[str, Op] = field(default_factory=dict)
    _fold: _Fold | None = field(default=None, repr=False, compare=False)

    def digest(self) -> str:
        """The public state digest: equal on nodes that hold the same ops, keys or not."""
        return self.state.digest()

    def private_digest(self) -> str:
        """The digest of the confidential state: equal on nodes that read the same ops."""
        return self.confidential.digest()

    def meeting_digest(self, meeting_id: str) -> str | None:
        """The digest of one confidential meeting with its decisions and commitments:
        equal on the nodes of all its participants. ``None`` when the node lacks it."""
        if meeting_id not in self.confidential.meetings:
            return None
        return sha256_hex(canonical_bytes(self.confidential.meeting_json(meeting_id)))

    def inner_at(self, origin: str, index: int) -> Verdict | None:
        for verdict in self.inner:
            if (verdict.origin, verdict.index) == (origin, index):
                return verdict
        return None

    def verdicts_digest(self) -> str:
        """SHA-256 of every verdict's canonical JSON, to compare audit views."""
        return sha256_hex(canonical_bytes([v.to_json() for v in self.verdicts]))

    def verdict_at(self, origin: str, index: int) -> Verdict | None:
        for verdict in self.verdicts:
            if (verdict.origin, verdict.index) == (origin, index):
                return verdict
        return None


class _Chains:
    """Each actor's chain of ops through ``prev``, to refuse gaps, jumps and forks."""

    def __init__(self) -> None:
        self.members: dict[str, tuple[str, int]] = {}  # op hash -> (actor, index)
        self.used: set[tuple[str, str | None]] = set()  # (actor, prev) already taken

    def check(self, placed: Placed) -> None:
        op = placed.op
        if op.prev is not None:
            member = self.members.get(op.prev)
            if member is None or member[0] != op.actor or member[1] >= placed.index:
                raise Rejected("bad_prev", f"prev is not an earlier op of {op.actor}'s own log")
        if (op.actor, op.prev) in self.used:
            raise Rejected(
                "fork",
                f"another op of {op.actor} already follows "
                f"{'its first op' if op.prev is None else op.prev[:12] + '…'}: its log has forked",
            )

    def add(self, placed: Placed) -> None:
        self.members[placed.op.hash] = (placed.op.actor, placed.index)
        self.used.add((placed.op.actor, placed.op.prev))


@dataclass
class _Fold:
    """What :func:`reduce_ops` keeps so that one more op, sorting after all it holds,
    can be folded in without starting again (:func:`extend_reduction`)."""

    chains: _Chains
    heights: dict[str, int]  # ordered op hash -> height
    known: set[str]  # the hashes a reference may name (ordering.Ordering.known)
    seen: set[str]  # every hash held: ordered, pending or refused
    last: dict[str, int]  # the highest index held of each log
    top: tuple[int, str, int]  # the last ordered op's key
    settled: bool  # no op pending: a new op cannot release one


def _check_log(placed: Placed, chains: _Chains) -> None:
    op = placed.op
    if placed.signer != placed.origin:
        raise Rejected(
            "signer_not_log_owner",
            f"the entry in {placed.origin}'s log is signed by {placed.signer}",
        )
    if op.actor != placed.origin:
        raise Rejected(
            "actor_not_log_owner",
            f"an op in {placed.origin}'s log claims to be by {op.actor}: "
            "an organization acts only in its own log",
        )
    chains.check(placed)
    chains.add(placed)


def _check_kind(op: Op, *states: SharedState) -> None:
    roles = ROLES_BY_KIND[op.kind]
    if not roles:
        if op.role is not None:
            raise Rejected("role_not_allowed", f"{op.kind} claims no role; the op claims {op.role}")
    elif op.role not in roles:
        raise Rejected(
            "role_not_allowed",
            f"{op.kind} needs the role {' or '.join(sorted(roles))}; the op claims {op.role or 'none'}",
        )
    if KINDS[op.kind].creates:
        if not op.object_id.startswith(f"{op.actor}/"):
            raise Rejected(
                "object_not_yours", f"{op.actor} names new objects {op.actor}/…, not {op.object_id}"
            )
        if any(op.object_id in state.objects for state in states):
            raise Rejected("object_exists", f"{op.object_id} already exists")


def _apply(state: SharedState, placed: Placed, chains: _Chains) -> None:
    _check_log(placed, chains)
    _check_kind(placed.op, state)
    RULES[placed.op.kind](state, placed)
    if KINDS[placed.op.kind].creates:
        state.objects.add(placed.op.object_id)


def _apply_sealed(
    public: SharedState, confidential: SharedState, envelope: Placed, opened: Opened
) -> str:
    """Apply the op inside an applied envelope; return its meeting."""
    placed = unwrap(envelope, opened)
    op = placed.op
    # A confidential identifier is new among public ones too; a public op cannot see
    # confidential identifiers, so the converse is not checked (it would differ by node).
    _check_kind(op, confidential, public)
    meeting = check_addressing(confidential, op, opened)
    RULES[op.kind](confidential, placed)
    if KINDS[op.kind].creates:
        confidential.objects.add(op.object_id)
    if meeting in confidential.meetings:
        # For reshares to a participant added later; a concern's organizations are fixed.
        confidential.meetings[meeting].envelopes[op.hash] = opened.key
    return meeting


def reduce_ops(entries: Iterable[LoggedOp], opener: Opener | None = None) -> Reduction:
    """Fold the ops of every log into the shared state.

    Args:
        entries: the ops of every log this node holds, each as its verified log entry
            (origin, index, signing organization, bytes), in any order; repeats are fine.
        opener: the encryption keys of the organizations this node hosts, to read the
            sealed ops of their confidential meetings; without it the node holds only
            the public state.

    Returns:
        The public state, one verdict per log position, the applied ops in order, and
        the confidential state and sealed ops this node can read.
    """
    ordering = order_ops(entries)
    opened = open_envelopes(ordering.ordered, opener)
    state = SharedState()
    reduction = Reduction(state)
    confidential = reduction.confidential
    chains = _Chains()
    verdicts: list[Verdict] = []
    inner: list[tuple[Verdict, str, Op | None]] = []  # verdict, meeting, sealed op
    read = {
        ciphertext_sha256(p.op): o.meeting for p in ordering.ordered if (o := opened.get(p.op.hash))
    }
    for placed in ordering.ordered:
        op = placed.op
        try:
            _apply(state, placed, chains)
        except Rejected as refusal:
            verdicts.append(
                Verdict(
                    placed.origin,
                    placed.index,
                    op.hash,
                    "rejected",
                    refusal.code,
                    refusal.message,
                    op.kind,
                )
            )
            continue
        reduction.applied.append(op.hash)
        verdicts.append(Verdict(placed.origin, placed.index, op.hash, "applied", kind=op.kind))
        sealed = opened.get(op.hash)
        if sealed is None:
            copied = read.get(state.sealed[op.hash][1]) if op.kind == "sealed" else None
            if copied is not None:
                replay = Verdict(
                    placed.origin,
                    placed.index,
                    op.hash,
                    "rejected",
                    "replayed_envelope",
                    "the ciphertext of an envelope this node read, copied into another",
                )
                inner.append((replay, copied, None))
            continue
        kind = sealed.op.kind if sealed.op is not None else ""
        meeting = sealed.meeting
        try:
            meeting = _apply_sealed(state, confidential, placed, sealed)
        except Rejected as refusal:
            verdict = Verdict(
                placed.origin,
                placed.index,
                op.hash,
                "rejected",
                refusal.code,
                refusal.message,
                kind,
            )
        else:
            verdict = Verdict(placed.origin, placed.index, op.hash, "applied", kind=kind)
        inner.append((verdict, meeting, sealed.op))
    _keep_own(reduction, inner, opener)
    for placed, missing in ordering.pending:
        verdicts.append(
            Verdict(
                placed.origin,
                placed.index,
                placed.op.hash,
                "pending",
                "waiting_for_ops",
                "waiting for " + ", ".join(m[:12] + "…" for m in missing),
                placed.op.kind,
            )
        )
    for refused in ordering.refused:
        verdicts.append(
            Verdict(
                refused.origin,
                refused.index,
                refused.hash,
                refused.status,
                refused.code,
                refused.message,
            )
        )
    verdicts.sort(key=lambda v: (v.origin, v.index, v.hash))
    reduction.verdicts = verdicts
    last: dict[str, int] = {}
    for verdict in verdicts:
        last[verdict.origin] = max(last.get(verdict.origin, -1), verdict.index)
    heights = {p.op.hash: p.height for p in ordering.ordered}
    reduction._fold = _Fold(
        chains=chains,
        heights=heights,
        known=ordering.known,
        seen={
            *heights,
            *(p.op.hash for p, _ in ordering.pending),
            *(r.hash for r in ordering.refused),
        },
        last=last,
        top=ordering.ordered[-1].key if ordering.ordered else (0, "", -1),
        settled=not ordering.pending,
    )
    return reduction


def extend_reduction(reduction: Reduction, entry: LoggedOp) -> Verdict | None:
    """Fold one more entry into ``reduction`` (in place) and return its verdict, when
    the result is the one :func:`reduce_ops` gives for the entries plus this one.

    That is so when the entry sorts after every op held and nothing else moves: a new
    position of its actor's own, correctly signed log, a well-formed op not held
    anywhere, of a clear kind, naming only ops held, with a height above the last op's,
    and no op pending that it could release. A node that writes its next op naming every
    log's head (``oplog.write_op``) meets all of these. Otherwise returns ``None`` and
    leaves ``reduction`` as it was: reduce from scratch. The rules applied are
    :func:`reduce_ops`'s own, so it stays the one source of truth; a verdict returned
    changes ``reduction`` whatever it is (a rejected op is held as rejected).
    """
    fold = reduction._fold
    if fold is None or not fold.settled:
        return None
    if entry.signer != entry.origin or entry.index <= fold.last.get(entry.origin, -1):
        return None
    try:
        op = parse_op(entry.data)
    except OpError:
        return None
    refs = ((op.prev,) if op.prev is not None else ()) + op.after
    if op.kind == "sealed" or op.actor != entry.origin or op.hash in fold.seen:
        return None
    if any(ref not in fold.known for ref in refs):
        return None
    height = max([1, *(fold.heights.get(ref, 0) + 1 for ref in refs)])
    placed = Placed(op, entry.origin, entry.index, entry.signer, height)
    if placed.key <= fold.top:
        return None
    try:
        _apply(reduction.state, placed, fold.chains)
    except Rejected as refusal:
        verdict = Verdict(
            entry.origin, entry.index, op.hash, "rejected", refusal.code, refusal.message, op.kind
        )
    else:
        verdict = Verdict(entry.origin, entry.index, op.hash, "applied", kind=op.kind)
        reduction.applied.append(op.hash)
    bisect.insort(reduction.verdicts, verdict, key=lambda v: (v.origin, v.index, v.hash))
    fold.heights[op.hash] = height
    fold.known.add(op.hash)
    fold.seen.add(op.hash)
    fold.last[entry.origin] = entry.index
    fold.top = placed.key
    return verdict


def _keep_own(
    reduction: Reduction, inner: list[tuple[Verdict, str, Op | None]], opener: Opener | None
) -> None:
    """Keep the sealed ops, and their verdicts, of the node's own meetings only.

    An envelope wrongly sealed to this node is read to be judged, then dropped: the node
    keeps only that it was refused (``not_kept``), without its kind or reason.
    """
    hosted = opener.organizations if opener is not None else frozenset()
    for verdict, meeting_id, op in inner:
        meeting = reduction.confidential.meetings.get(meeting_id)
        concern = reduction.confidential.concerns.get(meeting_id)
        listed: set[str] = set()
        if op is not None and op.kind == "meeting.create":
            listed = {op.actor, *op.args["participants"], op.args["cohost"] or op.actor}
        elif op is not None and op.kind == "concern.raise":
            listed = {op.actor, *op.args["concerned"]}
        # An envelope that did not open holds nothing to keep but the fact; a refused
        # creation is kept by those it lists.
        if (
            op is None
            or listed & hosted
            or (meeting is not None and meeting.participants & hosted)
            or (concern is not None and concern.concerned & hosted)
        ):
            reduction.inner.append(verdict)
            if op is not None:
                reduction.sealed_ops[verdict.hash] = op
        else:
            reduction.inner.append(
                Verdict(
                    verdict.origin,
                    verdict.index,
                    verdict.hash,
                    verdict.status,
                    "not_kept",
                    "opened, but for no meeting of this node's organizations: nothing kept",
                )
            )
    reduction.inner.sort(key=lambda v: (v.origin, v.index, v.hash))


def check_op(entries: Iterable[LoggedOp], op: Op, opener: Opener | None = None) -> Verdict:
    """Judge ``op`` as if its actor appended it now: the check before signing.

    The op is placed after the actor's last entry among ``entries``; it is judged by the
    same rules that every peer will apply after syncing. For a sealed op that ``opener``
    reads, the verdict is that of the op inside once the envelope passes.
    """
    held = list(entries)
    index = 1 + max((e.index for e in held if e.origin == op.actor), default=-1)
    reduction = reduce_ops([*held, LoggedOp(op.actor, index, op.actor, encode_op(op))], opener)
    verdict = reduction.verdict_at(op.actor, index)
    assert verdict is not None  # the position was just added
    if verdict.status == "applied" and op.kind == "sealed":
        return reduction.inner_at(op.actor, index) or verdict
    return verdict

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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sideline.federation.canonical import canonical_bytes, sha256_hex
from sideline.federation.ops import KINDS, Op, encode_op
from sideline.federation.ordering import LoggedOp, Placed, order_ops
from sideline.federation.rules import ACT, COORDINATE, DELEGATION, SIGN, Rejected
from sideline.federation.rules_decisions import DECISION_RULES
from sideline.federation.rules_meetings import MEETING_RULES
from sideline.federation.state import SharedState

__all__ = ["ROLES_BY_KIND", "LoggedOp", "Reduction", "Verdict", "check_op", "reduce_ops"]

RULES: Mapping[str, Callable[[SharedState, Placed], None]] = {**MEETING_RULES, **DECISION_RULES}

ROLES_BY_KIND: Mapping[str, frozenset[str]] = {
    "meeting.create": ACT,
    "meeting.add_participant": ACT,
    "agenda.set": ACT,
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
    "commitment.make": ACT,
    "commitment.report": ACT,
    "commitment.close": ACT,
    "calendar.publish": COORDINATE,
    "calendar.respond": ACT,
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
    state: SharedState
    verdicts: list[Verdict] = field(default_factory=list)  # by origin, then index
    applied: list[str] = field(default_factory=list)  # op hashes, in the order applied

    def digest(self) -> str:
        """The state digest: equal on nodes that hold the same ops."""
        return self.state.digest()

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


def _check_common(state: SharedState, placed: Placed, chains: _Chains) -> None:
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
    roles = ROLES_BY_KIND[op.kind]
    if op.role not in roles:
        raise Rejected(
            "role_not_allowed",
            f"{op.kind} needs the role {' or '.join(sorted(roles))}; the op claims {op.role or 'none'}",
        )
    if KINDS[op.kind].creates:
        if not op.object_id.startswith(f"{op.actor}/"):
            raise Rejected(
                "object_not_yours", f"{op.actor} names new objects {op.actor}/…, not {op.object_id}"
            )
        if op.object_id in state.objects:
            raise Rejected("object_exists", f"{op.object_id} already exists")


def _apply(state: SharedState, placed: Placed, chains: _Chains) -> None:
    _check_common(state, placed, chains)
    RULES[placed.op.kind](state, placed)
    if KINDS[placed.op.kind].creates:
        state.objects.add(placed.op.object_id)


def reduce_ops(entries: Iterable[LoggedOp]) -> Reduction:
    """Fold the ops of every log into the shared state.

    Args:
        entries: the ops of every log this node holds, each as its verified log entry
            (origin, index, signing organization, bytes), in any order; repeats are fine.

    Returns:
        The state, one verdict per log position, and the applied ops in order.
    """
    ordering = order_ops(entries)
    state = SharedState()
    reduction = Reduction(state)
    chains = _Chains()
    verdicts: list[Verdict] = []
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
    return reduction


def check_op(entries: Iterable[LoggedOp], op: Op) -> Verdict:
    """Judge ``op`` as if its actor appended it now: the check before signing.

    The op is placed after the actor's last entry among ``entries``; it is judged by the
    same rules that every peer will apply after syncing.
    """
    held = list(entries)
    index = 1 + max((e.index for e in held if e.origin == op.actor), default=-1)
    reduction = reduce_ops([*held, LoggedOp(op.actor, index, op.actor, encode_op(op))])
    verdict = reduction.verdict_at(op.actor, index)
    assert verdict is not None  # the position was just added
    return verdict

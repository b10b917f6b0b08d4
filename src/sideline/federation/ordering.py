"""The order in which the reducer applies operations: the same on every node.

Every node folds the same *set* of operations in the same order, whatever order it
learnt them in:

1. An entry delivered twice (same log, index and bytes) counts once. Two different
   entries claimed at one position of one log are both refused (``conflicting_entries``):
   that log has forked.
2. Bytes that are not a well-formed ``sideline.op/1`` are refused with their
   :class:`~sideline.federation.errors.OpError` code and take no part in the order.
3. The same op (same hash) at several positions is applied once, at its *home*: the
   lowest index among positions in its actor's own, correctly signed log. Another
   position in that log is a replay, ignored (``replayed_op``); a copy in another log
   or under another signature is refused (``actor_not_log_owner``,
   ``signer_not_log_owner``), and can never displace the original.
4. An op whose ``prev`` or ``after`` names an op the node does not have (or has only as
   a copy outside its actor's log), or an op that is itself pending, is **pending**: neither applied nor rejected until they arrive.
5. The rest are sorted by ``(height, origin, index)``. ``height`` is 1 for an op that
   names nothing and otherwise 1 + the greatest height of the ops it names, so every op
   comes after everything it names (a topological order of the causal graph); ops that
   do not know of each other are ordered by their log's organization and index.

An op's height depends only on the ops it names, so two applied ops keep their
relative order when more ops arrive; new ops are only inserted between them.

>>> from sideline.federation.ops import build_op, encode_op
>>> a = build_op(kind="meeting.add_participant", actor="nato", role="delegate", prev=None,
...              after=(), object_id="nato/m-1", args={"organization": "osce"})
>>> b = build_op(kind="meeting.add_participant", actor="csto", role="delegate", prev=None,
...              after=[a.hash], object_id="nato/m-1", args={"organization": "sco"})
>>> result = order_ops([LoggedOp("csto", 0, "csto", encode_op(b)), LoggedOp("nato", 5, "nato", encode_op(a))])
>>> [(p.origin, p.height) for p in result.ordered]
[('nato', 1), ('csto', 2)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sideline.federation.canonical import sha256_hex
from sideline.federation.errors import OpError
from sideline.federation.ops import Op, parse_op

__all__ = ["LoggedOp", "Ordering", "Placed", "Refusal", "order_ops"]


@dataclass(frozen=True, order=True)
class LoggedOp:
    """An op as a verified log delivers it.

    ``origin``: the organization whose log holds the entry; ``index``: the entry's index
    in that log; ``signer``: the organization whose key signed the entry (the record's
    verification guarantees it; the reducer checks it again); ``data``: the op's bytes.
    """

    origin: str
    index: int
    signer: str
    data: bytes


@dataclass(frozen=True)
class Placed:
    """A well-formed op at its home position, with its height in the causal graph."""

    op: Op
    origin: str
    index: int
    signer: str
    height: int

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.height, self.origin, self.index)


@dataclass(frozen=True)
class Refusal:
    """A position whose entry takes no part in the order, and why."""

    origin: str
    index: int
    hash: str
    status: str  # "rejected" or "duplicate"
    code: str
    message: str


@dataclass
class Ordering:
    ordered: list[Placed] = field(default_factory=list)
    pending: list[tuple[Placed, tuple[str, ...]]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    # The hashes a reference may name: ops in their actor's own log, refused bytes.
    known: set[str] = field(default_factory=set)


def _home_key(entry: LoggedOp, op: Op) -> tuple[bool, str, int]:
    # Positions in the actor's own, correctly signed log first; then the lowest index.
    own = entry.origin == op.actor and entry.signer == op.actor
    return (not own, entry.origin, entry.index)


def order_ops(entries: Iterable[LoggedOp]) -> Ordering:
    """Deduplicate, parse, find the pending ops and sort the rest.

    Args:
        entries: verified log entries holding ops, in any order, possibly repeated.

    Returns:
        The ops to apply in order, the pending ones with the hashes they wait for, and
        the positions refused before any rule is applied (malformed, conflicting,
        replays).
    """
    result = Ordering()
    by_position: dict[tuple[str, int], set[LoggedOp]] = defaultdict(set)
    for entry in entries:
        by_position[(entry.origin, entry.index)].add(entry)
    known: set[str] = set()
    candidates: dict[str, list[tuple[LoggedOp, Op]]] = defaultdict(list)
    for (origin, index), group in sorted(by_position.items()):
        if len({e.data for e in group}) > 1:
            for entry in sorted(group):
                digest = sha256_hex(entry.data)
                known.add(digest)
                result.refused.append(
                    Refusal(
                        origin,
                        index,
                        digest,
                        "rejected",
                        "conflicting_entries",
                        f"{origin}'s log holds different entries at index {index}: it has forked",
                    )
                )
            continue
        (entry,) = group
        try:
            op = parse_op(entry.data)
        except OpError as error:
            digest = sha256_hex(entry.data)
            known.add(digest)
            result.refused.append(
                Refusal(origin, index, digest, "rejected", error.code, error.message)
            )
            continue
        candidates[op.hash].append((entry, op))
    homes: dict[str, tuple[LoggedOp, Op]] = {}
    for digest, copies in candidates.items():
        copies.sort(key=lambda pair: _home_key(*pair))
        homes[digest] = copies[0]
        home = copies[0][0]
        for entry, op in copies[1:]:
            result.refused.append(_copy_refusal(entry, op, home))
    # Only an op in its actor's own log answers a reference to its hash: while the node
    # has nothing but a forged copy, the ops that name it wait, as for a missing op.
    known.update(h for h, (entry, op) in homes.items() if not _home_key(entry, op)[0])
    heights = _heights(homes, known)
    for digest, (entry, op) in sorted(homes.items()):
        height = heights.get(digest)
        placed = Placed(op, entry.origin, entry.index, entry.signer, height or 0)
        if height is None:
            missing = tuple(
                ref
                for ref in _refs(op)
                if ref not in known or (ref in homes and heights[ref] is None)
            )
            result.pending.append((placed, missing))
        else:
            result.ordered.append(placed)
    result.ordered.sort(key=lambda p: p.key)
    result.known = known
    result.refused.sort(key=lambda r: (r.origin, r.index, r.hash))
    result.pending.sort(key=lambda pair: (pair[0].origin, pair[0].index))
    return result


def _copy_refusal(entry: LoggedOp, op: Op, home: LoggedOp) -> Refusal:
    """A second position of one op: a replay in its own log, a forgery in another."""
    if entry.signer != entry.origin:
        code, message = (
            "signer_not_log_owner",
            f"the entry in {entry.origin}'s log is signed by {entry.signer}",
        )
    elif op.actor != entry.origin:
        code, message = (
            "actor_not_log_owner",
            f"an op of {op.actor} copied into {entry.origin}'s log",
        )
    else:
        return Refusal(
            entry.origin,
            entry.index,
            op.hash,
            "duplicate",
            "replayed_op",
            f"a replay of the op at {home.origin}/{home.index}: ignored",
        )
    return Refusal(entry.origin, entry.index, op.hash, "rejected", code, message)


def _refs(op: Op) -> tuple[str, ...]:
    return ((op.prev,) if op.prev is not None else ()) + op.after


def _heights(homes: dict[str, tuple[LoggedOp, Op]], known: set[str]) -> dict[str, int | None]:
    """Return each home op's height, or ``None`` when it is pending.

    Iterative: a log's chain of ``prev`` links can be as long as the log.
    """
    heights: dict[str, int | None] = {}
    for start in homes:
        if start in heights:
            continue
        stack = [start]
        while stack:
            digest = stack[-1]
            if digest in heights:
                stack.pop()
                continue
            refs = _refs(homes[digest][1])
            waiting = [r for r in refs if r in homes and r not in heights]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            height = 1
            for ref in refs:
                if ref not in known:
                    height = -1
                    break
                ref_height = heights.get(ref, 0)  # a refused op's hash: known, height 0
                if ref_height is None:
                    height = -1
                    break
                height = max(height, ref_height + 1)
            heights[digest] = None if height < 0 else height
    return heights

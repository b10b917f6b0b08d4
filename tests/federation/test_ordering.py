"""The order of application: causal first, then (origin, index); pending until complete."""

from __future__ import annotations

import hashlib
import random

from sideline.federation.ops import build_op, encode_op
from sideline.federation.ordering import LoggedOp, order_ops


def entry(
    origin: str, index: int, *, prev: str | None = None, after: tuple[str, ...] = ()
) -> LoggedOp:
    op = build_op(
        kind="meeting.add_participant",
        actor=origin,
        role="delegate",
        prev=prev,
        after=after,
        object_id="nato/m-1",
        args={"organization": f"org{index}"},
    )
    return LoggedOp(origin, index, origin, encode_op(op))


def digest(item: LoggedOp) -> str:
    return hashlib.sha256(item.data).hexdigest()


def test_causes_come_first_then_origin_and_index() -> None:
    a = entry("sco", 0)
    b = entry("csto", 0, after=(digest(a),))
    c = entry("nato", 0)
    d = entry("csto", 1, prev=digest(b))

    ordering = order_ops([d, c, b, a])

    assert [(p.origin, p.index, p.height) for p in ordering.ordered] == [
        ("nato", 0, 1),
        ("sco", 0, 1),
        ("csto", 0, 2),
        ("csto", 1, 3),
    ]


def test_order_does_not_depend_on_delivery() -> None:
    items = [entry("nato", 0)]
    for n in range(1, 30):
        origin = ["nato", "csto", "osce"][n % 3]
        items.append(entry(origin, n, after=(digest(items[n // 2]),)))
    reference = [p.op.hash for p in order_ops(items).ordered]

    for seed in range(5):
        shuffled = items[:] + items[:3]
        random.Random(seed).shuffle(shuffled)

        assert [p.op.hash for p in order_ops(shuffled).ordered] == reference


def test_pending_is_transitive_and_names_what_is_missing() -> None:
    missing = entry("sco", 0)
    waiting = entry("csto", 0, after=(digest(missing),))
    behind = entry("nato", 0, after=(digest(waiting),))

    ordering = order_ops([waiting, behind])

    assert ordering.ordered == []
    assert [(p.origin, refs) for p, refs in ordering.pending] == [
        ("csto", (digest(missing),)),
        ("nato", (digest(waiting),)),
    ]


def test_long_chain_needs_no_recursion() -> None:
    items = [entry("nato", 0)]
    for n in range(1, 3000):
        items.append(entry("nato", n, prev=digest(items[-1])))

    ordering = order_ops(reversed(items))

    assert [p.height for p in ordering.ordered][-1] == 3000


def test_refused_hash_still_counts_as_known() -> None:
    garbage = LoggedOp("sco", 0, "sco", b"not json")
    named = entry("nato", 0, after=(hashlib.sha256(b"not json").hexdigest(),))

    ordering = order_ops([garbage, named])

    assert [(r.origin, r.code) for r in ordering.refused] == [("sco", "not_json")]
    assert [p.height for p in ordering.ordered] == [1]


def test_a_forged_copy_does_not_answer_references_to_the_original() -> None:
    original = entry("nato", 0)
    copy = LoggedOp("sco", 0, "sco", original.data)
    dependent = entry("csto", 0, after=(digest(original),))

    only_copy = order_ops([copy, dependent])
    with_original = order_ops([copy, dependent, original])

    assert [(p.origin, refs) for p, refs in only_copy.pending] == [("csto", (digest(original),))]
    assert [(p.origin, p.index) for p in with_original.ordered] == [("nato", 0), ("csto", 0)]
    assert [(r.origin, r.code) for r in with_original.refused] == [("sco", "actor_not_log_owner")]

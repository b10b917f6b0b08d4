"""The reducer's rules of authority, local checks, and convergence under any delivery."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.federation.ops import build_op, clear_content_hash, encode_op
from sideline.federation.ordering import LoggedOp, order_ops
from sideline.federation.reducer import Reduction, check_op, extend_reduction, reduce_ops
from sideline.federation.writer import LocalLogs

Judge = Callable[[LoggedOp], tuple[str, str]]
SLUGS = ["nato", "csto", "osce", "sco", "un", "eu", "cis", "cica"]


def _hash(entry: LoggedOp) -> str:
    return hashlib.sha256(entry.data).hexdigest()


def outcome(result: Reduction, origin: str, index: int) -> tuple[str, str]:
    verdict = result.verdict_at(origin, index)
    return ("missing", "") if verdict is None else (verdict.status, verdict.code)


def add_participant_op(actor: str, *, prev: str | None, after: tuple[str, ...] = ()) -> bytes:
    op = build_op(
        kind="meeting.add_participant",
        actor=actor,
        role="delegate",
        prev=prev,
        after=after,
        object_id="nato/m-1",
        args={"organization": "sco"},
    )
    return encode_op(op)


# Rules of authority that hold for every kind


def test_op_claiming_another_actor_is_rejected_and_changes_nothing(
    logs: LocalLogs, meeting: str
) -> None:
    before = logs.reduce().digest()
    forged = LoggedOp("csto", 1, "csto", add_participant_op("nato", prev=logs.logs["nato"].head))

    result = reduce_ops([*logs.entries(), forged])

    assert outcome(result, "csto", 1) == ("rejected", "actor_not_log_owner")
    assert result.digest() == before


def test_entry_signed_by_another_organization_is_rejected(logs: LocalLogs, meeting: str) -> None:
    forged = LoggedOp("nato", 1, "csto", add_participant_op("nato", prev=logs.logs["nato"].head))

    result = reduce_ops([*logs.entries(), forged])

    assert outcome(result, "nato", 1) == ("rejected", "signer_not_log_owner")


def test_copy_in_another_log_cannot_displace_the_original(logs: LocalLogs, meeting: str) -> None:
    original = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    # "csto" sorts before "nato": the copy must still not become the op's home.
    copy = LoggedOp("csto", 0, "csto", original.data)

    result = reduce_ops([copy, *logs.entries()])

    assert [(v.origin, v.index, v.status, v.code) for v in result.verdicts] == [
        ("csto", 0, "rejected", "actor_not_log_owner"),
        ("nato", 0, "applied", ""),
        ("nato", 1, "applied", ""),
    ]
    assert "sco" in result.state.meetings[meeting].participants


def test_replay_in_own_log_is_ignored(logs: LocalLogs, meeting: str) -> None:
    original = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    before = logs.reduce()
    replay = LoggedOp("nato", 7, "nato", original.data)

    result = reduce_ops([*logs.entries(), replay, original])

    assert outcome(result, "nato", 7) == ("duplicate", "replayed_op")
    assert result.digest() == before.digest()


def test_prev_must_be_the_actors_own_earlier_op(logs: LocalLogs, meeting: str) -> None:
    csto_head = logs.act(
        "csto",
        "decision.propose",
        "csto/d-1",
        role="delegate",
        args={"meeting": meeting, "amends": None},
        clear={"title": "T", "text": "X"},
    )
    wrong = LoggedOp(
        "nato",
        1,
        "nato",
        add_participant_op("nato", prev=_hash(csto_head)),
    )

    result = reduce_ops([*logs.entries(), wrong])

    assert outcome(result, "nato", 1) == ("rejected", "bad_prev")


def test_two_ops_on_one_prev_are_a_fork(logs: LocalLogs, meeting: str) -> None:
    head = logs.logs["nato"].head
    first = LoggedOp("nato", 1, "nato", add_participant_op("nato", prev=head))
    second = LoggedOp(
        "nato",
        2,
        "nato",
        encode_op(
            build_op(
                kind="agenda.set",
                actor="nato",
                role="delegate",
                prev=head,
                after=(),
                object_id=meeting,
                args={},
                clear={"items": ["Opening"]},
            )
        ),
    )

    result = reduce_ops([*logs.entries(), second, first])

    assert [(v.index, v.status, v.code) for v in result.verdicts if v.origin == "nato"] == [
        (0, "applied", ""),
        (1, "applied", ""),
        (2, "rejected", "fork"),
    ]


def test_two_first_ops_are_a_fork(logs: LocalLogs) -> None:
    one = LoggedOp("nato", 0, "nato", add_participant_op("nato", prev=None))
    two = LoggedOp("nato", 1, "nato", add_participant_op("nato", prev=None, after=("00" * 32,)))
    three = LoggedOp(
        "nato",
        2,
        "nato",
        encode_op(
            build_op(
                kind="agenda.set",
                actor="nato",
                role="delegate",
                prev=None,
                after=(),
                object_id="nato/m-1",
                args={},
                clear={"items": ["x"]},
            )
        ),
    )

    result = reduce_ops([one, two, three])

    assert [(v.index, v.status, v.code) for v in result.verdicts] == [
        (0, "rejected", "unknown_meeting"),
        (1, "pending", "waiting_for_ops"),
        (2, "rejected", "fork"),
    ]


def test_op_waiting_for_unknown_ops_is_pending_then_applied(logs: LocalLogs, meeting: str) -> None:
    entries = logs.entries()
    create = entries[0]
    later = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )

    waiting = reduce_ops([later])
    complete = reduce_ops([later, create])

    assert [(v.status, v.code) for v in waiting.verdicts] == [("pending", "waiting_for_ops")]
    assert waiting.state.meetings == {}
    assert [v.status for v in complete.verdicts] == ["applied", "applied"]


def test_conflicting_entries_at_one_position_are_both_refused(logs: LocalLogs) -> None:
    one = LoggedOp("nato", 0, "nato", add_participant_op("nato", prev=None))
    two = LoggedOp("nato", 0, "nato", add_participant_op("nato", prev=None, after=("00" * 32,)))

    result = reduce_ops([one, two, one])

    assert [(v.status, v.code) for v in result.verdicts] == [
        ("rejected", "conflicting_entries")
    ] * 2


def test_malformed_entry_is_rejected_with_its_format_code() -> None:
    result = reduce_ops([LoggedOp("nato", 0, "nato", b'{"schema": "sideline.op/1"}')])

    assert [(v.status, v.code) for v in result.verdicts] == [("rejected", "not_canonical")]


# The same reducer checks a local action before it is signed


def test_check_op_judges_a_candidate_as_peers_will(logs: LocalLogs, meeting: str) -> None:
    good = logs.logs["nato"].build(
        "agenda.set", meeting, role="delegate", args={}, after=logs.heads(), clear={"items": ["A"]}
    )
    bad = logs.logs["csto"].build(
        "agenda.set", meeting, role="delegate", args={}, after=logs.heads(), clear={"items": ["A"]}
    )

    assert (check_op(logs.entries(), good).status, check_op(logs.entries(), bad).code) == (
        "applied",
        "not_host",
    )
    assert logs.entries() == logs.entries()  # nothing was appended


# Convergence and forgery, under random histories


# Signed times around the silence procedures' deadlines, some equal to them.
INSTANTS = [
    "2013-10-01T15:00:00Z",
    "2013-10-01T16:00:00Z",
    "2013-10-01T17:00:00Z",
    "2013-10-02T16:00:00Z",
    "2013-10-03T16:00:00Z",
]
SILENCE_KINDS = {"decision.break_silence", "decision.observe"}


def random_history(
    rng: random.Random, orgs: list[str], steps: int, *, name_heads: bool = False
) -> LocalLogs:
    """Ops of ``orgs``, mostly valid, some not, each seeing a random part of the others' ops.

    An act usually names the op that created its object (as a real node does) and a few
    random others; roles and actors are usually the right ones. With ``name_heads`` every
    act names every log's head instead, as a node writing its own ops does.
    """
    logs = LocalLogs(orgs)
    seen: list[str] = []
    created: dict[str, str] = {}  # object -> hash of the op that created it
    meetings: dict[str, list[str]] = {}
    decisions: dict[str, tuple[str, dict[str, str]]] = {}
    commitments: dict[str, str] = {}
    for step in range(steps):
        kind = rng.choice(
            ["meeting.create", "meeting.add_participant", "agenda.set", "decision.propose"]
            + ["decision.respond"] * 5
            + ["decision.edit", "decision.withdraw", "commitment.make", "commitment.report"]
            + ["decision.break_silence", "decision.observe", "decision.observe", "decision.extend"]
        )
        if not meetings:
            kind = "meeting.create"
        if kind.startswith("decision.") and kind != "decision.propose" and not decisions:
            kind = "decision.propose"
        if kind == "commitment.report" and not commitments:
            kind = "commitment.make"
        if kind == "commitment.make" and not decisions:
            kind = "decision.propose"
        mid = rng.choice(sorted(meetings)) if meetings else ""
        did = rng.choice(sorted(decisions)) if decisions else ""
        cid = rng.choice(sorted(commitments)) if commitments else ""
        target = {"meeting": mid, "decision": did, "commitment": cid}.get(kind.split(".")[0], mid)
        if kind in {"decision.propose", "decision.respond", "commitment.make"} | SILENCE_KINDS:
            pool = meetings[decisions[did][0] if kind != "decision.propose" else mid]
        elif kind in {"meeting.add_participant", "agenda.set"}:
            pool = meetings[mid][:1]
        elif kind in {"decision.edit", "decision.withdraw", "decision.extend"}:
            pool = [did.split("/")[0]]
        elif kind == "commitment.report":
            pool = [commitments[cid]]
        else:
            pool = orgs
        actor = rng.choice(pool) if rng.random() < 0.85 else rng.choice(orgs)
        role: str | None = (
            "signatory" if kind in {"decision.respond", "decision.break_silence"} else "delegate"
        )
        if kind == "decision.observe":
            role = None
        if rng.random() < 0.1:
            role = rng.choice([None, "coordinator", "delegate"])
        after = rng.sample(seen, min(len(seen), rng.randint(0, 2)))
        if target in created and rng.random() < 0.85:
            after.append(created[target])
        act: dict[str, Any] = {"role": role, "after": None if name_heads else after}
        args: dict[str, Any]
        if kind == "meeting.create":
            others = sorted(
                rng.sample([o for o in orgs if o != actor], rng.randint(1, min(3, len(orgs) - 1)))
            )
            target = f"{actor}/m-{step}"
            meetings[target] = [actor, *others]
            args = {
                "date": "2013-09-24",
                "timezone": "UTC",
                "cohost": None,
                "participants": others,
                "public": True,
            }
            entry = logs.act(actor, kind, target, args=args, clear={"title": f"M{step}"}, **act)
        elif kind == "meeting.add_participant":
            new = rng.choice(orgs)
            meetings[mid].append(new)
            entry = logs.act(actor, kind, mid, args={"organization": new}, **act)
        elif kind == "agenda.set":
            entry = logs.act(actor, kind, mid, args={}, clear={"items": [f"item {step}"]}, **act)
        elif kind == "decision.propose":
            text = {"title": f"D{step}", "text": f"text {step}\n\nsecond {step}"}
            target = f"{actor}/d-{step}"
            decisions[target] = (mid, text)
            args = {"meeting": mid, "amends": None}
            if rng.random() < 0.5:  # by silence procedure, some deadlines later than others
                args |= {"procedure": "silence", "deadline": rng.choice(INSTANTS[1:3])}
                args |= {"timezone": "Europe/Vienna"}
            entry = logs.act(actor, kind, target, args=args, clear=text, **act)
        elif kind == "decision.edit":
            text = {"title": "E", "text": f"edited {step}"}
            decisions[did] = (decisions[did][0], text)
            entry = logs.act(actor, kind, did, args={}, clear=text, **act)
        elif kind == "decision.respond":
            position = rng.choice(
                ["approve"] * 6 + ["object", "withdraw", "statement", "reservation"]
            )
            digest = clear_content_hash(decisions[did][1]) if rng.random() < 0.9 else "00" * 32
            clear = {"reason": "no"} if position in {"object", "statement", "reservation"} else None
            args = {"position": position, "text_sha256": digest}
            if position == "reservation":
                args["paragraph"] = rng.randint(1, 3)
            if rng.random() < 0.6:
                args["at"] = rng.choice(INSTANTS)
            entry = logs.act(actor, kind, did, args=args, clear=clear, **act)
        elif kind == "decision.break_silence":
            digest = clear_content_hash(decisions[did][1])
            args = {"text_sha256": digest, "at": rng.choice(INSTANTS)}
            entry = logs.act(actor, kind, did, args=args, clear={"reason": "no"}, **act)
        elif kind == "decision.observe":
            entry = logs.act(actor, kind, did, args={"at": rng.choice(INSTANTS)}, **act)
        elif kind == "decision.extend":
            args = {"deadline": rng.choice(INSTANTS[2:]), "at": rng.choice(INSTANTS)}
            entry = logs.act(actor, kind, did, args=args, **act)
        elif kind == "decision.withdraw":
            entry = logs.act(actor, kind, did, args={}, clear={"reason": "moot"}, **act)
        elif kind == "commitment.make":
            target = f"{actor}/c-{step}"
            commitments[target] = actor
            args = {
                "decision": did,
                "parent": None,
                "due": "2014-01-01",
                "timezone": None,
                "review": None,
                "milestones": [],
            }
            entry = logs.act(
                actor,
                kind,
                target,
                args=args,
                clear={"description": "d", "target": "t", "milestones": []},
                **act,
            )
        else:
            args = {"percent": rng.randint(0, 100), "milestone": None}
            entry = logs.act(actor, kind, cid, args=args, **act)
        if kind in {"meeting.create", "decision.propose", "commitment.make"}:
            created[target] = _hash(entry)
        seen.append(_hash(entry))
    return logs


def deliveries(rng: random.Random, entries: list[LoggedOp]) -> list[list[LoggedOp]]:
    """Batches as a node receives them: shuffled, some withheld to the end, some repeated."""
    shuffled = entries[:]
    rng.shuffle(shuffled)
    withheld_org = rng.choice(sorted({e.origin for e in entries}))
    early = [e for e in shuffled if e.origin != withheld_org or rng.random() < 0.3]
    late = [e for e in shuffled if e not in early]
    cut = rng.randint(0, len(early))
    repeats = rng.sample(entries, min(3, len(entries)))
    return [early[:cut], early[cut:] + repeats, late]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 8))
def test_nodes_converge_whatever_the_order_and_partitions(seed: int, size: int) -> None:
    rng = random.Random(seed)
    logs = random_history(rng, SLUGS[:size], steps=rng.randint(20, 60))
    honest = logs.entries()
    victim = rng.choice(honest)
    liar = rng.choice([o for o in SLUGS[:size] if o != victim.origin])
    noise = [
        LoggedOp(liar, 90_000, liar, b'{"not": "an op"}'),  # malformed
        LoggedOp(liar, 90_001, liar, victim.data),  # another's op in one's own log
        LoggedOp(liar, 90_002, liar, b"x"),  # two entries at one position: a forked log
        LoggedOp(liar, 90_002, liar, b"y"),
    ]
    entries = honest + noise
    reference = reduce_ops(entries)

    finals = []
    for _node in range(4):
        held: list[LoggedOp] = []
        for batch in deliveries(rng, entries):
            held.extend(batch)
            reduce_ops(held)  # the node's state meanwhile: partial, but never an error
        result = reduce_ops(held)
        finals.append((result.digest(), result.verdicts_digest()))

    assert finals == [(reference.digest(), reference.verdicts_digest())] * 4
    assert all(v.status in {"applied", "rejected"} for v in reference.verdicts)
    assert [v.code for v in reference.verdicts if v.index >= 90_000] == [
        "not_canonical",
        "actor_not_log_owner",
        "conflicting_entries",
        "conflicting_entries",
    ]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 8))
def test_forged_ops_never_change_the_state(seed: int, size: int) -> None:
    rng = random.Random(seed)
    orgs = SLUGS[:size]
    logs = random_history(rng, orgs, steps=rng.randint(15, 40))
    honest = reduce_ops(logs.entries())
    victim = rng.choice(logs.entries())
    liar = rng.choice([o for o in orgs if o != victim.origin])
    outsider = "shanghai-impostor"
    decision = next(iter(honest.state.decisions), None)
    forged = [
        LoggedOp(liar, 10_000, liar, victim.data),  # another's op copied into one's own log
        LoggedOp(victim.origin, 10_001, liar, victim.data),  # signed by the wrong key
        LoggedOp(victim.origin, 10_002, victim.origin, victim.data),  # a replay
    ]
    if decision is not None:
        decided = honest.state.decisions[decision]
        # An approval by a non-participant, and one on a wrong text hash, in their own logs.
        for actor, digest in ((outsider, decided.text_sha256), (decided.proposed_by, "00" * 32)):
            prev = logs.logs[actor].head if actor in logs.logs else None
            op = build_op(
                kind="decision.respond",
                actor=actor,
                role="signatory",
                prev=prev,
                after=logs.heads(),
                object_id=decision,
                args={"position": "approve", "text_sha256": digest},
            )
            forged.append(LoggedOp(actor, 20_000, actor, encode_op(op)))

    result = reduce_ops([*logs.entries(), *forged])

    assert result.digest() == honest.digest()
    assert [v for v in result.verdicts if v.index < 10_000] == honest.verdicts
    assert {v.status for v in result.verdicts if v.index >= 10_000} <= {"rejected", "duplicate"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 8))
def test_reduction_extended_op_by_op_is_the_reduction_from_scratch(seed: int, size: int) -> None:
    rng = random.Random(seed)
    logs = random_history(rng, SLUGS[:size], steps=rng.randint(20, 60), name_heads=True)
    entries = logs.entries()
    # Each op names every head, so its height is above all before it: written order.
    written = [
        next(e for e in entries if (e.origin, e.index) == (p.origin, p.index))
        for p in order_ops(entries).ordered
    ]
    start = rng.randint(0, len(written) // 2)
    running = reduce_ops(written[:start])

    verdicts = [extend_reduction(running, entry) for entry in written[start:]]
    reference = reduce_ops(entries)

    assert None not in verdicts
    assert verdicts == [reference.verdict_at(e.origin, e.index) for e in written[start:]]
    assert running.digest() == reference.digest()
    assert running.verdicts == reference.verdicts
    assert running.applied == reference.applied
    assert {v.status for v in running.verdicts} == {"applied", "rejected"}


def test_extension_refuses_what_would_move_other_ops(logs: LocalLogs, meeting: str) -> None:
    running = logs.reduce()
    head = logs.logs["nato"].head
    op = build_op(
        kind="agenda.set",
        actor="nato",
        role="delegate",
        prev=head,
        after=logs.heads(),
        object_id=meeting,
        args={},
        clear={"items": ["one"]},
    )
    size = len(logs.logs["nato"].entries)
    before = (running.digest(), running.verdicts_digest())
    refused = [
        LoggedOp("nato", size, "csto", encode_op(op)),  # signed by another organization
        LoggedOp("csto", 50, "csto", encode_op(op)),  # another's op in one's own log
        LoggedOp("nato", 0, "nato", encode_op(op)),  # a position already held
        LoggedOp("nato", size, "nato", b"{}"),  # malformed
        LoggedOp("nato", size, "nato", logs.entries()[0].data),  # an op already held
    ]
    unknown = build_op(
        kind="agenda.set",
        actor="nato",
        role="delegate",
        prev=head,
        after=["ab" * 32],
        object_id=meeting,
        args={},
        clear={"items": ["two"]},
    )
    refused.append(LoggedOp("nato", size, "nato", encode_op(unknown)))  # names a missing op

    assert [extend_reduction(running, entry) for entry in refused] == [None] * len(refused)
    assert (running.digest(), running.verdicts_digest()) == before
    verdict = extend_reduction(running, LoggedOp("nato", size, "nato", encode_op(op)))
    assert verdict is not None
    assert verdict.status == "applied"
    assert (
        running.verdicts
        == reduce_ops([*logs.entries(), LoggedOp("nato", size, "nato", encode_op(op))]).verdicts
    )

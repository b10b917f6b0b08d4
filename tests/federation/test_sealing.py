"""Sealed ops of confidential meetings: what everyone sees, what participants read, attacks.

Every test reduces the same logs on several nodes, each holding only its own
organization's encryption key, as sovereign nodes do: NATO, CSTO and OSCE take part in
the confidential meeting, SCO does not.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.federation.canonical import canonical_bytes, decode_canonical
from sideline.federation.errors import OpError
from sideline.federation.kinds import MAX_SEALED_PLAINTEXT
from sideline.federation.ops import build_op, clear_content_hash, encode_op, parse_op
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import Reduction, check_op, reduce_ops
from sideline.federation.schema import decode_base64, encode_base64
from sideline.federation.sealing import Opener, seal_op, seal_plaintext
from sideline.federation.writer import LocalLogs

from .conftest import meeting_args

CANARY = "CANARY-7f3a-confidential"
PARTICIPANTS = ("csto", "nato", "osce")
NODES = ("nato", "csto", "osce", "sco")
SLUGS = ["nato", "csto", "osce", "sco", "un", "eu"]


def node(logs: LocalLogs, org: str, entries: list[LoggedOp] | None = None) -> Reduction:
    """Reduce as the node of ``org`` alone: its own key, nothing remembered."""
    held = logs.entries() if entries is None else entries
    return reduce_ops(held, Opener({org: logs.keys[org]}))


def everywhere(logs: LocalLogs, entries: list[LoggedOp] | None = None) -> dict[str, Reduction]:
    return {org: node(logs, org, entries) for org in NODES}


def inner_outcome(result: Reduction, entry: LoggedOp) -> tuple[str, str]:
    verdict = result.inner_at(entry.origin, entry.index)
    return ("unread", "") if verdict is None else (verdict.status, verdict.code)


def public_outcome(result: Reduction, entry: LoggedOp) -> tuple[str, str]:
    verdict = result.verdict_at(entry.origin, entry.index)
    assert verdict is not None
    return verdict.status, verdict.code


def dump(result: Reduction) -> str:
    """Everything a node keeps from a reduction, as text, to look for plaintext in."""
    return json.dumps(
        {
            "state": result.state.to_json(),
            "confidential": result.confidential.to_json(),
            "verdicts": [[v.to_json(), v.message] for v in [*result.verdicts, *result.inner]],
            "sealed_ops": {h: op.to_json() for h, op in result.sealed_ops.items()},
        },
        ensure_ascii=False,
        default=list,
    )


@pytest.fixture
def secret(logs: LocalLogs) -> str:
    """A confidential meeting with a canary in its title and agenda."""
    logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/p-1",
        meeting="nato/p-1",
        role="delegate",
        args=meeting_args(public=False),
        clear={"title": f"Talks {CANARY}"},
    )
    logs.act_sealed(
        "nato",
        "agenda.set",
        "nato/p-1",
        meeting="nato/p-1",
        role="delegate",
        args={},
        clear={"items": [f"Item {CANARY}"]},
    )
    return "nato/p-1"


def next_inner(
    logs: LocalLogs, actor: str = "nato", *, items: list[str] | None = None, **changes: Any
) -> Any:
    """Build (not append) ``actor``'s next agenda of the confidential meeting."""
    fields: dict[str, Any] = {
        "kind": "agenda.set",
        "actor": actor,
        "role": "delegate",
        "prev": logs.logs[actor].head,
        "after": [h for h in logs.heads() if h != logs.logs[actor].head],
        "object_id": "nato/p-1",
        "args": {},
        "clear": {"items": items or ["Revised"]},
    }
    fields.update(changes)
    return build_op(**fields)


def append(logs: LocalLogs, actor: str, op: Any) -> LoggedOp:
    return logs.logs[actor].append_op(op)


def keys_of(logs: LocalLogs, *orgs: str) -> dict[str, Any]:
    return {org: logs.directory[org] for org in orgs}


# What everyone sees, and what participants read


def test_envelope_shows_only_a_confidential_change_by_its_organization(
    logs: LocalLogs, secret: str
) -> None:
    envelope = json.loads(logs.entries()[-1].data)

    assert sorted(envelope) == ["actor", "after", "args", "kind", "object", "prev", "schema"]
    assert (envelope["kind"], envelope["actor"], sorted(envelope["args"])) == (
        "sealed",
        "nato",
        ["payload", "slots", "suite"],
    )
    assert envelope["object"].startswith("nato/")
    assert secret not in envelope["object"]
    # Three participants, four slots: the padding hides the meeting's size.
    assert len(envelope["args"]["slots"]) == 4
    assert len(decode_base64(envelope["args"]["payload"]) or b"") == 512 + 16


def test_participants_read_the_meeting_and_others_keep_only_envelopes(
    logs: LocalLogs, secret: str
) -> None:
    nodes = everywhere(logs)
    outsider = nodes["sco"]

    assert len({r.digest() for r in nodes.values()}) == 1
    assert len({r.verdicts_digest() for r in nodes.values()}) == 1
    assert {nodes[org].meeting_digest(secret) for org in PARTICIPANTS} == {
        logs.reduce().meeting_digest(secret)
    }
    assert outsider.state.meetings == {}
    assert outsider.confidential.meetings == {}
    assert (outsider.inner, outsider.sealed_ops) == ([], {})
    assert sorted(by for by, _ in outsider.state.sealed.values()) == ["nato", "nato"]
    assert CANARY not in dump(outsider)
    assert CANARY in dump(nodes["csto"])  # the participants' nodes do read it


def test_participant_reads_the_title_it_checks_by_hash(logs: LocalLogs, secret: str) -> None:
    result = node(logs, "osce")
    meeting = result.confidential.meetings[secret]
    create = result.sealed_ops[meeting.op]

    assert create.clear == {"title": f"Talks {CANARY}"}
    assert meeting.content_sha256 == clear_content_hash({"title": f"Talks {CANARY}"})


def test_check_op_judges_the_op_inside_before_signing(logs: LocalLogs, secret: str) -> None:
    good = seal_op(
        next_inner(logs), meeting=secret, recipients=keys_of(logs, *PARTICIPANTS)
    ).envelope
    by_guest = seal_op(
        next_inner(logs, "csto"), meeting=secret, recipients=keys_of(logs, *PARTICIPANTS)
    ).envelope

    assert check_op(logs.entries(), good, logs.opener).status == "applied"
    assert check_op(logs.entries(), by_guest, logs.opener).code == "not_host"


def test_sealing_to_an_organization_without_a_known_key_is_refused(
    logs: LocalLogs, secret: str
) -> None:
    with pytest.raises(OpError) as caught:
        logs.act_sealed(
            "nato",
            "agenda.set",
            secret,
            meeting=secret,
            role="delegate",
            args={},
            clear={"items": ["x"]},
            recipients=["nato", "shanghai-impostor"],
        )

    assert (caught.value.code, caught.value.field) == ("no_encryption_key", "recipients")
    assert len(logs.logs["nato"].entries) == 2  # nothing appended


# Where each op belongs: public in clear, confidential sealed


def test_confidential_meeting_in_clear_is_refused(logs: LocalLogs, judge: Any) -> None:
    entry = logs.act(
        "nato",
        "meeting.create",
        "nato/p-9",
        role="delegate",
        args=meeting_args(public=False),
        clear={"title": "T"},
    )

    assert judge(entry) == ("rejected", "op_must_be_sealed")


def test_public_meeting_sealed_is_refused(logs: LocalLogs) -> None:
    entry = logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/m-9",
        meeting="nato/m-9",
        role="delegate",
        args=meeting_args(),
        clear={"title": "T"},
    )

    assert {inner_outcome(node(logs, org), entry) for org in PARTICIPANTS} == {
        ("rejected", "op_must_be_clear")
    }
    assert logs.reduce().state.meetings == {}


def test_reshare_in_clear_is_refused(logs: LocalLogs, secret: str, judge: Any) -> None:
    entry = logs.act(
        "nato",
        "meeting.reshare",
        secret,
        role="delegate",
        args={"keys": [{"envelope": "00" * 32, "key": encode_base64(bytes(32))}]},
    )

    assert judge(entry) == ("rejected", "op_must_be_sealed")


# Attacks: each refused with its reason, the same on every node that can tell


def test_sealed_op_claimed_by_another_organization_is_refused(logs: LocalLogs, secret: str) -> None:
    # NATO seals, in its own log, an op that claims to be CSTO's agreement.
    forged = next_inner(logs, "csto", prev=logs.logs["nato"].head)
    plaintext = canonical_bytes(
        {
            "schema": "sideline.sealed/1",
            "meeting": secret,
            "recipients": list(PARTICIPANTS),
            "op": decode_canonical(encode_op(forged)),
        }
    )
    sealed = seal_plaintext(
        plaintext,
        actor="nato",
        prev=logs.logs["nato"].head,
        after=forged.after,
        recipients=keys_of(logs, *PARTICIPANTS).values(),
    )
    entry = append(logs, "nato", sealed.envelope)
    nodes = everywhere(logs)

    assert {inner_outcome(nodes[org], entry) for org in PARTICIPANTS} == {
        ("rejected", "sealed_actor_mismatch")
    }
    assert inner_outcome(nodes["sco"], entry) == ("unread", "")
    assert len({r.digest() for r in nodes.values()}) == 1


def test_sealed_op_moved_to_another_place_in_the_log_is_refused(
    logs: LocalLogs, secret: str
) -> None:
    # An op sealed earlier, sealed again later: its prev is no longer the log's head.
    stale = next_inner(logs, prev=None)
    plaintext = canonical_bytes(
        {
            "schema": "sideline.sealed/1",
            "meeting": secret,
            "recipients": list(PARTICIPANTS),
            "op": decode_canonical(encode_op(stale)),
        }
    )
    sealed = seal_plaintext(
        plaintext,
        actor="nato",
        prev=logs.logs["nato"].head,
        after=stale.after,
        recipients=keys_of(logs, *PARTICIPANTS).values(),
    )
    entry = append(logs, "nato", sealed.envelope)

    assert {inner_outcome(node(logs, org), entry) for org in PARTICIPANTS} == {
        ("rejected", "sealed_position_mismatch")
    }


def test_inner_op_for_another_meeting_is_refused(logs: LocalLogs, secret: str) -> None:
    logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/p-2",
        meeting="nato/p-2",
        role="delegate",
        args=meeting_args(public=False, participants=["csto"]),
        clear={"title": "Other talks"},
    )
    # Sealed "for p-1" to p-1's participants, the op acts in p-2.
    other = seal_op(
        next_inner(logs, object_id="nato/p-2"),
        meeting=secret,
        recipients=keys_of(logs, *PARTICIPANTS),
    )
    mismatch = append(logs, "nato", other.envelope)
    # Sealed for p-2, but to p-1's participants: OSCE would read p-2's business.
    misaddressed = logs.act_sealed(
        "nato",
        "agenda.set",
        "nato/p-2",
        meeting="nato/p-2",
        role="delegate",
        args={},
        clear={"items": ["x"]},
        recipients=PARTICIPANTS,
    )
    nodes = everywhere(logs)

    assert {inner_outcome(nodes[org], mismatch) for org in PARTICIPANTS} == {
        ("rejected", "meeting_mismatch")
    }
    assert {inner_outcome(nodes[org], misaddressed) for org in ("nato", "csto")} == {
        ("rejected", "recipients_mismatch")
    }
    assert inner_outcome(nodes["osce"], misaddressed) == ("rejected", "not_kept")
    assert nodes["osce"].meeting_digest("nato/p-2") is None


def test_envelope_addressed_to_a_non_participant_is_refused_and_not_kept(
    logs: LocalLogs, secret: str
) -> None:
    before = {org: node(logs, org).meeting_digest(secret) for org in PARTICIPANTS}
    entry = logs.act_sealed(
        "nato",
        "agenda.set",
        secret,
        meeting=secret,
        role="delegate",
        args={},
        clear={"items": [f"Leaked {CANARY}"]},
        recipients=[*PARTICIPANTS, "sco"],
    )
    nodes = everywhere(logs)

    assert {inner_outcome(nodes[org], entry) for org in PARTICIPANTS} == {
        ("rejected", "recipients_mismatch")
    }
    assert {org: nodes[org].meeting_digest(secret) for org in PARTICIPANTS} == before
    # SCO's node had to open it to judge it; it keeps nothing of it.
    assert inner_outcome(nodes["sco"], entry) == ("rejected", "not_kept")
    assert CANARY not in dump(nodes["sco"])


def test_envelope_replayed_is_refused_on_every_node(logs: LocalLogs, secret: str) -> None:
    original = logs.entries()[-1]
    envelope = parse_op(original.data)
    same_bytes = LoggedOp("nato", 40, "nato", original.data)
    # The same ciphertext in a new op of SCO's log: everyone sees the replay.
    copied = build_op(
        kind="sealed",
        actor="sco",
        role=None,
        prev=None,
        after=[],
        object_id="sco/" + "ab" * 16,
        args=dict(envelope.args),
    )
    copy = LoggedOp("sco", 0, "sco", encode_op(copied))
    nodes = everywhere(logs, [*logs.entries(), same_bytes, copy])

    assert {public_outcome(r, same_bytes) for r in nodes.values()} == {("duplicate", "replayed_op")}
    # The copy sorts first (it names nothing) yet displaces nothing: publicly it is one
    # more opaque change; it opens for nobody, and the original's readers name it.
    assert {public_outcome(r, copy) for r in nodes.values()} == {("applied", "")}
    assert {inner_outcome(nodes[org], copy) for org in PARTICIPANTS} == {
        ("rejected", "replayed_envelope")
    }
    assert inner_outcome(nodes["sco"], copy) == ("unread", "")
    assert len({r.digest() for r in nodes.values()}) == 1
    assert {r.meeting_digest(secret) for org, r in nodes.items() if org != "sco"} == {
        logs.reduce().meeting_digest(secret)
    }


def test_tampered_ciphertext_is_refused_by_every_participant(logs: LocalLogs, secret: str) -> None:
    sealed = seal_op(next_inner(logs), meeting=secret, recipients=keys_of(logs, *PARTICIPANTS))
    payload = bytearray(decode_base64(sealed.envelope.args["payload"]) or b"")
    payload[7] ^= 0x01
    tampered = build_op(
        kind="sealed",
        actor="nato",
        role=None,
        prev=sealed.envelope.prev,
        after=sealed.envelope.after,
        object_id=sealed.envelope.object_id,
        args={**sealed.envelope.args, "payload": encode_base64(bytes(payload))},
    )
    entry = append(logs, "nato", tampered)
    nodes = everywhere(logs)

    assert {inner_outcome(nodes[org], entry) for org in PARTICIPANTS} == {
        ("rejected", "envelope_tampered")
    }
    assert len({r.digest() for r in nodes.values()}) == 1


def test_envelope_with_a_slot_copied_from_another_does_not_open(
    logs: LocalLogs, secret: str
) -> None:
    # Slots are bound to their envelope's actor and identifier (HPKE info).
    first = parse_op(logs.entries()[-1].data)
    sealed = seal_op(next_inner(logs), meeting=secret, recipients=keys_of(logs, *PARTICIPANTS))
    spliced = build_op(
        kind="sealed",
        actor="nato",
        role=None,
        prev=sealed.envelope.prev,
        after=sealed.envelope.after,
        object_id=sealed.envelope.object_id,
        args={**sealed.envelope.args, "slots": first.args["slots"]},
    )
    entry = append(logs, "nato", spliced)

    assert {inner_outcome(node(logs, org), entry) for org in PARTICIPANTS} == {("unread", "")}


def test_oversized_envelope_is_refused_by_the_sender_and_by_every_node(
    logs: LocalLogs, secret: str
) -> None:
    huge = next_inner(logs, items=["x" * 300] * 100, args={})
    with pytest.raises(OpError) as caught:
        seal_plaintext(
            b"{" + b" " * MAX_SEALED_PLAINTEXT + b"}",
            actor="nato",
            prev=None,
            after=[],
            recipients=[logs.directory["nato"]],
        )
    fits = seal_op(huge, meeting=secret, recipients=keys_of(logs, *PARTICIPANTS))
    base = json.loads(encode_op(fits.envelope))
    long_payload = {**base, "args": {**base["args"], "payload": "A" * 52_000}}
    too_large = {**base, "args": {**base["args"], "payload": "A" * 60_000}}
    entries = [
        LoggedOp("nato", 50, "nato", canonical_bytes(long_payload)),
        LoggedOp("nato", 51, "nato", canonical_bytes(too_large)),
    ]
    nodes = everywhere(logs, [*logs.entries(), *entries])

    assert caught.value.code == "envelope_too_large"
    assert {tuple(public_outcome(r, e) for e in entries) for r in nodes.values()} == {
        (("rejected", "string_too_long"), ("rejected", "op_too_large"))
    }


@pytest.mark.parametrize(
    "plaintext",
    [
        b"not json",
        b'{"schema":"sideline.sealed/2"}',
        b'{"meeting":"nato/p-1","op":{},"recipients":["csto","nato","osce"],'
        b'"schema":"sideline.sealed/1"}',
    ],
)
def test_envelope_holding_no_well_formed_op_is_refused_by_its_readers(
    logs: LocalLogs, secret: str, plaintext: bytes
) -> None:
    sealed = seal_plaintext(
        plaintext,
        actor="nato",
        prev=logs.logs["nato"].head,
        after=[],
        recipients=keys_of(logs, *PARTICIPANTS).values(),
    )
    entry = append(logs, "nato", sealed.envelope)
    nodes = everywhere(logs)

    assert {inner_outcome(nodes[org], entry) for org in PARTICIPANTS} == {
        ("rejected", "bad_sealed_op")
    }
    assert {public_outcome(r, entry) for r in nodes.values()} == {("applied", "")}


def test_sealed_op_inside_a_sealed_op_is_refused(logs: LocalLogs, secret: str) -> None:
    recipients = keys_of(logs, *PARTICIPANTS)
    inner = seal_op(next_inner(logs), meeting=secret, recipients=recipients).envelope
    outer = seal_op(inner, meeting=secret, recipients=recipients)
    entry = append(logs, "nato", outer.envelope)

    assert inner_outcome(node(logs, "csto"), entry) == ("rejected", "bad_sealed_op")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"object": "nato/secret-talks-with-csto"}, "envelope_id_not_opaque"),
        ({"slots": 3}, "envelope_not_padded"),
        ({"role": "delegate"}, "role_not_allowed"),
    ],
)
def test_envelope_that_would_say_more_is_refused_publicly(
    logs: LocalLogs, secret: str, change: dict[str, Any], code: str
) -> None:
    sealed = seal_op(next_inner(logs), meeting=secret, recipients=keys_of(logs, *PARTICIPANTS))
    envelope = json.loads(encode_op(sealed.envelope))
    if "object" in change:
        envelope["object"] = change["object"]
    if "slots" in change:
        envelope["args"]["slots"] = envelope["args"]["slots"][: change["slots"]]
    if "role" in change:
        envelope["role"] = change["role"]
    entry = LoggedOp("nato", 60, "nato", canonical_bytes(envelope))
    entries = [*logs.entries(), entry]

    assert {public_outcome(r, entry) for r in everywhere(logs, entries).values()} == {
        ("rejected", code)
    }


# A participant added later: the meeting reshared to it


def test_participant_added_later_reads_the_meeting_after_a_reshare(
    logs: LocalLogs, secret: str
) -> None:
    logs.act_sealed(
        "nato",
        "meeting.add_participant",
        secret,
        meeting=secret,
        role="delegate",
        args={"organization": "sco"},
    )
    before = node(logs, "sco")
    logs.reshare("nato", secret)
    nodes = everywhere(logs)

    assert before.meeting_digest(secret) is None
    assert CANARY not in dump(before)
    assert {r.meeting_digest(secret) for r in nodes.values()} == {
        logs.reduce().meeting_digest(secret)
    }
    assert sorted(nodes["sco"].confidential.meetings[secret].participants) == [
        "csto",
        "nato",
        "osce",
        "sco",
    ]
    assert CANARY in dump(nodes["sco"])


def test_reshare_refusals(logs: LocalLogs, secret: str) -> None:
    logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/p-2",
        meeting="nato/p-2",
        role="delegate",
        args=meeting_args(public=False),
        clear={"title": "Other"},
    )
    other = logs.reduce().confidential.meetings["nato/p-2"].envelopes
    foreign = [{"envelope": h, "key": encode_base64(k)} for h, k in other.items()]
    own = logs.reduce().confidential.meetings[secret].envelopes
    wrong_key = [{"envelope": h, "key": encode_base64(bytes(32))} for h in own]

    def reshare(actor: str, keys: list[dict[str, str]]) -> LoggedOp:
        return logs.act_sealed(
            actor,
            "meeting.reshare",
            secret,
            meeting=secret,
            role="delegate",
            args={"keys": keys},
        )

    by_guest = reshare("csto", wrong_key[:1])
    bad_key = reshare("nato", wrong_key[:1])
    other_meeting = reshare("nato", foreign)

    assert [inner_outcome(node(logs, "osce"), e) for e in (by_guest, bad_key, other_meeting)] == [
        ("rejected", "not_host"),
        ("rejected", "reshare_bad_envelope"),
        ("rejected", "reshare_bad_envelope"),
    ]


# Convergence with sealed ops, under any delivery


def random_sealed_history(rng: random.Random, orgs: list[str], steps: int) -> LocalLogs:
    """Public and confidential meetings of ``orgs``: mostly valid acts, some refused, some
    hostile envelopes. Confidential content carries the canary ``CANARY[<meeting>]`` (bracketed: one id may prefix another)."""
    logs = LocalLogs(orgs)
    meetings: dict[str, tuple[str, list[str], bool]] = {}  # id -> host, participants, public
    decisions: dict[str, tuple[str, str]] = {}  # id -> meeting, text hash
    for step in range(steps):
        choice = rng.choice(
            ["create"] * 2 + ["agenda", "propose", "respond", "respond", "add", "hostile"]
        )
        if not meetings:
            choice = "create"
        if choice == "respond" and not decisions:
            choice = "propose"
        mid = rng.choice(sorted(meetings)) if meetings else ""
        host, people, public = meetings.get(mid, ("", [], True))

        def act(actor: str, kind: str, object_id: str, meeting: str, **kw: Any) -> LoggedOp:
            if meetings[meeting][2]:
                return logs.act(actor, kind, object_id, **kw)
            return logs.act_sealed(actor, kind, object_id, meeting=meeting, **kw)

        if choice == "create":
            host = rng.choice(orgs)
            guests = sorted(rng.sample([o for o in orgs if o != host], rng.randint(1, 2)))
            mid = f"{host}/m-{step}"
            meetings[mid] = (host, [host, *guests], rng.random() < 0.4)
            act(
                host,
                "meeting.create",
                mid,
                mid,
                role="delegate",
                args=meeting_args(participants=guests, public=meetings[mid][2]),
                clear={"title": f"Talks CANARY[{mid}]" if not meetings[mid][2] else "Talks"},
            )
        elif choice == "agenda":
            actor = host if rng.random() < 0.8 else rng.choice(orgs)
            items = [f"Item CANARY[{mid}]" if not public else "Item"]
            act(actor, "agenda.set", mid, mid, role="delegate", args={}, clear={"items": items})
        elif choice == "propose":
            actor = rng.choice(people)
            did = f"{actor}/d-{step}"
            text = {"title": "D", "text": f"Text CANARY[{mid}]" if not public else "Text"}
            decisions[did] = (mid, clear_content_hash(text))
            act(
                actor,
                "decision.propose",
                did,
                mid,
                role="delegate",
                args={"meeting": mid, "amends": None},
                clear=text,
            )
        elif choice == "respond":
            did = rng.choice(sorted(decisions))
            mid, digest = decisions[did]
            actor = rng.choice(meetings[mid][1]) if rng.random() < 0.85 else rng.choice(orgs)
            args = {"position": "approve", "text_sha256": digest}
            act(actor, "decision.respond", did, mid, role="signatory", args=args)
        elif choice == "add":
            new = rng.choice(orgs)
            act(
                host,
                "meeting.add_participant",
                mid,
                mid,
                role="delegate",
                args={"organization": new},
            )
            if new not in people:
                people.append(new)
            if not public:
                logs.reshare(host, mid)
        elif not public:
            hostile_envelope(rng, logs, orgs, mid, host, people)
    return logs


def hostile_envelope(
    rng: random.Random, logs: LocalLogs, orgs: list[str], mid: str, host: str, people: list[str]
) -> None:
    """One envelope a careless or hostile participant might send."""
    outsiders = [o for o in orgs if o not in people]
    attack = rng.choice(["misaddressed", "tampered", "copied"])
    if attack == "misaddressed" and outsiders:
        logs.act_sealed(
            host,
            "agenda.set",
            mid,
            meeting=mid,
            role="delegate",
            args={},
            clear={"items": [f"Leak CANARY[{mid}]"]},
            recipients=sorted({*people, rng.choice(outsiders)}),
        )
    elif attack == "tampered":
        inner = logs.logs[host].build(
            "agenda.set", mid, role="delegate", args={}, after=logs.heads(), clear={"items": ["t"]}
        )
        sealed = seal_op(inner, meeting=mid, recipients=keys_of(logs, *people)).envelope
        payload = bytearray(decode_base64(sealed.args["payload"]) or b"")
        payload[rng.randrange(len(payload))] ^= 1 << rng.randrange(8)
        args = {**sealed.args, "payload": encode_base64(bytes(payload))}
        tampered = build_op(
            kind="sealed",
            actor=host,
            role=None,
            prev=sealed.prev,
            after=sealed.after,
            object_id=sealed.object_id,
            args=args,
        )
        logs.logs[host].append_op(tampered)
    else:
        victim = next(
            (parse_op(e.data) for e in reversed(logs.entries()) if b'"kind":"sealed"' in e.data),
            None,
        )
        copier = rng.choice(orgs)
        if victim is not None:
            copy = logs.logs[copier].build(
                "sealed",
                f"{copier}/{rng.getrandbits(128):032x}",
                role=None,
                args=dict(victim.args),
                after=[],
            )
            logs.logs[copier].append_op(copy)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(3, 6))
def test_sealed_and_clear_ops_converge_and_outsiders_keep_no_plaintext(
    seed: int, size: int
) -> None:
    rng = random.Random(seed)
    orgs = SLUGS[:size]
    logs = random_sealed_history(rng, orgs, steps=rng.randint(8, 24))
    entries = logs.entries()
    reference = reduce_ops(entries, Opener(logs.keys))

    nodes: dict[str, Reduction] = {}
    for org in [*orgs, ""]:  # one node per organization, and one that hosts none
        held = entries[:]
        rng.shuffle(held)
        opener = Opener({org: logs.keys[org]} if org else {})
        cut = rng.randint(0, len(held))
        reduce_ops(held[:cut], opener)  # a partial view on the way: never an error
        nodes[org] = reduce_ops(held[cut:] + held[:cut] + held[: rng.randint(0, 3)], opener)

    assert {(r.digest(), r.verdicts_digest()) for r in nodes.values()} == {
        (reference.digest(), reference.verdicts_digest())
    }
    for mid, meeting in reference.confidential.meetings.items():
        for org in orgs:
            if org in meeting.participants:
                assert nodes[org].meeting_digest(mid) == reference.meeting_digest(mid)
            else:
                assert f"CANARY[{mid}]" not in dump(nodes[org])
    assert "CANARY" not in dump(nodes[""])

"""Concerns as ops: who may raise, endorse and close; confidential ones sealed to the
organizations concerned; the same state on every node, whatever the order."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideline.federation.concern_projection import project_concerns
from sideline.federation.ordering import LoggedOp, order_ops
from sideline.federation.projection import public_ops
from sideline.federation.reducer import Reduction, extend_reduction, reduce_ops
from sideline.federation.sealing import Opener
from sideline.federation.writer import LocalLogs

ORGS = ["osce", "csto", "sco", "nato"]
CANARY = "CANARY-concern-5d1e"
TEXT = {
    "title": "Troops at the Batken border",
    "text": "Both sides moved heavy weapons to the enclave of Vorukh.",
    "sources": ["https://example.org/report-1", "field report of 2022-09-12"],
}


def concern_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "state": "KGZ",
        "other_state": "TJK",
        "severity": 3,
        "concerned": ["csto", "sco"],
        "public": True,
    }
    return {**args, **changes}


@pytest.fixture
def logs() -> LocalLogs:
    return LocalLogs(ORGS)


def verdict(logs: LocalLogs, entry: LoggedOp) -> tuple[str, str]:
    found = logs.reduce().verdict_at(entry.origin, entry.index)
    assert found is not None
    return found.status, found.code


def inner(reduction: Reduction, entry: LoggedOp) -> tuple[str, str]:
    """The verdict on the op inside the envelope at ``entry``, as this node keeps it."""
    found = reduction.inner_at(entry.origin, entry.index)
    assert found is not None
    return found.status, found.code


def raised(logs: LocalLogs, **changes: Any) -> LoggedOp:
    return logs.act(
        "osce",
        "concern.raise",
        "osce/k-1",
        role="delegate",
        args=concern_args(**changes),
        clear=TEXT,
    )


def node(logs: LocalLogs, org: str) -> Reduction:
    """Reduce as the node of ``org`` alone: its own encryption key only."""
    return reduce_ops(logs.entries(), Opener({org: logs.keys[org]}))


def test_public_concern_is_in_the_shared_state_with_its_raiser_concerned(logs: LocalLogs) -> None:
    entry = raised(logs)

    concern = logs.reduce().state.concerns["osce/k-1"]

    assert verdict(logs, entry) == ("applied", "")
    assert (concern.raised_by, concern.state, concern.other_state, concern.severity) == (
        "osce",
        "KGZ",
        "TJK",
        3,
    )
    assert sorted(concern.concerned) == ["csto", "osce", "sco"]


@pytest.mark.parametrize(
    ("changes", "clear", "role", "code"),
    [
        ({"other_state": "KGZ"}, TEXT, "delegate", "same_state"),
        ({}, {**TEXT, "title": "  "}, "delegate", "title_required"),
        ({}, {**TEXT, "text": " "}, "delegate", "text_required"),
        ({"public": False}, TEXT, "delegate", "op_must_be_sealed"),
        ({}, TEXT, "coordinator", "role_not_allowed"),
        ({}, TEXT, None, "role_not_allowed"),
    ],
)
def test_raise_refused_with_its_code_changes_nothing(
    logs: LocalLogs, changes: dict[str, Any], clear: dict[str, Any], role: str | None, code: str
) -> None:
    entry = logs.act(
        "osce", "concern.raise", "osce/k-1", role=role, args=concern_args(**changes), clear=clear
    )

    assert verdict(logs, entry) == ("rejected", code)
    assert logs.reduce().state.concerns == {}


def test_a_concern_is_named_in_its_raisers_namespace(logs: LocalLogs) -> None:
    entry = logs.act(
        "osce", "concern.raise", "csto/k-1", role="delegate", args=concern_args(), clear=TEXT
    )

    assert verdict(logs, entry) == ("rejected", "object_not_yours")


def test_another_organization_endorses_on_its_own_log(logs: LocalLogs) -> None:
    raised(logs)
    entry = logs.act(
        "nato", "concern.endorse", "osce/k-1", role="delegate", args={}, clear={"note": "Seen."}
    )

    reduction = logs.reduce()
    ops = {op.hash: op for op in public_ops(e.data for e in logs.entries())}

    assert verdict(logs, entry) == ("applied", "")
    assert project_concerns(reduction.state, ops)["osce/k-1"]["endorsements"] == [["nato", "Seen."]]


@pytest.mark.parametrize(
    ("actor", "code"),
    [("osce", "own_concern"), ("sco", "already_endorsed")],
)
def test_endorsement_refusals(logs: LocalLogs, actor: str, code: str) -> None:
    raised(logs)
    logs.act("sco", "concern.endorse", "osce/k-1", role="delegate", args={})

    entry = logs.act(actor, "concern.endorse", "osce/k-1", role="signatory", args={})

    assert verdict(logs, entry) == ("rejected", code)
    assert list(logs.reduce().state.concerns["osce/k-1"].endorsements) == ["sco"]


def test_endorsement_of_an_unknown_concern_is_refused(logs: LocalLogs) -> None:
    entry = logs.act("sco", "concern.endorse", "osce/k-9", role="delegate", args={})

    assert verdict(logs, entry) == ("rejected", "unknown_concern")


def test_an_endorsement_written_into_the_raisers_log_is_refused(logs: LocalLogs) -> None:
    raised(logs)
    endorsement = logs.act("sco", "concern.endorse", "osce/k-1", role="delegate", args={})
    forged = LoggedOp("osce", 1, "osce", endorsement.data)

    result = reduce_ops([*logs.entries(), forged])

    forged_verdict = result.verdict_at("osce", 1)
    assert forged_verdict is not None
    assert forged_verdict.code == "actor_not_log_owner"
    assert result.digest() == logs.reduce().digest()


def test_only_the_raiser_closes_and_a_closed_concern_takes_no_endorsement(
    logs: LocalLogs,
) -> None:
    raised(logs)
    by_other = logs.act("csto", "concern.close", "osce/k-1", role="delegate", args={})
    closed = logs.act("osce", "concern.close", "osce/k-1", role="delegate", args={})
    again = logs.act("osce", "concern.close", "osce/k-1", role="delegate", args={})
    late = logs.act("sco", "concern.endorse", "osce/k-1", role="delegate", args={})

    assert [verdict(logs, e) for e in (by_other, closed, again, late)] == [
        ("rejected", "not_raiser"),
        ("applied", ""),
        ("rejected", "concern_closed"),
        ("rejected", "concern_closed"),
    ]
    assert logs.reduce().state.concerns["osce/k-1"].status == "closed"


def _raise_confidential(logs: LocalLogs) -> LoggedOp:
    return logs.act_sealed(
        "osce",
        "concern.raise",
        "osce/k-2",
        meeting="osce/k-2",
        role="delegate",
        args=concern_args(public=False, concerned=["csto"]),
        clear={**TEXT, "text": CANARY},
    )


def test_confidential_concern_is_read_by_the_organizations_concerned_only(
    logs: LocalLogs,
) -> None:
    entry = _raise_confidential(logs)

    nodes = {org: node(logs, org) for org in ORGS}

    assert json.loads(entry.data)["kind"] == "sealed"
    assert CANARY.encode() not in entry.data
    assert len({r.digest() for r in nodes.values()}) == 1
    assert {org: list(r.confidential.concerns) for org, r in nodes.items()} == {
        "osce": ["osce/k-2"],
        "csto": ["osce/k-2"],
        "sco": [],
        "nato": [],
    }
    read = project_concerns(nodes["csto"].confidential, nodes["csto"].sealed_ops)
    assert read["osce/k-2"]["text"] == CANARY
    for outsider in ("sco", "nato"):
        assert nodes[outsider].sealed_ops == {}
        assert CANARY not in repr(nodes[outsider])


def test_confidential_concern_endorsed_sealed_by_a_concerned_organization(
    logs: LocalLogs,
) -> None:
    _raise_confidential(logs)
    entry = logs.act_sealed(
        "csto",
        "concern.endorse",
        "osce/k-2",
        meeting="osce/k-2",
        role="delegate",
        args={},
        clear={"note": "Confirmed."},
    )

    csto = node(logs, "csto")

    assert inner(csto, entry) == ("applied", "")
    assert csto.confidential.concerns["osce/k-2"].endorsements.keys() == {"csto"}
    assert node(logs, "osce").private_digest() == csto.private_digest()


def test_an_outsider_endorsing_a_confidential_concern_is_refused_by_the_concerned(
    logs: LocalLogs,
) -> None:
    _raise_confidential(logs)
    # NATO is not concerned; it seals an endorsement to exactly the organizations concerned.
    entry = logs.act_sealed(
        "nato",
        "concern.endorse",
        "osce/k-2",
        meeting="osce/k-2",
        role="delegate",
        args={},
        recipients=["csto", "osce"],
    )

    csto = node(logs, "csto")

    assert inner(csto, entry) == ("rejected", "not_concerned")
    assert csto.confidential.concerns["osce/k-2"].endorsements == {}


def test_confidential_concern_sealed_to_an_outsider_is_refused_and_not_kept(
    logs: LocalLogs,
) -> None:
    entry = logs.act_sealed(
        "osce",
        "concern.raise",
        "osce/k-3",
        meeting="osce/k-3",
        role="delegate",
        args=concern_args(public=False, concerned=["csto"]),
        clear={**TEXT, "text": CANARY},
        recipients=["osce", "csto", "nato"],
    )

    nato = node(logs, "nato")
    csto = node(logs, "csto")

    assert inner(csto, entry) == ("rejected", "recipients_mismatch")
    assert inner(nato, entry) == ("rejected", "not_kept")
    assert nato.sealed_ops == {}
    assert nato.confidential.concerns == {}


def test_a_confidential_concern_is_not_endorsed_in_clear(logs: LocalLogs) -> None:
    _raise_confidential(logs)

    entry = logs.act("csto", "concern.endorse", "osce/k-2", role="delegate", args={})

    assert verdict(logs, entry) == ("rejected", "unknown_concern")


def _random_concerns(rng: random.Random, *, name_heads: bool) -> LocalLogs:
    """Concerns of four organizations, raised, endorsed and closed, some acts invalid."""
    logs = LocalLogs(ORGS)
    made: list[str] = []
    for step in range(rng.randint(8, 30)):
        actor = rng.choice(ORGS)
        kind = rng.choice(["concern.raise", "concern.endorse", "concern.endorse", "concern.close"])
        if not made or kind == "concern.raise":
            others = sorted(rng.sample([o for o in ORGS if o != actor], rng.randint(0, 3)))
            target = f"{actor}/k-{step}"
            made.append(target)
            logs.act(
                actor,
                "concern.raise",
                target,
                role=rng.choice(["delegate", "delegate", "coordinator"]),
                args=concern_args(concerned=others, severity=rng.randint(1, 4)),
                clear={**TEXT, "title": f"C{step}"},
                after=None if name_heads else [],
            )
            continue
        logs.act(
            actor,
            kind,
            rng.choice(made),
            role="delegate",
            args={},
            after=None
            if name_heads
            else rng.sample(heads := logs.heads(), rng.randint(0, min(len(heads), 2))),
        )
    return logs


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_concerns_converge_whatever_the_order_of_arrival(seed: int) -> None:
    rng = random.Random(seed)
    logs = _random_concerns(rng, name_heads=False)
    entries = logs.entries()
    shuffled = rng.sample(entries, len(entries))

    first, second = reduce_ops(entries), reduce_ops(shuffled + entries[: len(entries) // 3])

    assert first.digest() == second.digest()
    assert first.verdicts_digest() == second.verdicts_digest()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_concern_ops_extended_one_by_one_give_the_reduction_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    logs = _random_concerns(rng, name_heads=True)
    entries = logs.entries()
    written = [
        next(e for e in entries if (e.origin, e.index) == (p.origin, p.index))
        for p in order_ops(entries).ordered
    ]
    running = reduce_ops(written[:1])

    verdicts = [extend_reduction(running, entry) for entry in written[1:]]
    reference = reduce_ops(entries)

    assert None not in verdicts
    assert running.digest() == reference.digest()
    assert running.verdicts == reference.verdicts


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_confidential_concerns_converge_and_stay_with_the_organizations_concerned(
    seed: int,
) -> None:
    rng = random.Random(seed)
    logs = LocalLogs(ORGS)
    made: dict[str, tuple[set[str], str]] = {}  # concern -> (concerned, canary)
    for step in range(rng.randint(3, 10)):
        actor = rng.choice(ORGS)
        if not made or rng.random() < 0.4:
            others = sorted(rng.sample([o for o in ORGS if o != actor], rng.randint(0, 2)))
            target, canary = f"{actor}/k-{step}", f"CANARY-{seed}-{step}"
            made[target] = ({actor, *others}, canary)
            logs.act_sealed(
                actor,
                "concern.raise",
                target,
                meeting=target,
                role="delegate",
                args=concern_args(public=False, concerned=others),
                clear={**TEXT, "text": canary},
                # Now and then misaddressed: an outsider let in, or a concerned left out.
                recipients=rng.sample(ORGS, rng.randint(1, 4)) if rng.random() < 0.2 else None,
            )
            continue
        target = rng.choice(sorted(made))
        concerned = made[target][0]
        logs.act_sealed(
            actor,
            rng.choice(["concern.endorse", "concern.close"]),
            target,
            meeting=target,
            role="delegate",
            args={},
            recipients=sorted(concerned) if rng.random() < 0.9 else ORGS,
        )
    entries = logs.entries()

    nodes = {
        org: reduce_ops(rng.sample(entries, len(entries)), Opener({org: logs.keys[org]}))
        for org in ORGS
    }

    assert len({r.digest() for r in nodes.values()}) == 1
    assert len({r.verdicts_digest() for r in nodes.values()}) == 1
    for concern_id, (concerned, canary) in made.items():
        held = {
            json.dumps(r.confidential.concerns[concern_id].to_json())
            for org, r in nodes.items()
            if concern_id in r.confidential.concerns
        }
        assert len(held) <= 1, concern_id  # one state on every node that reads it
        for org, reduction in nodes.items():
            if org not in concerned:
                assert concern_id not in reduction.confidential.concerns
                assert canary not in repr(reduction)

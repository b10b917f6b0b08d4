"""Proof files of a decision (issue 16, item 6): made from the logs, checked offline.

The files are made by the real services from real logs (SQLite or PostgreSQL), checked by
the pure checker and the command line; every tampering is refused with its own message.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from sideline.cli import main
from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import create_meeting, propose_decision, respond_to_decision
from sideline.record.checkpoint import Checkpoint, generate_cosigner_key
from sideline.record.entry import build_entry, sign_entry
from sideline.record.errors import ProofError
from sideline.record.merkle import Frontier, hash_leaf
from sideline.record.models import Peer, Replica, ReplicaCheckpoint, ReplicaEntry
from sideline.record.note import generate_signer_key, parse_signer_key, sign_note
from sideline.record.policy import parse_policy
from sideline.record.proof import MAX_PROOF_BYTES, check_bundle
from sideline.record.proof_text import proof_sentences
from sideline.record.proving import (
    PROOF_CACHE_SECONDS,
    ProofUnavailableError,
    node_policy,
    prove_object,
)
from sideline.record.services import witness_round
from tests.meetings.conftest import ORGS, Cast

TEXT = "The organizations set up a **joint working group** on counter-narcotics."


def _public_meeting(cast: Cast) -> Meeting:
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Counter-narcotics on the sidelines",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 9, 25),
        timezone_name="America/New_York",
        topic="counter-narcotics",
        public=True,
    )


@pytest.fixture
def public_adopted(cast: Cast) -> Decision:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"),
        meeting=_public_meeting(cast),
        title="Joint working group",
        text=TEXT,
    )
    for org in ORGS:
        respond_to_decision(actor=cast.of(org, "signatory"), decision=decision, position="approve")
    witness_round()
    decision.refresh_from_db()
    return decision


@pytest.fixture
def bundle(public_adopted: Decision) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(prove_object(public_adopted.op_id))
    return document


def _policy(quorum: str = "group enough 2 csto nato osce\nquorum enough") -> bytes:
    lines = [
        line for line in node_policy().splitlines() if not line.startswith(("group", "quorum"))
    ]
    return ("\n".join(lines) + "\n" + quorum + "\n").encode()


def _check(document: dict[str, Any], policy: bytes | None = None, expect: str | None = None) -> Any:
    data = json.dumps(document).encode()
    return check_bundle(data, parse_policy(policy or _policy()), expect=expect)


def _refusal(
    document: dict[str, Any], policy: bytes | None = None, expect: str | None = None
) -> str:
    with pytest.raises(ProofError) as caught:
        _check(document, policy, expect)
    return f"{caught.value.code}: {caught.value.message}"


def _edit_leaf(document: dict[str, Any], number: int, edit: Callable[[bytes], bytes]) -> None:
    head, _, rest = document["proofs"][number].partition("\nindex ")
    prefix, extra = head.split("\nextra ")
    leaf = edit(base64.b64decode(extra))
    document["proofs"][number] = f"{prefix}\nextra {base64.b64encode(leaf).decode()}\nindex {rest}"


def test_proof_round_trip_lists_every_op_in_order(public_adopted: Decision) -> None:
    facts = check_bundle(
        prove_object(public_adopted.op_id), parse_policy(_policy()), expect=public_adopted.op_id
    )

    assert [(op.organization, op.kind, op.args.get("position")) for op in facts.ops] == [
        ("nato", "decision.propose", None),
        ("nato", "decision.respond", "approve"),
        ("csto", "decision.respond", "approve"),
        ("osce", "decision.respond", "approve"),
    ]
    assert facts.title == "Joint working group"
    assert facts.witnesses == {
        "sideline.example/record/nato": ("csto", "osce"),
        "sideline.example/record/csto": ("nato", "osce"),
        "sideline.example/record/osce": ("csto", "nato"),
    }


def test_proof_sentences_in_english_and_russian(public_adopted: Decision) -> None:
    facts = check_bundle(prove_object(public_adopted.op_id), parse_policy(_policy()))
    op_id = public_adopted.op_id

    sentences = proof_sentences(facts)

    assert list(sentences) == [code for code, _ in settings.LANGUAGES]
    assert {code: sentences[code] for code in ("en", "ru")} == {
        "en": "The logs of NATO, CSTO and OSCE, each checkpoint signed by its log's key in the "
        "policy and cosigned to the policy's quorum, hold these operations on "
        f"{op_id} “Joint working group”: NATO proposed it; NATO approved; CSTO approved; "
        "OSCE approved.",
        "ru": "Журналы NATO, CSTO и OSCE, где каждая контрольная точка подписана ключом своего "
        "журнала из политики и заверена кворумом свидетелей политики, содержат следующие "
        f"операции по {op_id} «Joint working group»: NATO предложила его; NATO одобрила; "
        "CSTO одобрила; OSCE одобрила.",
    }


def test_proof_quorum_both_ways(bundle: dict[str, Any]) -> None:
    # Each log is cosigned by the two other organizations: two of three holds, all fails.
    assert len(_check(bundle, _policy("group enough 2 csto nato osce\nquorum enough")).ops) == 4
    assert len(_check(bundle, _policy("quorum none")).ops) == 4
    assert _refusal(bundle, _policy("group all3 all csto nato osce\nquorum all3")) == (
        "quorum_not_met: the checkpoint of proof 1 is cosigned by csto, osce of the policy, "
        "below its quorum (group all3: 3 of csto, nato, osce)"
    )
    assert _refusal(bundle, _policy("quorum nato")).startswith(
        "quorum_not_met: the checkpoint of proof 1 is cosigned by csto, osce of the policy"
    )


def test_truncated_file_refused(public_adopted: Decision) -> None:
    data = prove_object(public_adopted.op_id)

    with pytest.raises(ProofError) as caught:
        check_bundle(data[: len(data) // 2], parse_policy(_policy()))

    assert caught.value.code == "bad_proof_file"
    assert caught.value.message.startswith("the file is not complete JSON (truncated or altered?)")


def test_altered_op_refused(bundle: dict[str, Any]) -> None:
    _edit_leaf(
        bundle, 2, lambda leaf: leaf.replace(b'"position":"approve"', b'"position":"object"')
    )

    assert _refusal(bundle).startswith(
        "not_included: the entry of proof 3 is not included at index 0 of "
        "sideline.example/record/csto (size 1): "
    )


def test_altered_inclusion_proof_refused(bundle: dict[str, Any]) -> None:
    lines = bundle["proofs"][0].split("\n")
    hash_line = next(i for i, line in enumerate(lines) if line.startswith("index ")) + 1
    lines[hash_line] = base64.b64encode(bytes(32)).decode()
    bundle["proofs"][0] = "\n".join(lines)

    assert _refusal(bundle).startswith(
        "not_included: the entry of proof 1 is not included at index 1 of "
        "sideline.example/record/nato (size 3)"
    )


def test_altered_checkpoint_refused(bundle: dict[str, Any]) -> None:
    head, _, checkpoint = bundle["proofs"][3].partition("\n\n")
    origin, size, _root, rest = checkpoint.split("\n", 3)
    bundle["proofs"][3] = (
        f"{head}\n\n{origin}\n{size}\n{base64.b64encode(bytes(32)).decode()}\n{rest}"
    )

    assert _refusal(bundle).startswith(
        "bad_checkpoint: the checkpoint of proof 4 does not verify ("
    )


def test_altered_cosignature_refused(bundle: dict[str, Any]) -> None:
    proof = bundle["proofs"][2]
    line = next(
        x for x in proof.split("\n") if x.startswith("— sideline.example/record/nato/witness")
    )
    name, signature = line.rsplit(" ", 1)
    raw = bytearray(base64.b64decode(signature))
    raw[-1] ^= 1
    bundle["proofs"][2] = proof.replace(line, f"{name} {base64.b64encode(bytes(raw)).decode()}")

    assert _refusal(bundle).startswith(
        "bad_cosignature: the checkpoint of proof 3 has a cosignature by "
        "sideline.example/record/nato/witness+"
    )


def test_checkpoint_signed_by_unknown_key_refused(bundle: dict[str, Any]) -> None:
    # The policy lists another key under NATO's log's name: NATO's real signature is unknown.
    _, other = generate_signer_key("sideline.example/record/nato")
    lines = [x for x in _policy().decode().splitlines() if "record/nato+" not in x]
    policy = "\n".join([f"log {other}", *lines]) + "\n"

    assert _refusal(bundle, policy.encode()) == (
        "unknown_key: the checkpoint of proof 1 is not signed by a key the policy lists for "
        "'sideline.example/record/nato'"
    )


def test_log_missing_from_policy_refused(bundle: dict[str, Any]) -> None:
    policy = "\n".join(x for x in _policy().decode().splitlines() if "record/osce+" not in x)

    assert _refusal(bundle, policy.encode() + b"\n") == (
        "unknown_log: the checkpoint of proof 4 is from the log "
        "'sideline.example/record/osce', which the policy does not list"
    )


def test_witness_the_policy_does_not_know_does_not_count(bundle: dict[str, Any]) -> None:
    _stranger, vkey = generate_cosigner_key("stranger.example/witness")
    policy = _policy(f"witness stranger {vkey}\nquorum stranger")

    assert _refusal(bundle, policy) == (
        "quorum_not_met: the checkpoint of proof 1 is cosigned by csto, osce of the policy, "
        "below its quorum (witness stranger)"
    )


def test_proof_of_another_decision_refused(bundle: dict[str, Any]) -> None:
    assert _refusal(bundle, expect="nato/d-0000000000000000") == (
        f"wrong_object: the file proves {bundle['object']!r}, not 'nato/d-0000000000000000' "
        "as asked"
    )


def test_entry_about_another_object_refused(cast: Cast, bundle: dict[str, Any]) -> None:
    other = propose_decision(
        actor=cast.of("nato", "delegate"),
        meeting=Meeting.objects.get(public=True),
        title="Another",
        text="Another text.",
    )
    witness_round()
    bundle["proofs"].append(json.loads(prove_object(other.op_id))["proofs"][0])

    assert _refusal(bundle) == (
        f"wrong_object: the operation of proof 5 is about {other.op_id!r}, not {bundle['object']!r}"
    )


def test_repeated_entry_refused(bundle: dict[str, Any]) -> None:
    bundle["proofs"].append(bundle["proofs"][0])

    assert _refusal(bundle) == (
        "duplicate_proof: proof 5 repeats entry 1 of sideline.example/record/nato"
    )


def test_unsupported_versions_refused(bundle: dict[str, Any]) -> None:
    assert _refusal({**bundle, "format": "sideline.proof/2"}) == (
        "unsupported_version: the format is 'sideline.proof/2'; this checker reads "
        "'sideline.proof/1'"
    )
    bundle["proofs"][1] = bundle["proofs"][1].replace("tlog-proof@v1", "tlog-proof@v2", 1)
    assert _refusal(bundle) == (
        "unsupported_version: proof 2 starts with 'c2sp.org/tlog-proof@v2', not "
        "'c2sp.org/tlog-proof@v1'"
    )


def test_file_over_the_limit_refused(public_adopted: Decision) -> None:
    data = prove_object(public_adopted.op_id)
    padded = data[:-2] + b" " * (MAX_PROOF_BYTES - len(data) + 1) + data[-2:]

    with pytest.raises(ProofError) as caught:
        check_bundle(padded, parse_policy(_policy()))

    assert (caught.value.code, len(padded)) == ("proof_too_large", MAX_PROOF_BYTES + 1)
    assert check_bundle(data, parse_policy(_policy())).object == public_adopted.op_id


def test_not_yet_checkpointed_decision_has_no_proof(cast: Cast) -> None:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"), meeting=_public_meeting(cast), title="T", text="Text."
    )

    with pytest.raises(ProofUnavailableError) as caught:
        prove_object(decision.op_id)

    assert caught.value.code == "not_checkpointed"
    assert "is in no checkpoint yet" in caught.value.message


# -- the command line ---------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_cli_prove_then_check_proof(
    public_adopted: Decision, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("record", "prove", f"decision/{public_adopted.pk}")
    proof = _write(tmp_path, "d.json", capsys.readouterr().out.encode())
    call_command("record", "policy")
    policy = _write(tmp_path, "policy", capsys.readouterr().out.encode())

    call_command(
        "record",
        "check-proof",
        proof,
        "--policy",
        policy,
        "--decision",
        f"decision/{public_adopted.op_id}",
    )

    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        f"[{code}]" for code, _ in settings.LANGUAGES
    ]
    assert lines[0].endswith("NATO proposed it; NATO approved; CSTO approved; OSCE approved.")


def test_cli_messages_name_the_file_and_the_fault(bundle: dict[str, Any], tmp_path: Path) -> None:
    policy = _write(tmp_path, "policy", _policy())
    good = json.dumps(bundle).encode()
    cases = {
        "cut.json": (good[:300], "the file is not complete JSON"),
        "other.json": (good, "not 'nato/d-0' as asked"),
    }
    for name, (data, expected) in cases.items():
        path = _write(tmp_path, name, data)
        with pytest.raises(CommandError) as caught:
            call_command(
                "record", "check-proof", path, "--policy", policy, "--decision", "nato/d-0"
            )
        assert str(caught.value).startswith(f"{path}: ")
        assert expected in str(caught.value)

    bad_policy = _write(tmp_path, "bad-policy", b"log nonsense\nquorum none\n")
    with pytest.raises(CommandError) as caught:
        call_command("record", "check-proof", path, "--policy", bad_policy)
    assert str(caught.value).startswith(f"{bad_policy}: policy line 1: the log key is not a vkey (")
    with pytest.raises(CommandError) as caught:
        call_command("record", "check-proof", str(tmp_path / "missing"), "--policy", policy)
    assert str(caught.value) == (
        f"{tmp_path / 'missing'}: cannot read the proof file: No such file or directory"
    )


def test_cli_refuses_file_over_the_limit(tmp_path: Path, db: None) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(MAX_PROOF_BYTES + 1)
    policy = _write(tmp_path, "policy", b"quorum none\n")

    with pytest.raises(CommandError) as caught:
        call_command("record", "check-proof", str(path), "--policy", policy)

    assert str(caught.value) == (
        f"{path}: the proof file is larger than {MAX_PROOF_BYTES} bytes, the limit"
    )


# -- confidential decisions, the page, the endpoints ---------------------------------


def test_confidential_decision_has_no_proof(cast: Cast, adopted: Decision) -> None:
    witness_round()

    with pytest.raises(ProofUnavailableError) as caught:
        prove_object(adopted.op_id)
    assert caught.value.code == "nothing_to_prove"
    with pytest.raises(CommandError) as refused:
        call_command("record", "prove", f"decision/{adopted.pk}")
    assert str(refused.value) == (
        f"decision/{adopted.pk}: its meeting is confidential; its operations are sealed on the "
        "logs and no proof file is made for them (docs/proofs.md)"
    )
    participant = Client()
    participant.force_login(cast.of("csto", "signatory"))
    assert participant.get(f"/record/proof/{adopted.op_id}").status_code == 404
    page = participant.get(f"/meetings/decisions/{adopted.pk}/")
    assert page.status_code == 200
    assert b"/record/proof/" not in page.content


def test_public_decision_page_links_its_proof_for_anyone(public_adopted: Decision) -> None:
    anonymous = Client()

    page = anonymous.get(f"/meetings/decisions/{public_adopted.pk}/")
    download = anonymous.get(f"/record/proof/{public_adopted.op_id}")
    api = anonymous.get(f"/api/record/proofs/{public_adopted.op_id}")

    assert f'href="/record/proof/{public_adopted.op_id}" download'.encode() in page.content
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{public_adopted.op_id.replace("/", "-")}.sideline-proof.json"'
    )
    assert download.content == prove_object(public_adopted.op_id)
    assert api.status_code == 200
    assert api.json() == json.loads(download.content)


def test_proof_endpoints_of_unknown_object(db: None) -> None:
    client = Client()

    assert client.get("/record/proof/nato/d-0000").status_code == 404
    response = client.get("/api/record/proofs/nato/d-0000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "nothing_to_prove"


def test_proof_download_answers_from_a_cache_for_a_minute(cast: Cast) -> None:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"), meeting=_public_meeting(cast), title="T", text="Text."
    )
    client = Client()
    url = f"/record/proof/{decision.op_id}"

    before = client.get(url)
    witness_round()
    cached = client.get(url)
    cache.clear()
    after = client.get(url)

    assert (before.status_code, cached.status_code, after.status_code) == (409, 409, 200)
    assert before.content.startswith(b"entry 1 of sideline.example/record/nato is in no checkpoint")
    assert PROOF_CACHE_SECONDS == 60


def test_node_policy_page_is_a_valid_tlog_policy(public_adopted: Decision) -> None:
    response = Client().get("/record/policy")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == node_policy()
    policy = parse_policy(response.content)
    assert sorted(policy.logs) == [f"sideline.example/record/{org}" for org in sorted(ORGS)]
    assert sorted(policy.witnesses) == sorted(ORGS)
    assert policy.describe_quorum() == "group enough: 2 of csto, nato, osce"


def test_proof_takes_ops_from_a_peers_replica(public_adopted: Decision) -> None:
    # The SCO answers from its own node: its log reaches this node as a trusted replica.
    origin = "sco.example/record/sco"
    log_skey, log_vkey = generate_signer_key(origin)
    entry_signer = parse_signer_key(generate_signer_key(origin + "/entries")[0])
    witness, witness_vkey = generate_cosigner_key("sco.example/record/cis/witness")
    when = datetime(2013, 9, 25, 14, 0, tzinfo=UTC)
    subjects = ["sco/m-1", public_adopted.op_id, "sco/d-2"]
    leaves = []
    for subject in subjects:
        op = {
            "schema": "sideline.op/1",
            "kind": "decision.respond",
            "actor": "sco",
            "prev": None,
            "after": [],
            "object": subject,
            "role": "signatory",
            "args": {"position": "approve", "text_sha256": "ab" * 32},
        }
        entry = build_entry(
            kind="op.decision.respond", organization="sco", time=when, subject=subject, payload=op
        )
        leaves.append(sign_entry(entry, signer=entry_signer))
    tree = Frontier()
    tree.extend(hash_leaf(leaf) for leaf in leaves)
    head = Checkpoint(origin, len(leaves), tree.root())
    note = sign_note(head.text(), signers=[parse_signer_key(log_skey)])
    note += witness.cosign(head, timestamp=1380117600).line().encode()
    replica = Replica.objects.create(
        peer=Peer.objects.create(url="https://sco.example/"),
        organization="sco",
        origin=origin,
        log_keys=[log_vkey],
        size=len(leaves),
        root_hash=tree.root(),
    )
    for index, leaf in enumerate(leaves):
        ReplicaEntry.objects.create(
            replica=replica, index=index, leaf=leaf, leaf_hash=hash_leaf(leaf)
        )
    ReplicaCheckpoint.objects.create(
        replica=replica, size=len(leaves), root_hash=tree.root(), note=note
    )
    # The node's policy lists the replica's log key (pinned here); these add its witness.
    strict = _policy(f"witness cis {witness_vkey}\ngroup two 2 cis csto nato osce\nquorum two")
    lenient = _policy(f"witness cis {witness_vkey}\ngroup one any cis csto nato osce\nquorum one")
    document = json.loads(prove_object(public_adopted.op_id))

    facts = _check(document, lenient)

    # Ops are in the order of their entries' times: the SCO's entry is dated 2013.
    assert [(op.organization, op.index) for op in facts.ops] == [
        ("sco", 1),
        ("nato", 1),
        ("nato", 2),
        ("csto", 0),
        ("osce", 0),
    ]
    assert facts.witnesses[origin] == ("cis",)
    assert _refusal(document, strict) == (
        "quorum_not_met: the checkpoint of proof 5 is cosigned by cis of the policy, below its "
        "quorum (group two: 2 of cis, csto, nato, osce)"
    )


def test_cli_exit_codes_and_one_line_on_stderr(
    bundle: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = _write(tmp_path, "policy", _policy())
    good = _write(tmp_path, "good.json", json.dumps(bundle).encode())
    bundle["proofs"][0] = bundle["proofs"][0].replace("index 1\n", "index 2\n", 1)
    bad = _write(tmp_path, "bad.json", json.dumps(bundle).encode())

    good_code = main(["record", "check-proof", good, "--policy", policy])
    good_out = capsys.readouterr()
    with pytest.raises(SystemExit) as bad_exit:
        main(["record", "check-proof", bad, "--policy", policy])
    bad_out = capsys.readouterr()

    assert (good_code, len(good_out.out.splitlines()), good_out.err) == (
        0,
        len(settings.LANGUAGES),
        "",
    )
    assert bad_exit.value.code == 1
    assert bad_out.out == ""
    assert bad_out.err.startswith(
        f"CommandError: {bad}: the entry of proof 1 is not included at index 2 of "
        "sideline.example/record/nato (size 3): "
    )
    assert len(bad_out.err.splitlines()) == 1

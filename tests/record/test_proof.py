"""The pure proof core: C2SP tlog-proof text, C2SP tlog-policy files and their quorum rule."""

from __future__ import annotations

import json

import pytest

from sideline.record.checkpoint import generate_cosigner_key
from sideline.record.note import generate_signer_key
from sideline.record.proof import (
    FORMAT,
    MAX_POLICY_BYTES,
    MAX_PROOFS,
    ProofError,
    TlogProof,
    check_bundle,
    format_tlog_proof,
    parse_policy,
    parse_tlog_proof,
)

CHECKPOINT = (
    "example.com/fancylog\n109482\nsFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=\n\n"
    "— example.com/fancylog hI2DJwAAAA==\n"
)


def _log_vkey(name: str = "example.com/log") -> str:
    return generate_signer_key(name)[1]


def _witness_vkey(name: str) -> str:
    return generate_cosigner_key(name)[1]


def test_tlog_proof_round_trip_in_the_c2sp_layout() -> None:
    proof = TlogProof(73894, (bytes(range(32)), bytes(32)), CHECKPOINT.encode(), b"leaf")

    text = format_tlog_proof(proof)

    assert text == (
        "c2sp.org/tlog-proof@v1\nextra bGVhZg==\nindex 73894\n"
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n" + CHECKPOINT
    )
    assert parse_tlog_proof(text) == proof


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("c2sp.org/tlog-proof@v1\nindex 1\n", "the proof has no checkpoint after a blank line"),
        ("c2sp.org/tlog-proof@v1\nextra bGVhZg==\n\n" + CHECKPOINT, "the proof has no index line"),
        (
            "c2sp.org/tlog-proof@v1\nindex 01\n\n" + CHECKPOINT,
            "the index '01' of the proof is not a decimal",
        ),
        (
            "c2sp.org/tlog-proof@v1\nextra *\nindex 1\n\n" + CHECKPOINT,
            "the extra line of the proof is not base64",
        ),
        (
            "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n" + CHECKPOINT,
            "hash 1 of the proof is not 32 bytes",
        ),
    ],
)
def test_malformed_tlog_proof_refused(text: str, message: str) -> None:
    with pytest.raises(ProofError) as caught:
        parse_tlog_proof(text)

    assert (caught.value.code, caught.value.message) == ("bad_tlog_proof", message)


def test_policy_nested_groups_as_in_the_specification() -> None:
    x = [_witness_vkey(f"x{n}.example") for n in (1, 2, 3)]
    y = [_witness_vkey(f"y{n}.example") for n in (1, 2, 3)]
    text = "\n".join(
        [
            "# the example of c2sp.org/tlog-policy",
            f"log {_log_vkey()}",
            *(f"witness X{n} {k}" for n, k in enumerate(x, start=1)),
            "group X-witnesses 2 X1 X2 X3",
            *(f"\twitness Y{n} {k} https://y.example/" for n, k in enumerate(y, start=1)),
            "group Y-witnesses any Y1 Y2 Y3",
            "group X-and-Y all X-witnesses Y-witnesses",
            "quorum X-and-Y",
        ]
    )

    policy = parse_policy(text.encode())

    assert list(policy.logs) == ["example.com/log"]
    assert policy.satisfied({"X1", "X3", "Y2"})
    assert not policy.satisfied({"X1", "Y1", "Y2", "Y3"})
    assert not policy.satisfied({"X1", "X2", "X3"})
    assert policy.describe_quorum() == "group X-and-Y: 2 of X-witnesses, Y-witnesses"


def test_policy_quorum_none_and_single_witness() -> None:
    log = _log_vkey()
    w = _witness_vkey("w.example")

    assert parse_policy(f"log {log}\nquorum none\n".encode()).satisfied(set())
    single = parse_policy(f"log {log}\nwitness W {w}\nquorum W\n".encode())
    assert (single.satisfied({"W"}), single.satisfied(set())) == (True, False)


def test_policy_errors_name_the_line() -> None:
    log, w = _log_vkey(), _witness_vkey("w.example")
    cases = {
        f"log {log}\n": "the policy has no quorum line",
        "quorum none\n": "the policy names no log",
        f"log {log}\nquorum W\n": "policy line 2: 'W' is not defined on a line above",
        f"log {log}\nquorum none\nquorum none\n": "policy line 3: a policy has exactly one quorum line",
        f"log {log}\nlog {log}\nquorum none\n": "policy line 2: this key is already in the policy",
        f"log {log}\nwitness A {w}\nwitness B {w}\nquorum A\n": "policy line 3: this key is already in the policy",
        f"log {log}\nwitness A {w}\ngroup G 2 A\nquorum G\n": "policy line 3: the threshold '2' is not all, any or 1..1",
        f"log {log}\nwitness A {w}\ngroup G any A A\nquorum G\n": "policy line 3: a member is listed twice",
        f"log {log}\nwitness none {w}\nquorum none\n": "policy line 2: the name 'none' is already defined",
        f"log {log}\nwitness A {log}\nquorum A\n": "policy line 2: the witness key is not a cosignature vkey (type 0x01 is not cosignature/v1)",
        f"log {log}\nlogs {log}\nquorum none\n": "policy line 2: unknown keyword 'logs'",
        f"log {log}\x00\nquorum none\n": "the policy holds a control character other than tab",
    }
    for text, message in cases.items():
        with pytest.raises(ProofError) as caught:
            parse_policy(text.encode())
        assert caught.value.code == "bad_policy"
        assert caught.value.message.startswith(message), (text, caught.value.message)


def test_policy_over_the_limit_refused() -> None:
    with pytest.raises(ProofError) as caught:
        parse_policy(b"#" * (MAX_POLICY_BYTES + 1))

    assert caught.value.message == f"the policy is larger than {MAX_POLICY_BYTES} bytes"


def test_deeply_nested_file_refused_without_a_traceback() -> None:
    policy = parse_policy(f"log {_log_vkey()}\nquorum none\n".encode())

    with pytest.raises(ProofError) as caught:
        check_bundle(b"[" * 200_000 + b"]" * 200_000, policy)

    assert (caught.value.code, caught.value.message) == (
        "bad_proof_file",
        "the file's JSON is nested too deeply",
    )


def test_file_with_too_many_proofs_refused() -> None:
    policy = parse_policy(f"log {_log_vkey()}\nquorum none\n".encode())
    data = json.dumps({"format": FORMAT, "object": "nato/d-1", "proofs": ["x"] * (MAX_PROOFS + 1)})

    with pytest.raises(ProofError) as caught:
        check_bundle(data.encode(), policy)

    assert (caught.value.code, caught.value.message) == (
        "proof_too_large",
        f"the file holds more than {MAX_PROOFS} proofs",
    )

"""The pure proof core: C2SP tlog-proof text and proof files checked against a policy."""

from __future__ import annotations

import json

import pytest

from sideline.record.checkpoint import generate_cosigner_key
from sideline.record.errors import ProofError
from sideline.record.note import generate_signer_key
from sideline.record.policy import parse_policy
from sideline.record.proof import (
    FORMAT,
    MAX_PROOFS,
    TlogProof,
    check_bundle,
    format_tlog_proof,
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

"""Tests of sideline.record.witness with the reference witness's TestUpdate cases."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sideline.record.checkpoint import Checkpoint, Cosigner, count_cosignatures
from sideline.record.errors import WitnessRequestError
from sideline.record.merkle import EMPTY_ROOT
from sideline.record.note import parse_signer_key, parse_verifier_key, sign_note
from sideline.record.witness import (
    WitnessResponse,
    WitnessState,
    parse_add_checkpoint_request,
    process_add_checkpoint,
)

COSIGNER = Cosigner("witness", Ed25519PrivateKey.from_private_bytes(b"\x09" * 32))


@pytest.fixture(scope="module")
def vectors() -> dict[str, Any]:
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; the witness vectors need it")
    path = Path(root) / "tlog-vectors" / "extracted" / "witness-update-vectors.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def _body(old: int, proof: list[bytes], note: str) -> bytes:
    lines = [f"old {old}"] + [base64.b64encode(p).decode() for p in proof]
    return ("\n".join(lines) + "\n\n" + note).encode()


def _call(
    vectors: dict[str, Any], *, stored: WitnessState | None, old: int, proof: list[bytes], note: str
) -> WitnessResponse:
    request = parse_add_checkpoint_request(_body(old, proof, note))
    return process_add_checkpoint(
        request,
        log_keys={"monkeys": [parse_verifier_key(vectors["log_vkey"])]},
        stored=stored,
        cosigners=[COSIGNER],
        timestamp=1_700_000_000,
    )


def _sign(vectors: dict[str, Any], size: int, root: bytes, skey: str = "log_skey") -> str:
    text = Checkpoint("monkeys", size, root).text()
    return sign_note(text, signers=[parse_signer_key(vectors[skey])]).decode()


def _proof(vectors: dict[str, Any]) -> list[bytes]:
    return [bytes.fromhex(h) for h in vectors["consistency_proof_5_to_8"]]


def test_happy_path_cosigns_and_returns_new_state(vectors: dict[str, Any]) -> None:
    root5 = bytes.fromhex(vectors["root_size5_hex"])
    response = _call(
        vectors,
        stored=WitnessState(5, root5),
        old=5,
        proof=_proof(vectors),
        note=vectors["checkpoint_size8"],
    )
    assert (response.status, response.code) == (200, "ok")
    assert response.new_state == WitnessState(8, bytes.fromhex(vectors["root_size8_hex"]))
    quorum = count_cosignatures(
        vectors["checkpoint_size8"] + response.body.decode(),
        witnesses=[COSIGNER.verifier()],
        quorum=1,
    )
    assert quorum.timestamps == {f"witness+{COSIGNER.key_id:08x}": 1_700_000_000}


def test_update_cases(vectors: dict[str, Any]) -> None:
    root5 = bytes.fromhex(vectors["root_size5_hex"])
    root8 = bytes.fromhex(vectors["root_size8_hex"])
    cp5, cp8 = vectors["checkpoint_size5"], vectors["checkpoint_size8"]
    other_root5 = bytes.fromhex("fffffffffffffffe") + root5[8:]
    cases = {
        "stale old size": _call(vectors, stored=WitnessState(5, root5), old=2,
                                proof=_proof(vectors), note=cp8),
        "size 0 with proof": _call(vectors, stored=None, old=0, proof=_proof(vectors), note=cp5),
        "size 0 garbage proof": _call(vectors, stored=None, old=0, proof=[b"\x02"], note=cp5),
        "resubmit identical": _call(vectors, stored=WitnessState(5, root5), old=5, proof=[],
                                    note=cp5),
        "same size other root": _call(vectors, stored=WitnessState(5, root5), old=5, proof=[],
                                      note=_sign(vectors, 5, other_root5)),
        "missing proof": _call(vectors, stored=WitnessState(4, root5), old=4, proof=[],
                               note=cp5),
        "rollback": _call(vectors, stored=WitnessState(8, root8), old=8, proof=[], note=cp5),
        "garbage proof": _call(vectors, stored=WitnessState(5, root5), old=5,
                               proof=[b"\xaa\xaa", b"\xbb\xbb", b"\xcc\xcc", b"\xdd\xdd"],
                               note=cp8),
        "first checkpoint": _call(vectors, stored=None, old=0, proof=[], note=cp5),
        "unknown origin": _call(vectors, stored=None, old=0, proof=[],
                                note=_sign(vectors, 5, root5).replace("monkeys\n", "apes\n")),
        "other log key": _call(vectors, stored=None, old=0, proof=[],
                               note=sign_note(Checkpoint("monkeys", 5, root5).text(), signers=[
                                   parse_signer_key(vectors["other_log_skey"])]).decode()),
        "forged signature": _call(vectors, stored=None, old=0, proof=[],
                                  note=cp5.replace("monkeys\n5\n", "monkeys\n6\n")),
        "size 0 wrong root": _call(vectors, stored=None, old=0, proof=[],
                                   note=_sign(vectors, 0, root5)),
        "size 0 empty root": _call(vectors, stored=None, old=0, proof=[],
                                   note=_sign(vectors, 0, EMPTY_ROOT)),
    }  # fmt: skip
    assert {name: (r.status, r.code) for name, r in cases.items()} == {
        "stale old size": (409, "stale_old_size"),
        "size 0 with proof": (422, "proof_not_empty"),
        "size 0 garbage proof": (422, "proof_not_empty"),
        "resubmit identical": (200, "ok"),
        "same size other root": (422, "root_mismatch"),
        "missing proof": (422, "invalid_proof"),
        "rollback": (400, "old_size_too_large"),
        "garbage proof": (422, "invalid_proof"),
        "first checkpoint": (200, "ok"),
        "unknown origin": (404, "unknown_log"),
        "other log key": (403, "no_verified_signature"),
        "forged signature": (403, "invalid_signature"),
        "size 0 wrong root": (422, "bad_empty_root"),
        "size 0 empty root": (200, "ok"),
    }
    stale = cases["stale old size"]
    assert (stale.body, stale.content_type) == (b"5\n", "text/x.tlog.size")
    assert all(r.new_state is None for r in cases.values() if r.status != 200)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff", "the body is not UTF-8"),
        (b"old 5\n", "the body has no blank line before the note"),
        (b"old 05\n\nx", "the first line must be 'old <size>'"),
        (b"new 5\n\nx", "the first line must be 'old <size>'"),
        (b"old 5\n!!\n\nx", "a proof line is not base64"),
        (b"old 5\n" + b"AAAA\n" * 64 + b"\nx", "more than 63 proof lines"),
        (b"old 5\n\nmonkeys\n5\n", "bad checkpoint: the note has no blank line before signatures"),
    ],
)
def test_parse_add_checkpoint_request_rejects_malformed(body: bytes, message: str) -> None:
    with pytest.raises(WitnessRequestError) as info:
        parse_add_checkpoint_request(body)
    assert (info.value.code, info.value.message) == ("bad_request", message)

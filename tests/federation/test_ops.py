"""The operation format: round trips, and one exact code and field per malformed op."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from sideline.federation.canonical import canonical_bytes
from sideline.federation.errors import OpError
from sideline.federation.ops import MAX_OP_BYTES, build_op, clear_content_hash, encode_op, parse_op

SEALED = {"suite": "hpke-x25519-sha256-chacha20poly1305", "sha256": "ab" * 32, "size": 120}


def op_json(**changes: Any) -> dict[str, Any]:
    clear = {"reason": "The text is not ready."}
    obj: dict[str, Any] = {
        "schema": "sideline.op/1",
        "kind": "decision.respond",
        "actor": "csto",
        "role": "signatory",
        "prev": "11" * 32,
        "after": ["22" * 32, "33" * 32],
        "object": "nato/d-1",
        "args": {"position": "object", "text_sha256": "44" * 32},
        "content": {"clear": clear},
        "content_sha256": clear_content_hash(clear),
    }
    obj.update(changes)
    return {k: v for k, v in obj.items() if v is not ...}


def code_and_field(obj: Any) -> tuple[str, str | None]:
    with pytest.raises(OpError) as caught:
        parse_op(canonical_bytes(obj))
    return caught.value.code, caught.value.field


def test_parse_returns_fields_and_hash_of_bytes() -> None:
    data = canonical_bytes(op_json())

    op = parse_op(data)

    assert (op.kind, op.actor, op.role, op.object_id, op.after) == (
        "decision.respond",
        "csto",
        "signatory",
        "nato/d-1",
        ("22" * 32, "33" * 32),
    )
    assert op.clear == {"reason": "The text is not ready."}
    assert encode_op(op) == data
    assert op.hash == hashlib.sha256(data).hexdigest()


def test_build_sorts_after_and_computes_content_hash() -> None:
    op = build_op(
        kind="decision.respond",
        actor="csto",
        role="signatory",
        prev=None,
        after=["33" * 32, "22" * 32, "33" * 32],
        object_id="nato/d-1",
        args={"position": "approve", "text_sha256": "44" * 32},
    )

    assert op.after == ("22" * 32, "33" * 32)
    assert parse_op(encode_op(op)) == op


def test_sealed_content_round_trips() -> None:
    op = build_op(
        kind="decision.withdraw",
        actor="nato",
        role="delegate",
        prev=None,
        after=(),
        object_id="nato/d-1",
        args={},
        sealed=SEALED,
        content_sha256="55" * 32,
    )

    assert (op.sealed, op.clear, op.content_sha256) == (True, None, "55" * 32)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"schema": "sideline.op/2"}, "bad_schema", "schema"),
        ({"kind": "decision.veto"}, "bad_value", "kind"),
        ({"actor": "CSTO"}, "bad_format", "actor"),
        ({"actor": "x" * 65}, "string_too_long", "actor"),
        ({"role": "secretary"}, "bad_value", "role"),
        ({"prev": "11" * 31}, "string_too_short", "prev"),
        ({"prev": "G" * 64}, "bad_format", "prev"),
        ({"after": ["33" * 32, "22" * 32]}, "not_sorted", "after"),
        ({"after": ["22" * 32, "22" * 32]}, "not_sorted", "after"),
        ({"after": [f"{n:064x}" for n in range(33)]}, "list_too_long", "after"),
        ({"object": "d-1"}, "bad_format", "object"),
        ({"args": {"position": "approve"}}, "missing_field", "args.text_sha256"),
        ({"args": {"position": "maybe", "text_sha256": "44" * 32}}, "bad_value", "args.position"),
        (
            {"args": {"position": "approve", "text_sha256": "44" * 32, "x": 1}},
            "unknown_field",
            "args.x",
        ),
        ({"args": []}, "wrong_type", "args"),
        ({"extra": 1}, "unknown_field", "extra"),
        ({"prev": ...}, "missing_field", "prev"),
        ({"content_sha256": ...}, "missing_field", "content_sha256"),
        ({"content_sha256": "00" * 32}, "content_hash_mismatch", "content_sha256"),
        ({"content": {"clear": {"reason": "x"}, "sealed": SEALED}}, "bad_content", "content"),
        ({"content": {"clear": {"reason": "r" * 5001}}}, "string_too_long", "content.clear.reason"),
        ({"content": {"clear": {"reason": "a\x00b"}}}, "bad_text", "content.clear.reason"),
        ({"content": {"sealed": {**SEALED, "size": 0}}}, "bad_value", "content.sealed.size"),
        (
            {"content": {"sealed": {**SEALED, "sha256": "AB" * 32}}},
            "bad_format",
            "content.sealed.sha256",
        ),
    ],
)
def test_malformed_op_refused_with_code_and_field(
    changes: dict[str, Any], code: str, field: str
) -> None:
    assert code_and_field(op_json(**changes)) == (code, field)


def test_oversized_op_refused_before_parsing() -> None:
    with pytest.raises(OpError) as caught:
        parse_op(b" " * (MAX_OP_BYTES + 1))

    assert (caught.value.code, caught.value.message) == (
        "op_too_large",
        "the operation is 60001 bytes; the limit is 60000: carry long content sealed, by hash",
    )


def test_long_minutes_within_field_limit_still_bounded_by_op_size() -> None:
    with pytest.raises(OpError) as caught:
        build_op(
            kind="minutes.draft",
            actor="nato",
            role="delegate",
            prev=None,
            after=(),
            object_id="nato/m-1",
            args={},
            clear={"text": "я" * 40_000},
        )

    assert caught.value.code == "op_too_large"


def test_integers_only() -> None:
    data = canonical_bytes(op_json()).replace(b'"args":{', b'"args":{"n":1.0,', 1)

    with pytest.raises(OpError) as caught:
        parse_op(data)

    assert caught.value.code == "not_integer"


def test_not_an_object_refused() -> None:
    assert code_and_field([1]) == ("wrong_type", None)


def test_documented_example_is_a_valid_op_with_the_documented_hash() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "federation.md").read_text()
    # The page's one op example (its other JSON blocks are other formats, e.g. the
    # federation file).
    (block,) = [b for b in re.findall(r"```json\n(.*?)```", text, re.S) if "sideline.op/1" in b]

    op = parse_op(canonical_bytes(json.loads(block)))

    assert (op.kind, op.actor, op.object_id) == ("decision.respond", "csto", "nato/d-1")
    assert op.hash == "1cc410944c5ee411aa623bc06264fc0f50a2f79968f3f58bdefea4598c2524f4"
    assert f"`{op.hash[:8]}…{op.hash[-4:]}`" in text

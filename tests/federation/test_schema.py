"""The JSON Schema in docs/ is generated from the format's declaration and agrees with it."""

from __future__ import annotations

import json
import random
import runpy
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sideline.federation.errors import OpError
from sideline.federation.ops import KINDS, encode_op
from sideline.federation.schema import Int, List, Obj, Str
from sideline.federation.writer import LocalLogs

ROOT = Path(__file__).resolve().parents[2]


def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (ROOT / "docs" / "schemas" / "op-1.schema.json").read_text()
    )
    return loaded


def test_schema_file_is_current() -> None:
    render = runpy.run_path(str(ROOT / "scripts" / "op_schema.py"))["render"]

    assert (ROOT / "docs" / "schemas" / "op-1.schema.json").read_text(
        encoding="utf-8"
    ) == render(), "run: python scripts/op_schema.py"


def test_ops_of_every_kind_validate_against_schema(logs: LocalLogs, commitment: str) -> None:
    sealed = {"suite": "hpke-x25519-sha256-chacha20poly1305", "sha256": "ab" * 32, "size": 9}
    m, h = "nato/m-1", "12" * 32
    acts: list[tuple[str, str, str, dict[str, Any], dict[str, Any] | None]] = [
        ("nato", "meeting.add_participant", m, {"organization": "sco"}, None),
        ("nato", "agenda.set", m, {}, {"items": ["Opening"]}),
        (
            "nato",
            "agenda.set",
            m,
            {},
            {"items": ["Opening"], "versions": [{"language": "zh-hans", "items": ["开幕"]}]},
        ),
        (
            "nato",
            "meeting.title",
            m,
            {},
            {"title": "Talks", "language": "en", "versions": [{"language": "ru", "title": "П"}]},
        ),
        ("csto", "agenda.propose", m, {"proposal": "p1"}, {"title": "Routes"}),
        ("csto", "agenda.propose", m, {"proposal": "p2"}, {"title": "Liaison"}),
        ("nato", "agenda.accept", m, {"proposal": "csto/p1"}, None),
        ("nato", "agenda.decline", m, {"proposal": "csto/p2"}, {"reason": "Later"}),
        ("csto", "delegation.accept", m, {"delegate": "d1"}, None),
        ("csto", "delegation.approve", m, {"delegate": "d1"}, None),
        (
            "osce",
            "document.add",
            m,
            {"document": "a", "sha256": h, "size": 9, "media_type": "text/plain"},
            {"title": "A", "filename": "a.txt"},
        ),
        ("nato", "minutes.draft", m, {}, {"text": "Met."}),
        ("nato", "minutes.circulate", m, {"minutes_sha256": h}, None),
        ("csto", "minutes.agree", m, {"minutes_sha256": h}, None),
        ("nato", "minutes.lock", m, {"minutes_sha256": h}, None),
        ("csto", "decision.edit", "csto/d-1", {}, {"title": "T", "text": "X"}),
        (
            "osce",
            "decision.break_silence",
            "csto/d-1",
            {"text_sha256": h, "at": "2013-10-01T15:00:00Z"},
            {"reason": "Not yet"},
        ),
        (
            "csto",
            "decision.extend",
            "csto/d-1",
            {"deadline": "2013-10-08T16:00:00Z", "at": "2013-10-01T15:00:00Z"},
            None,
        ),
        ("nato", "decision.observe", "csto/d-1", {"at": "2013-10-01T17:00:00Z"}, None),
        ("csto", "decision.withdraw", "csto/d-1", {}, {"reason": "Moot"}),
        (
            "osce",
            "commitment.report",
            commitment,
            {"percent": 5, "milestone": None},
            {"note": "Begun"},
        ),
        ("osce", "commitment.close", commitment, {"closed_as": "done"}, None),
        (
            "osce",
            "concern.raise",
            "osce/k-1",
            {
                "state": "KGZ",
                "other_state": "TJK",
                "severity": 3,
                "concerned": ["csto"],
                "public": True,
            },
            {"title": "Border", "text": "Troops", "sources": ["https://example.org/r"]},
        ),
        ("csto", "concern.endorse", "osce/k-1", {}, {"note": "Seen"}),
        ("osce", "concern.close", "osce/k-1", {}, None),
        (
            "osce",
            "calendar.publish",
            "osce/cal-1",
            {
                "year": 2013,
                "version": 1,
                "calendar_sha256": h,
                "meetings": [{"request": "r1", "organizations": ["csto", "nato"]}],
            },
            None,
        ),
        (
            "nato",
            "calendar.respond",
            "osce/cal-1",
            {"request": "r1", "answer": "confirm", "calendar_sha256": h},
            None,
        ),
    ]
    for actor, kind, object_id, args, clear in acts:
        logs.act(actor, kind, object_id, role="signatory", args=args, clear=clear)
    logs.act(
        "csto",
        "delegation.name",
        m,
        role="signatory",
        args={"delegate": "d1"},
        sealed=sealed,
        content_sha256=h,
    )
    logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/p-1",
        meeting="nato/p-1",
        role="delegate",
        args={
            "date": "2013-09-24",
            "timezone": "UTC",
            "cohost": None,
            "participants": ["csto"],
            "public": False,
        },
        clear={"title": "Confidential"},
    )
    logs.act_sealed(
        "nato",
        "meeting.add_participant",
        "nato/p-1",
        meeting="nato/p-1",
        role="delegate",
        args={"organization": "osce"},
    )
    logs.reshare("nato", "nato/p-1")
    validator = jsonschema.Draft202012Validator(_schema())

    kinds = set()
    for entry in logs.entries():
        obj = json.loads(entry.data)
        validator.validate(obj)
        kinds.add(obj["kind"])
    for inner in logs.reduce().sealed_ops.values():  # the ops inside the envelopes
        obj = json.loads(encode_op(inner))
        validator.validate(obj)
        kinds.add(obj["kind"])

    assert kinds == set(KINDS)


@pytest.mark.parametrize(
    "obj",
    [
        {"schema": "sideline.op/1"},
        {
            "schema": "sideline.op/1",
            "kind": "agenda.set",
            "actor": "nato",
            "prev": None,
            "after": [],
            "object": "nato/m-1",
            "args": {},
        },
        {
            "schema": "sideline.op/1",
            "kind": "meeting.add_participant",
            "actor": "nato",
            "prev": None,
            "after": [],
            "object": "nato/m-1",
            "args": {"organization": "sco"},
            "content": {"clear": {}},
            "content_sha256": "00" * 32,
        },
    ],
)
def test_schema_refuses_what_the_parser_refuses(obj: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(obj, _schema())


def test_validators_name_the_path_and_limit() -> None:
    spec = Obj({"items": List(Str(3), 2)}, {"n": Int(0, 5)})
    cases = [
        ({"items": ["abcd"]}, "string_too_long", "x.items[0]"),
        ({"items": ["a", "b", "c"]}, "list_too_long", "x.items"),
        ({"items": [], "n": 6}, "bad_value", "x.n"),
        ({"items": [], "m": 1}, "unknown_field", "x.m"),
        ({}, "missing_field", "x.items"),
    ]
    found = []
    for value, _code, _field in cases:
        with pytest.raises(OpError) as caught:
            spec.check(value, "x")
        found.append((value, caught.value.code, caught.value.field))

    assert found == cases


def test_generated_schema_agrees_with_validators_on_random_values() -> None:
    rng = random.Random(4)
    spec = Obj({"a": Str(4, min_length=1, pattern=r"[a-z]+")}, {"b": List(Int(0, 3), 2)})
    validator = jsonschema.Draft202012Validator(spec.json_schema())
    for _ in range(300):
        value: dict[str, Any] = {"a": "".join(rng.choice("ab1") for _ in range(rng.randint(0, 5)))}
        if rng.random() < 0.5:
            value["b"] = [rng.randint(-1, 4) for _ in range(rng.randint(0, 3))]
        try:
            spec.check(value, "")
            ours = True
        except OpError:
            ours = False
        assert ours == validator.is_valid(value), value

"""Each kind's fields and limits: what it carries and the codes of what it refuses."""

from __future__ import annotations

from typing import Any

import pytest

from sideline.federation.canonical import canonical_bytes
from sideline.federation.errors import OpError
from sideline.federation.kinds import KINDS
from sideline.federation.ops import clear_content_hash, parse_op
from sideline.federation.reducer import ROLES_BY_KIND


def op_json(**changes: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "schema": "sideline.op/1",
        "actor": "csto",
        "role": "signatory",
        "prev": None,
        "after": [],
        "object": "nato/d-1",
    }
    obj.update(changes)
    return obj


def code_and_field(obj: Any) -> tuple[str, str | None]:
    with pytest.raises(OpError) as caught:
        parse_op(canonical_bytes(obj))
    return caught.value.code, caught.value.field


def test_creating_kinds_and_every_kind_has_roles() -> None:
    assert sorted(k for k, spec in KINDS.items() if spec.creates) == [
        "calendar.publish",
        "commitment.make",
        "concern.raise",
        "decision.propose",
        "meeting.create",
        "sealed",
    ]
    assert set(ROLES_BY_KIND) == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "args", "content", "code", "field"),
    [
        (
            "meeting.add_participant",
            {"organization": "sco"},
            {"clear": {}},
            "unknown_field",
            "content",
        ),
        ("agenda.set", {}, None, "missing_field", "content"),
        (
            "concern.raise",
            {
                "state": "kgz",
                "other_state": None,
                "severity": 2,
                "concerned": [],
                "public": True,
            },
            {"clear": {"title": "t", "text": "x", "sources": []}},
            "bad_format",
            "args.state",
        ),
        (
            "concern.raise",
            {
                "state": "KGZ",
                "other_state": None,
                "severity": 5,
                "concerned": [],
                "public": True,
            },
            {"clear": {"title": "t", "text": "x", "sources": []}},
            "bad_value",
            "args.severity",
        ),
        (
            "concern.endorse",
            {},
            {"clear": {"note": "x" * 501}},
            "string_too_long",
            "content.clear.note",
        ),
        (
            "agenda.set",
            {},
            {"clear": {"items": ["x" * 301]}},
            "string_too_long",
            "content.clear.items[0]",
        ),
        ("agenda.set", {}, {"clear": {"items": ["a\nb"]}}, "bad_text", "content.clear.items[0]"),
        (
            "agenda.set",
            {},
            {"clear": {"items": ["x"] * 101}},
            "list_too_long",
            "content.clear.items",
        ),
        (
            "meeting.create",
            {
                "date": "2013-02-30",
                "timezone": "UTC",
                "cohost": None,
                "participants": [],
                "public": True,
            },
            {"clear": {"title": "T"}},
            "bad_format",
            "args.date",
        ),
        (
            "meeting.create",
            {
                "date": "2013-02-03",
                "timezone": "utc",
                "cohost": None,
                "participants": [],
                "public": True,
            },
            {"clear": {"title": "T"}},
            "bad_format",
            "args.timezone",
        ),
        (
            "meeting.create",
            {
                "date": "2013-02-03",
                "timezone": "UTC",
                "cohost": None,
                "participants": [],
                "public": 1,
            },
            {"clear": {"title": "T"}},
            "wrong_type",
            "args.public",
        ),
        (
            "commitment.report",
            {"percent": 101, "milestone": None},
            None,
            "bad_value",
            "args.percent",
        ),
        (
            "commitment.report",
            {"percent": True, "milestone": None},
            None,
            "wrong_type",
            "args.percent",
        ),
        (
            "document.add",
            {
                "document": "x",
                "sha256": "12" * 32,
                "size": 10 * 1024 * 1024 + 1,
                "media_type": "application/pdf",
            },
            {"clear": {"title": "T", "filename": "a.pdf"}},
            "bad_value",
            "args.size",
        ),
        (
            "document.add",
            {"document": "x", "sha256": "12" * 32, "size": 1, "media_type": "text/html"},
            {"clear": {"title": "T", "filename": "a.pdf"}},
            "bad_value",
            "args.media_type",
        ),
        (
            "calendar.publish",
            {
                "year": 2013,
                "version": 1,
                "calendar_sha256": "12" * 32,
                "meetings": [{"request": "r", "organizations": ["nato"]}],
            },
            None,
            "list_too_short",
            "args.meetings[0].organizations",
        ),
    ],
)
def test_kind_specific_shape_refused(
    kind: str, args: dict[str, Any], content: dict[str, Any] | None, code: str, field: str
) -> None:
    obj = op_json(kind=kind, args=args)
    if content is not None:
        obj["content"] = content
        obj["content_sha256"] = clear_content_hash(content["clear"])

    assert code_and_field(obj) == (code, field)

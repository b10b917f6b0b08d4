"""The operation format ``sideline.op/1``: build, encode, parse and validate.

An operation is one change to shared state, made by one organization and carried in
that organization's own signed log. It is RFC 8785 canonical JSON::

    {"schema": "sideline.op/1", "kind": "decision.respond", "actor": "csto",
     "role": "signatory", "prev": "<hash of csto's previous op>|null",
     "after": ["<hashes of ops it builds on or has seen>"], "object": "nato/d-1",
     "args": {"position": "approve", "text_sha256": "…"},
     "content": {"clear": {"reason": "…"}}, "content_sha256": "…"}

Its hash is the SHA-256 of those bytes. ``args`` are structural and always in clear (the
reducer enforces rules on them); ``content`` is what people read, either in clear or a
``sealed`` placeholder (the suite, SHA-256 and size of a ciphertext carried beside the
log) with ``content_sha256`` the hash of the clear content's canonical JSON in both cases.
See docs/federation.md for every field and limit.

>>> op = build_op(kind="meeting.add_participant", actor="nato", role="delegate", prev=None,
...               after=(), object_id="nato/m-1", args={"organization": "osce"})
>>> parse_op(encode_op(op)) == op
True
>>> parse_op(b'{"schema":"sideline.op/2"}')
Traceback (most recent call last):
...
sideline.federation.errors.OpError: bad_schema: schema: this node reads sideline.op/1 (got 'sideline.op/2')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sideline.federation.canonical import canonical_bytes, decode_canonical, sha256_hex
from sideline.federation.errors import OpError
from sideline.federation.kinds import (
    HASH,
    KINDS,
    OBJECT_ID,
    ROLES,
    SLUG,
    KindSpec,
)
from sideline.federation.schema import AnyObj, Enum, Int, List, Nullable, Obj, Str, Validator

__all__ = [
    "KINDS",
    "MAX_OP_BYTES",
    "ROLES",
    "SCHEMA",
    "KindSpec",
    "Op",
    "build_op",
    "clear_content_hash",
    "encode_op",
    "op_json_schema",
    "parse_op",
]

SCHEMA = "sideline.op/1"
# An op travels as the payload of a record entry, whose signed leaf is at most 65535
# bytes; 60,000 leaves room for the entry's own fields and signature.
MAX_OP_BYTES = 60_000
MAX_AFTER = 32


def _obj(required: Mapping[str, Validator], optional: Mapping[str, Validator] | None = None) -> Obj:
    return Obj(required=required, optional=optional or {})


_SEALED = _obj(
    {
        "suite": Str(64, min_length=1, pattern=r"[a-z0-9-]+", description="a suite name"),
        "sha256": HASH,
        "size": Int(1, 16 * 1024 * 1024),
    }
)
_ENVELOPE = _obj(
    {
        "schema": Str(32),
        "kind": Enum(tuple(KINDS)),
        "actor": SLUG,
        "prev": Nullable(HASH),
        "after": List(HASH, MAX_AFTER, sorted_unique=True),
        "object": OBJECT_ID,
        "args": AnyObj(),  # checked per kind below
    },
    {"role": Enum(ROLES), "content": AnyObj(), "content_sha256": HASH},
)


@dataclass(frozen=True, eq=False)
class Op:
    """One parsed, well-formed operation; ``hash`` is the SHA-256 of its canonical bytes.

    Two ops are equal when their hashes are.
    """

    kind: str
    actor: str
    role: str | None
    prev: str | None
    after: tuple[str, ...]
    object_id: str
    args: Mapping[str, Any]
    content: Mapping[str, Any] | None
    content_sha256: str | None
    hash: str
    size: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Op) and other.hash == self.hash

    def __hash__(self) -> int:
        return hash(self.hash)

    @property
    def clear(self) -> Mapping[str, Any] | None:
        """The clear content, or ``None`` when there is none or it is sealed."""
        if self.content is None:
            return None
        clear: Mapping[str, Any] | None = self.content.get("clear")
        return clear

    @property
    def sealed(self) -> bool:
        return self.content is not None and "sealed" in self.content

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "schema": SCHEMA,
            "kind": self.kind,
            "actor": self.actor,
            "prev": self.prev,
            "after": list(self.after),
            "object": self.object_id,
            "args": dict(self.args),
        }
        if self.role is not None:
            obj["role"] = self.role
        if self.content is not None:
            obj["content"] = dict(self.content)
            obj["content_sha256"] = self.content_sha256
        return obj


def clear_content_hash(clear: Mapping[str, Any]) -> str:
    """Return ``content_sha256`` of clear content: the SHA-256 of its canonical JSON.

    A sealed op carries the same hash of its plaintext; confidential content therefore
    holds a random ``salt`` so that the hash does not confirm a guessed text.

    >>> clear_content_hash({"reason": "no"})[:16]
    '3c09c1fd74c3a10a'
    """
    return sha256_hex(canonical_bytes(dict(clear)))


def _validate(obj: Any) -> None:
    if not isinstance(obj, dict):
        raise OpError("wrong_type", "an operation is a JSON object", field=None)
    if obj.get("schema") != SCHEMA:
        raise OpError(
            "bad_schema",
            f"schema: this node reads {SCHEMA} (got {obj.get('schema')!r})",
            field="schema",
        )
    _ENVELOPE.check(obj, "")
    spec = KINDS[obj["kind"]]
    spec.args.check(obj["args"], "args")
    content = obj.get("content")
    if (content is None) != ("content_sha256" not in obj):
        raise OpError(
            "missing_field",
            "content_sha256: give it with content, and only with content",
            field="content_sha256",
        )
    if content is None:
        if spec.content_required:
            raise OpError(
                "missing_field", f"content: {obj['kind']} carries content", field="content"
            )
        return
    if spec.content is None:
        raise OpError(
            "unknown_field", f"content: {obj['kind']} carries no content", field="content"
        )
    if set(content) == {"clear"}:
        spec.content.check(content["clear"], "content.clear")
        if clear_content_hash(content["clear"]) != obj["content_sha256"]:
            raise OpError(
                "content_hash_mismatch",
                "content_sha256: is not the SHA-256 of the clear content's canonical JSON",
                field="content_sha256",
            )
    elif set(content) == {"sealed"}:
        _SEALED.check(content["sealed"], "content.sealed")
    else:
        raise OpError(
            "bad_content", "content: give exactly one of clear and sealed", field="content"
        )


def parse_op(data: bytes) -> Op:
    """Parse and validate the canonical bytes of an operation.

    Raises:
        OpError: ``op_too_large``, ``not_json``, ``not_canonical``, ``not_integer``,
            ``bad_schema``, ``missing_field``, ``unknown_field``, ``wrong_type``,
            ``string_too_long``, ``string_too_short``, ``list_too_long``, ``list_too_short``,
            ``not_sorted``, ``duplicate_item``, ``bad_format``, ``bad_value``, ``bad_text``,
            ``bad_content`` or ``content_hash_mismatch``, with ``field`` naming the value.
    """
    if len(data) > MAX_OP_BYTES:
        raise OpError(
            "op_too_large",
            f"the operation is {len(data)} bytes; the limit is {MAX_OP_BYTES}: "
            "carry long content sealed, by hash",
        )
    obj = decode_canonical(data)
    _validate(obj)
    content = obj.get("content")
    return Op(
        kind=obj["kind"],
        actor=obj["actor"],
        role=obj.get("role"),
        prev=obj["prev"],
        after=tuple(obj["after"]),
        object_id=obj["object"],
        args=MappingProxyType(obj["args"]),
        content=MappingProxyType(content) if content is not None else None,
        content_sha256=obj.get("content_sha256"),
        hash=sha256_hex(data),
        size=len(data),
    )


def build_op(
    *,
    kind: str,
    actor: str,
    role: str | None,
    prev: str | None,
    after: Iterable[str],
    object_id: str,
    args: Mapping[str, Any],
    clear: Mapping[str, Any] | None = None,
    sealed: Mapping[str, Any] | None = None,
    content_sha256: str | None = None,
) -> Op:
    """Build and validate an operation.

    Args:
        clear: clear content; its ``content_sha256`` is computed.
        sealed: the placeholder of encrypted content (``suite``, ``sha256``, ``size``);
            give its plaintext's ``content_sha256`` with it.

    Raises:
        OpError: as :func:`parse_op`.
    """
    obj: dict[str, Any] = {
        "schema": SCHEMA,
        "kind": kind,
        "actor": actor,
        "prev": prev,
        "after": sorted(set(after)),
        "object": object_id,
        "args": dict(args),
    }
    if role is not None:
        obj["role"] = role
    if clear is not None:
        obj["content"] = {"clear": dict(clear)}
        obj["content_sha256"] = clear_content_hash(clear)
    elif sealed is not None:
        obj["content"] = {"sealed": dict(sealed)}
        obj["content_sha256"] = content_sha256
    return parse_op(canonical_bytes(obj))


def encode_op(op: Op) -> bytes:
    """Return the canonical bytes of an operation (those its hash is taken of)."""
    return canonical_bytes(_plain(op.to_json()))


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def op_json_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``sideline.op/1`` (written to docs/schemas/op-1.schema.json)."""
    envelope = _ENVELOPE.json_schema()
    envelope["properties"]["schema"] = {"const": SCHEMA}
    envelope["properties"]["content"] = {
        "oneOf": [
            {
                "type": "object",
                "required": ["clear"],
                "additionalProperties": False,
                "properties": {"clear": {"type": "object"}},
            },
            {
                "type": "object",
                "required": ["sealed"],
                "additionalProperties": False,
                "properties": {"sealed": _SEALED.json_schema()},
            },
        ]
    }
    envelope["dependentRequired"] = {"content": ["content_sha256"], "content_sha256": ["content"]}
    rules = []
    for kind, spec in KINDS.items():
        then: dict[str, Any] = {"properties": {"args": spec.args.json_schema()}}
        if spec.content is None:
            then["not"] = {"required": ["content"]}
        else:
            then["properties"]["content"] = {
                "oneOf": [
                    {"required": ["clear"], "properties": {"clear": spec.content.json_schema()}},
                    {"required": ["sealed"]},
                ]
            }
            if spec.content_required:
                then["required"] = ["content"]
        rules.append({"if": {"properties": {"kind": {"const": kind}}}, "then": then})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://sideline.example/schemas/op-1.schema.json",
        "title": f"Sideline operation ({SCHEMA})",
        "description": "One change to shared state, in the acting organization's own log. "
        "Canonical JSON (RFC 8785), at most 60,000 bytes, integers only. "
        "See docs/federation.md.",
        **envelope,
        "allOf": rules,
    }

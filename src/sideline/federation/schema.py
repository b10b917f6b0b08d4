"""Small validators of JSON values that also write their JSON Schema.

The operation format is declared once with these (``ops.py``); the same declaration
validates operations and generates ``docs/schemas/op-1.schema.json``, so the two cannot
drift (``tests/federation/test_schema.py``).

>>> Str(max_length=3).check("abcd", "args.title")
Traceback (most recent call last):
...
sideline.federation.errors.OpError: string_too_long: args.title: at most 3 characters (got 4)
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sideline.federation.errors import OpError

__all__ = [
    "AnyObj",
    "Base64",
    "Bool",
    "Date",
    "Enum",
    "Int",
    "List",
    "Nullable",
    "Obj",
    "Str",
    "Validator",
]


class Validator(ABC):
    """Check a JSON value at a path; describe it as JSON Schema."""

    @abstractmethod
    def check(self, value: Any, path: str) -> None:
        """Raise ``OpError`` naming ``path`` when ``value`` does not fit."""

    @abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """Return the JSON Schema this validator enforces."""


def _type_error(path: str, expected: str, value: Any) -> OpError:
    got = {bool: "a boolean", int: "an integer", str: "a string", list: "a list", dict: "an object"}
    return OpError(
        "wrong_type",
        f"{path}: expected {expected}, got {got.get(type(value), 'null')}",
        field=path,
    )


# Control characters other than newline and tab have no place in a text; none in a line.
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Str(Validator):
    max_length: int
    min_length: int = 0
    pattern: str | None = None
    multiline: bool = False
    description: str = ""

    @functools.cached_property
    def _compiled(self) -> re.Pattern[str] | None:
        return None if self.pattern is None else re.compile(self.pattern)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        if len(value) > self.max_length:
            raise OpError(
                "string_too_long",
                f"{path}: at most {self.max_length} characters (got {len(value)})",
                field=path,
            )
        if len(value) < self.min_length:
            raise OpError(
                "string_too_short", f"{path}: at least {self.min_length} characters", field=path
            )
        if self._compiled is not None:
            if not self._compiled.fullmatch(value):
                raise OpError(
                    "bad_format", f"{path}: {value[:80]!r} is not {self.description}", field=path
                )
            return  # the formats of this package admit no control character
        control = _TEXT_CONTROL if self.multiline else _LINE_CONTROL
        if control.search(value):
            raise OpError("bad_text", f"{path}: control characters are not allowed", field=path)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.pattern is not None:
            schema["pattern"] = f"^(?:{self.pattern})$"
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Base64(Validator):
    """Bytes as unpadded base64url (RFC 4648 §5), in the one form that re-encodes alike.

    ``min_bytes`` and ``max_bytes`` bound the decoded length.
    """

    max_bytes: int
    min_bytes: int = 0

    @property
    def _max_chars(self) -> int:
        return -(-self.max_bytes * 4 // 3)

    def check(self, value: Any, path: str) -> None:
        _B64.check(value, path)
        if len(value) > self._max_chars:
            raise OpError(
                "string_too_long",
                f"{path}: at most {self.max_bytes} bytes, {self._max_chars} characters "
                f"(got {len(value)})",
                field=path,
            )
        data = decode_base64(value)
        # One value, one string: trailing bits that decode the same are refused.
        if data is None or encode_base64(data) != value:
            raise OpError("bad_format", f"{path}: not canonical unpadded base64url", field=path)
        if len(data) < self.min_bytes:
            raise OpError(
                "string_too_short", f"{path}: at least {self.min_bytes} bytes", field=path
            )

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "string",
            "contentEncoding": "base64url",
            "pattern": "^[A-Za-z0-9_-]*$",
            "maxLength": self._max_chars,
        }
        if self.min_bytes:
            schema["minLength"] = -(-self.min_bytes * 4 // 3)
        return schema


_B64 = Str(10**9, pattern=r"[A-Za-z0-9_-]*", description="unpadded base64url")


def encode_base64(data: bytes) -> str:
    """Return ``data`` as unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64(text: str) -> bytes | None:
    """Return the bytes of unpadded base64url ``text``, or ``None`` when it is not."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


@dataclass(frozen=True)
class Date(Validator):
    """An ISO 8601 calendar date, YYYY-MM-DD."""

    def check(self, value: Any, path: str) -> None:
        _DATE.check(value, path)
        try:
            date.fromisoformat(value)
        except ValueError:
            raise OpError(
                "bad_format", f"{path}: {value!r} is not a calendar date", field=path
            ) from None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


_DATE = Str(10, pattern=r"\d{4}-\d{2}-\d{2}", description="a date YYYY-MM-DD")


@dataclass(frozen=True)
class Int(Validator):
    minimum: int
    maximum: int

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _type_error(path, "an integer", value)
        if not self.minimum <= value <= self.maximum:
            raise OpError(
                "bad_value",
                f"{path}: give {self.minimum} to {self.maximum} (got {value})",
                field=path,
            )

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}


@dataclass(frozen=True)
class Bool(Validator):
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise _type_error(path, "a boolean", value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Enum(Validator):
    values: tuple[str, ...]

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise _type_error(path, "a string", value)
        if value not in self.values:
            raise OpError(
                "bad_value",
                f"{path}: use one of {', '.join(self.values)} (got {value[:40]!r})",
                field=path,
            )

    def json_schema(self) -> dict[str, Any]:
        return {"enum": list(self.values)}


@dataclass(frozen=True)
class Nullable(Validator):
    inner: Validator

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)

    def json_schema(self) -> dict[str, Any]:
        return {"anyOf": [self.inner.json_schema(), {"type": "null"}]}


@dataclass(frozen=True)
class List(Validator):
    item: Validator
    max_items: int
    min_items: int = 0
    unique: bool = False
    sorted_unique: bool = False

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise _type_error(path, "a list", value)
        if len(value) > self.max_items:
            raise OpError(
                "list_too_long",
                f"{path}: at most {self.max_items} items (got {len(value)})",
                field=path,
            )
        if len(value) < self.min_items:
            raise OpError("list_too_short", f"{path}: at least {self.min_items} items", field=path)
        for n, item in enumerate(value):
            self.item.check(item, f"{path}[{n}]")
        if self.sorted_unique and value != sorted(set(value)):
            raise OpError("not_sorted", f"{path}: list the items sorted, each once", field=path)
        if self.unique and len(set(map(repr, value))) != len(value):
            raise OpError("duplicate_item", f"{path}: list each item once", field=path)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "items": self.item.json_schema(),
            "maxItems": self.max_items,
        }
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique or self.sorted_unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class Obj(Validator):
    """An object with exactly these fields: ``required`` ones and ``optional`` ones."""

    required: Mapping[str, Validator]
    optional: Mapping[str, Validator] = field(default_factory=dict)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)
        prefix = f"{path}." if path else ""
        for name in self.required:
            if name not in value:
                raise OpError("missing_field", f"{prefix}{name}: required", field=f"{prefix}{name}")
        for name in sorted(value):
            validator = self.required.get(name) or self.optional.get(name)
            if validator is None:
                raise OpError(
                    "unknown_field", f"{prefix}{name}: no such field", field=f"{prefix}{name}"
                )
            validator.check(value[name], f"{prefix}{name}")

    def json_schema(self) -> dict[str, Any]:
        properties = {
            name: v.json_schema() for name, v in {**self.required, **self.optional}.items()
        }
        return {
            "type": "object",
            "required": sorted(self.required),
            "additionalProperties": False,
            "properties": properties,
        }


@dataclass(frozen=True)
class AnyObj(Validator):
    """An object whose fields another validator checks."""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _type_error(path, "an object", value)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object"}

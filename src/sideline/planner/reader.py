"""A reader of decoded JSON that collects every problem with its path, for `instance`.

Each getter returns the value, or ``None`` after recording an `Issue` (stable code, JSON
path, message), so that a parser reports all of a file's problems at once rather than
the first. Hand-written rather than a JSON Schema validator: the issues carry the
planner's own codes and messages, and the dates are checked against the product's range.

Example:
    >>> reader = Reader()
    >>> reader.integer({"rooms": "two"}, "rooms", "$.sessions[0]")
    >>> [str(issue) for issue in reader.issues]
    ['$.sessions[0].rooms: must be a positive integer']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sideline.validators import EARLIEST, LATEST

__all__ = ["Issue", "Reader"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an instance: stable code, JSON path, human message."""

    code: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Reader:
    """Collect issues while reading decoded JSON; each getter returns None on error."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, code: str, path: str, message: str) -> None:
        self.issues.append(Issue(code, path, message))

    def obj(self, value: object, path: str) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            self.add("not_an_object", path, "must be an object")
            return None
        return value

    def unknown_keys(self, data: Mapping[str, Any], path: str, allowed: set[str]) -> None:
        for key in sorted(set(data) - allowed, key=str):
            self.add("unknown_field", f"{path}.{key}", "is not a known field")

    def string(
        self, data: Mapping[str, Any], key: str, path: str, *, default: str | None = None
    ) -> str | None:
        where = f"{path}.{key}"
        if key not in data:
            if default is not None:
                return default
            self.add("required", where, "is required")
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.add("not_a_string", where, "must be a non-empty string")
            return None
        return value

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        default: int | None = None,
        minimum: int = 1,
        maximum: int | None = None,
    ) -> int | None:
        where = f"{path}.{key}"
        if key not in data:
            if default is not None:
                return default
            self.add("required", where, "is required")
            return None
        value = data[key]
        # bool is an int subclass in Python but never a count in JSON.
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            kind = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
            self.add("not_an_integer", where, f"must be {kind}")
            return None
        if maximum is not None and value > maximum:
            self.add("too_large", where, f"must be at most {maximum}")
            return None
        return value

    def boolean(self, data: Mapping[str, Any], key: str, path: str, *, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.add("not_a_boolean", f"{path}.{key}", "must be true or false")
            return default
        return value

    def fraction(self, data: Mapping[str, Any], key: str, path: str) -> float:
        value = data.get(key, 0.0)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or not 0.0 <= value <= 1.0
        ):
            self.add("not_a_fraction", f"{path}.{key}", "must be a number between 0 and 1")
            return 0.0
        return float(value)

    def date(
        self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True
    ) -> dt.date | None:
        where = f"{path}.{key}"
        if key not in data:
            if required:
                self.add("required", where, "is required")
            return None
        value = data[key]
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError(value)
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.add("not_a_date", where, "must be a date YYYY-MM-DD")
            return None
        if not EARLIEST <= day <= LATEST:
            self.add("date_out_of_range", where, f"must be from {EARLIEST} to {LATEST}")
            return None
        return day

    def string_list(
        self, data: Mapping[str, Any], key: str, path: str, *, known: set[str] | None
    ) -> list[str] | None:
        where = f"{path}.{key}"
        if key not in data:
            self.add("required", where, "is required")
            return None
        value = data[key]
        if not isinstance(value, list):
            self.add("not_a_list", where, "must be a list of strings")
            return None
        out: list[str] = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.add("not_a_string", f"{where}[{index}]", "must be a non-empty string")
            elif known is not None and item not in known:
                self.add("unknown_organization", f"{where}[{index}]", f"{item!r} is not listed")
            elif item in out:
                self.add("duplicate", f"{where}[{index}]", f"{item!r} is listed twice")
            else:
                out.append(item)
        return out

    def items(self, data: Mapping[str, Any], key: str, *, required: bool) -> list[Any]:
        if key not in data:
            if required:
                self.add("required", f"$.{key}", "is required")
            return []
        value = data[key]
        if not isinstance(value, list):
            self.add("not_a_list", f"$.{key}", "must be a list")
            return []
        return value

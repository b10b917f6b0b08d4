"""Read one table of the registry's data package (CSV or JSON) and check its cells.

Cells are checked against the registry's own Table Schema (the bundled
``datapackage.json``), never against the schema a package declares for itself: a
package that loosens a constraint must not slip a value past the loader.

A table may be a CSV file (UTF-8, with or without a byte-order mark) or a JSON file
in one of the two shapes Frictionless reads: a list of lists whose first row is the
header, or a list of objects keyed by column.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sideline.validators import EARLIEST, LATEST

__all__ = [
    "EARLIEST",
    "LATEST",
    "DataIssue",
    "Row",
    "check_cell",
    "duplicate_keys",
    "read_table",
]

Row = dict[str, str]

# A fact outside EARLIEST..LATEST (sideline.validators, the product's one range) is a typing
# mistake (9999-12-31, 0001-01-01); refusing it here keeps such dates out of every page,
# feed and calendar built from the registry.

# Python's csv module refuses longer fields by default, but the limit is process-wide and
# may have been raised; a registry cell is never this long.
MAX_CELL = 100_000

# Tabs and line breaks are legitimate in notes; other control characters only break pages.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, order=True)
class DataIssue:
    """One defect of the package, located as precisely as possible."""

    file: str
    line: int
    field: str
    code: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f", line {self.line}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"


def check_cell(value: str, spec: dict[str, Any]) -> str | None:
    """Return what is wrong with one cell under its Table Schema field, or None.

    >>> check_cell("9999-12-31", {"type": "date"})
    "'9999-12-31' is outside 1900-01-01 to 2200-12-31"
    >>> check_cell("7", {"type": "integer", "constraints": {"maximum": 5}}) is not None
    True
    """
    constraints = spec.get("constraints", {})
    if value == "":
        return "is required" if constraints.get("required") else None
    problem = _text_problem(value)
    if problem:
        return problem
    read = _TYPE_READERS.get(spec.get("type", "string"))
    number = None
    if read is not None:
        problem, number = read(value, constraints)
        if problem:
            return problem
    return _constraint_problem(value, constraints) or _range_problem(value, number, constraints)


# What a type's reader returns: the cell's problem, or its value as a number (for the
# range constraints) when the type is numeric.
_Reading = tuple[str | None, float | None]


def _text_problem(value: str) -> str | None:
    if len(value) > MAX_CELL:
        return f"is longer than {MAX_CELL} characters"
    if _CONTROL.search(value):
        return f"{value!r} contains a control character; remove it"
    return None


def _read_date(value: str, constraints: dict[str, Any]) -> _Reading:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return f"{value!r} is not a date; write YYYY-MM-DD", None
    if not EARLIEST <= day <= LATEST:
        return f"{value!r} is outside {EARLIEST} to {LATEST}", None
    return None, None


def _read_integer(value: str, constraints: dict[str, Any]) -> _Reading:
    if not re.fullmatch(r"-?\d+", value):
        return f"{value!r} is not a whole number", None
    if len(value) <= 18:
        return None, int(value)
    if "maximum" not in constraints:
        return f"{value!r} is too large", None
    # Past 18 digits only the size matters; int() of a huge text is itself slow.
    return None, -math.inf if value.startswith("-") else math.inf


def _read_number(value: str, constraints: dict[str, Any]) -> _Reading:
    try:
        number = float(value)
    except ValueError:
        return f"{value!r} is not a number", None
    if not math.isfinite(number):
        return f"{value!r} is not a finite number", None
    return None, number


_TYPE_READERS: dict[str, Callable[[str, dict[str, Any]], _Reading]] = {
    "date": _read_date,
    "integer": _read_integer,
    "number": _read_number,
}


def _constraint_problem(value: str, constraints: dict[str, Any]) -> str | None:
    if "enum" in constraints and value not in constraints["enum"]:
        return f"{value!r} is not one of: {', '.join(constraints['enum'])}"
    pattern = constraints.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return f"{value!r} does not match the pattern {pattern}"
    return None


def _range_problem(value: str, number: float | None, constraints: dict[str, Any]) -> str | None:
    if number is None:
        return None
    minimum = constraints.get("minimum")
    maximum = constraints.get("maximum")
    if minimum is not None and number < minimum:
        return f"{value!r} is below the minimum {minimum}"
    if maximum is not None and number > maximum:
        return f"{value!r} is above the maximum {maximum}"
    return None


def _json_cell(value: object) -> str | None:
    """Return a JSON cell as the text a CSV would hold, or None when no cell can be that."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    return None


class _TableError(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    # csv's cell limit is process-wide and some libraries (frictionless) raise it on
    # import; set it for this read so that a too long cell is the same one-line refusal
    # whatever else the process has imported.
    previous_limit = csv.field_size_limit(MAX_CELL)
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            records = [(reader.line_num, record) for record in reader]
    except UnicodeDecodeError:
        raise _TableError(0, "the file is not UTF-8 text; save it as UTF-8") from None
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            line = reader.line_num if reader is not None else 0
            raise _TableError(
                line, f"a cell is longer than {MAX_CELL} characters; shorten it"
            ) from None
        raise _TableError(0, f"not a readable CSV file: {error}") from None
    finally:
        csv.field_size_limit(previous_limit)
    if not records:
        raise _TableError(1, "the file is empty; it needs at least the header line")
    header = records[0][1]
    return header, [(line, record) for line, record in records[1:] if record]


def _json_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    header, raw_rows, first = _json_shape(_json_data(path))
    records: list[tuple[int, list[str]]] = []
    for index, raw in enumerate(raw_rows):
        cells = [_json_cell(cell) for cell in raw]
        if any(cell is None for cell in cells):
            raise _TableError(first + index, "a cell must be a string, a finite number or null")
        records.append((first + index, [cell or "" for cell in cells]))
    return header, records


def _json_data(path: Path) -> object:
    """Return the file's JSON, refusing what is not UTF-8 or not JSON with its line."""
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise _TableError(0, "the file is not UTF-8 text; save it as UTF-8") from None
    except json.JSONDecodeError as error:
        raise _TableError(error.lineno, f"not valid JSON: {error.msg}") from None
    except RecursionError:
        raise _TableError(0, "not valid JSON: nested too deeply") from None


def _json_shape(data: object) -> tuple[list[str], list[list[object]], int]:
    """Return the header, the rows' raw cells and the first row's number, for either of
    the two shapes Frictionless reads (objects, or lists under a header row)."""
    if not isinstance(data, list) or not data:
        raise _TableError(0, "must be a JSON list: a header row then rows, or one object per row")
    if all(isinstance(item, dict) for item in data):
        header = list(dict.fromkeys(key for item in data for key in item))
        return header, [[item.get(key) for key in header] for item in data], 1
    if all(isinstance(item, list) for item in data):
        header_cells = data[0]
        if not all(isinstance(cell, str) for cell in header_cells):
            raise _TableError(1, "the first row must be the header: a list of column names")
        return list(header_cells), data[1:], 2
    raise _TableError(0, "mixes rows of different shapes; use only lists or only objects")


def read_table(
    path: Path, *, name: str, fmt: str, fields: list[dict[str, Any]]
) -> tuple[list[Row], list[DataIssue]]:
    """Read the table at ``path`` and check every cell against ``fields``.

    Args:
        path: the CSV or JSON file.
        name: the file's name as the package gives it, used to locate defects.
        fmt: ``csv`` or ``json``.
        fields: the registry's Table Schema fields for this table.

    Returns:
        The rows (each with its line as ``_line``) and the defects found; no rows when
        the file's structure is broken.
    """
    if not path.is_file():
        return [], [
            DataIssue(name, 0, "", "missing_file", f"the file is missing from {path.parent}")
        ]
    try:
        header, records = _json_records(path) if fmt == "json" else _csv_records(path)
    except _TableError as error:
        return [], [DataIssue(name, error.line, "", "unreadable_table", error.message)]
    specs = {spec["name"]: spec for spec in fields}
    missing = [column for column in specs if column not in header]
    unknown = [column for column in header if column not in specs]
    issues: list[DataIssue] = []
    if missing:
        issues.append(
            DataIssue(
                name,
                1,
                ", ".join(missing),
                "missing_column",
                "the column is missing from the header; add it"
                if len(missing) == 1
                else "these columns are missing from the header; add them",
            )
        )
    if unknown:
        issues.append(
            DataIssue(
                name,
                1,
                ", ".join(unknown),
                "unknown_column",
                "the column is not in the registry's schema; remove it"
                if len(unknown) == 1
                else "these columns are not in the registry's schema; remove them",
            )
        )
    if issues:
        return [], issues
    rows: list[Row] = []
    for line, record in records:
        if len(record) > len(header):
            issues.append(
                DataIssue(name, line, "", "extra_cells", "the row has more cells than the header")
            )
            continue
        cells = dict(zip(header, record, strict=False))
        row = {column: cells.get(column, "").strip() for column in specs}
        for column, spec in specs.items():
            problem = check_cell(row[column], spec)
            if problem:
                issues.append(DataIssue(name, line, column, "invalid_value", problem))
        row["_line"] = str(line)
        rows.append(row)
    return rows, issues


def duplicate_keys(rows: list[Row], key: list[str], *, name: str) -> list[DataIssue]:
    """Return a defect for each row whose primary key an earlier row already has."""
    issues: list[DataIssue] = []
    seen: dict[tuple[str, ...], str] = {}
    for row in rows:
        value = tuple(row[column] for column in key)
        if value in seen:
            issues.append(
                DataIssue(
                    name,
                    int(row["_line"]),
                    key[0],
                    "duplicate_key",
                    f"{'/'.join(value)!r} already appears on line {seen[value]}",
                )
            )
        else:
            seen[value] = row["_line"]
    return issues

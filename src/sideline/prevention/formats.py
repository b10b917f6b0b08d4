"""Read the conflict data files that users download from UCDP and ViEWS.

One function, :func:`read_conflict_file`, recognises a file by its header and returns a
:class:`ConflictFile` of one kind:

========================  ===============================================================
kind                      layouts recognised (header columns)
========================  ===============================================================
``country_month``         ViEWS' UCDP GED aggregation: ``country_id, month_id, year,
                          month, ucdp_ged_sb_best_sum`` (a leading unnamed index is ignored)
``country_year``          Sideline's bundled file ``iso3, year, deaths``; Our World in
                          Data's UCDP files ``Entity, Year, <deaths>``
``conflict_year``         UCDP/PRIO Armed Conflict Dataset: ``conflict_id, year,
                          intensity_level, type_of_conflict, gwno_loc`` or ``gwno_a,
                          gwno_b`` (peacesciencer's copy); Sideline's bundled copy
``forecast_month``        ViEWS forecasts per country-month: ``country_id, month_id, year,
                          month, main_mean``
``forecast_year``         ViEWS watchlists per country-year: ``country_id, year, main_mean``
========================  ===============================================================

Spreadsheet re-saves are accepted: a ``;`` separator and day-month-year dates. Every
defect is a :class:`~sideline.prevention.errors.ConflictDataError` naming the file, the
row (the line number, header = 1) and the field; nothing is partly read. Limits: a file
is at most :data:`MAX_FILE_BYTES` and :data:`MAX_ROWS` rows.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "cy.csv").write_text("iso3,year,deaths\\nTJK,2022,93\\n")
>>> data = read_conflict_file(folder / "cy.csv")
>>> data.kind, data.values
('country_year', (StateValue(state='TJK', year=2022, month=None, value=93.0),))
>>> _ = (folder / "bad.csv").write_text("iso3,year,deaths\\nTJK,2O22,93\\n")
>>> read_conflict_file(folder / "bad.csv")
Traceback (most recent call last):
...
sideline.prevention.errors.ConflictDataError: bad.csv, row 2, field year: '2O22' is not a whole number
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from sideline.prevention import conflict_cells
from sideline.prevention.codes import Codes, bundled_codes
from sideline.prevention.errors import ConflictDataError

__all__ = [
    "KINDS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "ConflictFile",
    "ConflictRecord",
    "Kind",
    "StateValue",
    "read_conflict_file",
]

Kind = Literal["country_month", "country_year", "conflict_year", "forecast_month", "forecast_year"]
KINDS: tuple[Kind, ...] = (
    "country_month",
    "country_year",
    "conflict_year",
    "forecast_month",
    "forecast_year",
)

# The global country-month file is 3.3 MB and 78,000 rows: the limits leave room for
# years of growth and the event-level downloads aggregated by users, and stop a runaway.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 1_000_000

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class StateValue:
    """Deaths (or forecast deaths) of a state in a year or, with ``month``, a month."""

    state: str
    year: int
    month: int | None
    value: float


@dataclass(frozen=True)
class ConflictRecord:
    """One conflict in one year (UCDP/PRIO Armed Conflict Dataset).

    ``intensity`` 1 is 25–999 battle-related deaths in the year, 2 is 1,000 or more;
    ``conflict_type`` 1 extrasystemic, 2 interstate, 3 intrastate, 4 internationalized
    intrastate; ``episode_start`` is the start of the current episode (``start_date2``).
    """

    conflict_id: int
    year: int
    states: tuple[str, ...]
    intensity: int
    conflict_type: int
    episode_start: date | None
    episode_end: bool


@dataclass(frozen=True)
class ConflictFile:
    """What one file holds; ``values`` for the per-state kinds, ``conflicts`` for the other."""

    name: str
    kind: Kind
    layout: str
    sha256: str
    rows: int
    values: tuple[StateValue, ...] = ()
    conflicts: tuple[ConflictRecord, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def span(self) -> tuple[str, str] | None:
        """Return the first and last period covered, as ``YYYY`` or ``YYYY-MM``."""
        periods = [f"{v.year}-{v.month:02d}" if v.month else f"{v.year}" for v in self.values] or [
            str(c.year) for c in self.conflicts
        ]
        return (min(periods), max(periods)) if periods else None


_DEATH_COLUMNS = re.compile(r"(?i)(deaths|fatalities)")


def _layout(header: list[str]) -> tuple[Kind, str]:
    columns = set(header)
    if {"country_id", "month_id", "ucdp_ged_sb_best_sum"} <= columns:
        return "country_month", "ViEWS UCDP GED country-month"
    if {"country_id", "month_id", "main_mean"} <= columns:
        return "forecast_month", "ViEWS forecast country-month"
    if {"country_id", "year", "main_mean"} <= columns:
        return "forecast_year", "ViEWS forecast country-year"
    if {"conflict_id", "year", "intensity_level", "type_of_conflict"} <= columns and (
        "gwno_loc" in columns or "gwno_a" in columns or "location_iso3" in columns
    ):
        return "conflict_year", "UCDP/PRIO Armed Conflict Dataset"
    if {"iso3", "year", "deaths"} <= columns:
        return "country_year", "Sideline country-year"
    if {"Entity", "Year"} <= columns and any(_DEATH_COLUMNS.search(c) for c in header):
        return "country_year", "Our World in Data country-year"
    raise ConflictDataError(
        f"header {header[:8]} is not a layout this importer knows; see docs/prevention.md "
        "for the UCDP and ViEWS files it reads",
        row=1,
    )


def _conflict(row: conflict_cells.Row, codes: Codes) -> ConflictRecord:
    # The type is read first: a row with several faults names the same field as before.
    conflict_type = conflict_cells.conflict_type(row)
    ended = (row.cells.get("ep_end") or "").strip()
    return ConflictRecord(
        conflict_id=row.integer("conflict_id", low=1, high=10**7),
        year=conflict_cells.year(row),
        states=conflict_cells.gw_states(row, codes),
        intensity=row.integer("intensity_level", low=1, high=2),
        conflict_type=conflict_type,
        episode_start=row.optional_date("start_date2"),
        episode_end=ended not in {"", "0", "0.0"},
    )


def _records(path: Path, text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells) of every line; the separator is ``,`` or ``;``."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        raise ConflictDataError(
            f"not readable as CSV: {error}", file=path.name, row=reader.line_num
        ) from None


def _read_text(path: Path, *, max_bytes: int, max_rows: int) -> tuple[bytes, str, int]:
    """Return the file's bytes, its text and its line count, within the limits."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise ConflictDataError(
                f"{size:,} bytes is over the limit of {max_bytes:,}; split the file by years",
                file=name,
                code="file_too_large",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConflictDataError("no such file", file=str(path), code="missing_file") from None
    except IsADirectoryError:
        raise ConflictDataError("is a folder; give the CSV files", file=str(path)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConflictDataError(
            f"not UTF-8 text (byte {error.start}); save it as UTF-8 CSV", file=name
        ) from None
    total = text.count("\n")
    if total > max_rows + 1:
        raise ConflictDataError(
            f"{total:,} lines is over the limit of {max_rows:,} rows; split the file",
            file=name,
            code="too_many_rows",
        )
    return data, text, total


class _Collected:
    """The rows of one file as they are read: values or conflicts, with the keys seen."""

    def __init__(self, name: str, kind: Kind, layout: str, header: list[str], codes: Codes):
        self.name, self.kind, self.layout, self.codes = name, kind, layout, codes
        self.values: list[StateValue] = []
        self.conflicts: list[ConflictRecord] = []
        self.skipped: dict[str, None] = {}
        self.seen: dict[tuple[object, ...], int] = {}
        self._value_at: dict[tuple[str, int, int | None], int] = {}
        self._conflict_at: dict[tuple[object, ...], int] = {}
        self._names: dict[str, str | None] = {}
        self._deaths_column = next((c for c in header if _DEATH_COLUMNS.search(c)), "deaths")

    def add(self, row: conflict_cells.Row) -> None:
        """Take one data row; refuse a repeated key naming both rows."""
        key = self._conflict(row) if self.kind == "conflict_year" else self._value(row)
        if key is None:
            return
        if key in self.seen:
            raise ConflictDataError(
                f"repeats row {self.seen[key]} ({', '.join(str(k) for k in key if k is not None)})",
                file=self.name,
                row=row.number,
            )
        self.seen[key] = row.number

    def _conflict(self, row: conflict_cells.Row) -> tuple[object, ...] | None:
        record = _conflict(row, self.codes)
        key: tuple[object, ...] = (record.conflict_id, record.year)
        if key not in self.seen:
            self._conflict_at[key] = len(self.conflicts)
            self.conflicts.append(record)
            return key
        # peacesciencer's copy repeats a conflict-year once per secondary party.
        first = self.conflicts[self._conflict_at[key]]
        if (first.intensity, first.conflict_type) != (record.intensity, record.conflict_type):
            raise row.fail(
                "intensity_level",
                f"conflict {record.conflict_id} in {record.year} differs from row {self.seen[key]}",
            )
        states = tuple(dict.fromkeys((*first.states, *record.states)))
        self.conflicts[self._conflict_at[key]] = replace(first, states=states)
        return None

    def _where(self, row: conflict_cells.Row) -> tuple[str, int, int | None] | None:
        """Return the row's state, year and month, or None for an aggregate (a region)."""
        if self.kind in {"country_month", "forecast_month"}:
            return (conflict_cells.views_state(row, self.codes), *conflict_cells.month(row))
        if self.kind == "forecast_year":
            return conflict_cells.views_state(row, self.codes), conflict_cells.year(row), None
        if self.layout.startswith("Sideline"):
            state = row.text("iso3")
            if state not in self.codes.names and not re.fullmatch(r"[A-Z]{3}", state):
                raise row.fail("iso3", f"{state!r} is not an ISO 3166 alpha-3 code")
            return state, conflict_cells.year(row), None
        entity = row.text("Entity")
        found = conflict_cells.entity_state(entity, self._names)
        if found is None:
            # Regions and the world are aggregates of the states, not states.
            self.skipped[entity] = None
            return None
        return found, conflict_cells.year(row, "Year"), None

    def _value(self, row: conflict_cells.Row) -> tuple[object, ...] | None:
        where = self._where(row)
        if where is None:
            return None
        state, year, month = where
        field = {
            "country_month": "ucdp_ged_sb_best_sum",
            "forecast_month": "main_mean",
            "forecast_year": "main_mean",
        }.get(self.kind, self._deaths_column)
        value = row.deaths(field)
        key = (row.cells.get("country_id") or state, year, month)
        if where in self._value_at and key not in self.seen:
            # Two ViEWS ids of one state overlap in a month (South Africa's in 1990): the
            # state's deaths are their sum.
            old = self.values[self._value_at[where]]
            self.values[self._value_at[where]] = replace(old, value=old.value + value)
        else:
            self._value_at[where] = len(self.values)
            self.values.append(StateValue(state, year, month, value))
        return key


def read_conflict_file(
    path: Path,
    *,
    codes: Codes | None = None,
    progress: ProgressCallback | None = None,
    max_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
) -> ConflictFile:
    """Read one UCDP or ViEWS file, recognised by its header.

    Args:
        path: the CSV file.
        codes: the identifier tables (default: the bundled ones).
        progress: called as ``progress(rows_done, rows_total)`` every 10,000 rows and at
            the end.
        max_bytes: refuse a larger file.
        max_rows: refuse a file with more data rows.

    Returns:
        The file's rows, of one kind.

    Raises:
        ConflictDataError: a missing or oversized file, an unknown layout, a bad value
            (naming the row and field), a repeated state and period.
    """
    name = path.name
    data, text, total = _read_text(path, max_bytes=max_bytes, max_rows=max_rows)
    records = _records(path, text.replace("\r\n", "\n"))
    try:
        _, header = next(records)
    except StopIteration:
        raise ConflictDataError("empty file; it needs a header and rows", file=name) from None
    header = [cell.strip() for cell in header]
    try:
        kind, layout = _layout(header)
    except ConflictDataError as error:
        raise ConflictDataError(error.message, file=name, row=1) from None
    collected = _Collected(name, kind, layout, header, codes or bundled_codes())
    count = 0
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise ConflictDataError(
                f"{len(cells)} cells where the header has {len(header)}; a record broken "
                "over lines or a stray separator",
                file=name,
                row=number,
            )
        count += 1
        collected.add(conflict_cells.Row(name, number, dict(zip(header, cells, strict=True))))
        if progress is not None and count % 10_000 == 0:
            progress(count, total)
    if progress is not None:
        progress(count, count)
    if not count:
        raise ConflictDataError("no data rows under the header", file=name, row=2)
    return ConflictFile(
        name=name,
        kind=kind,
        layout=layout,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=count,
        values=tuple(collected.values),
        conflicts=tuple(collected.conflicts),
        skipped=tuple(collected.skipped),
    )

"""Voeten's UN General Assembly roll-call data in the ``unvotes`` layout, read into a
:class:`~sideline.analysis.voting.VoteTable`.

``roll_calls.csv`` holds rcid, session, date …; ``unvotes.csv`` holds rcid, country,
country_code (ISO alpha-2, with CS/YU/DD/YD for defunct states), vote yes|abstain|no;
absent members have no row.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "roll_calls.csv").write_text("rcid,session,date\\n1,50,1995-10-01\\n")
>>> _ = (folder / "unvotes.csv").write_text("rcid,country,country_code,vote\\n1,Kazakhstan,KZ,yes\\n")
>>> table = load_unvotes(folder)
>>> table.states, table.votes.tolist()
(('KAZ',), [[1]])
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pycountry

from sideline.analysis.errors import VoteDataError
from sideline.analysis.voting import VOTE_CODES, VoteTable

__all__ = ["ProgressCallback", "iso3_from_unvotes_code", "load_unvotes"]

# Defunct states: ISO 3166-3 reuses "CS" (Czechoslovakia, then Serbia and Montenegro),
# so these four are pinned by hand to the alpha-3 codes the registry uses.
_DEFUNCT = {"CS": "CSK", "YU": "YUG", "DD": "DDR", "YD": "YMD"}

# Rows whose country_code is empty in the data: West Germany's and North Yemen's votes
# continue as today's DEU and YEM; Zanzibar (two votes in 1964) has no ISO code, so it
# keeps its Correlates of War abbreviation.
_UNCODED = {"Federal Republic of Germany": "DEU", "Yemen Arab Republic": "YEM", "Zanzibar": "ZAN"}

ProgressCallback = Callable[[int, int], None]


_CHUNK = 50_000


def iso3_from_unvotes_code(code: str, *, country: str = "") -> str:
    """Return the ISO alpha-3 code of an ``unvotes`` country code (or, if empty, name).

    >>> [iso3_from_unvotes_code(c) for c in ("RU", "DE", "YU", "DD")]
    ['RUS', 'DEU', 'YUG', 'DDR']
    >>> iso3_from_unvotes_code("", country="Federal Republic of Germany")
    'DEU'

    Raises:
        VoteDataError: the code is neither ISO alpha-2 nor one of the defunct codes.
    """
    if not code and country in _UNCODED:
        return _UNCODED[country]
    if code in _DEFUNCT:
        return _DEFUNCT[code]
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if found is None:
        raise VoteDataError(
            f"country_code {code!r} is not an ISO 3166-1 alpha-2 code",
            argument="country_code",
            value=code,
        )
    return str(found.alpha_3)


def _read_lines(path: Path) -> list[str]:
    if not path.exists():
        raise VoteDataError(f"{path} is missing", argument="directory", value=str(path))
    return path.read_text(encoding="utf-8").splitlines()


def _read_roll_calls(folder: Path) -> list[tuple[int, int, date]]:
    """Return the roll calls (rcid, session, date) in session, date and rcid order."""
    lines = _read_lines(folder / "roll_calls.csv")
    try:
        calls = [
            (int(row["rcid"]), int(row["session"]), date.fromisoformat(row["date"]))
            for row in csv.DictReader(lines)
        ]
    except (KeyError, ValueError) as error:
        raise VoteDataError(
            f"roll_calls.csv is not in the unvotes layout: {error}",
            argument="directory",
            value=str(folder),
        ) from None
    return sorted(calls, key=lambda call: (call[1], call[2], call[0]))


class _VoteColumns:
    """The vote rows read a chunk at a time into row, state and vote-code arrays."""

    def __init__(self, folder: Path, header: list[str], row_of: Mapping[int, int]) -> None:
        self.folder, self.row_of = folder, row_of
        try:
            self.rcid_at, self.name_at, self.code_at, self.vote_at = (
                header.index(n) for n in ("rcid", "country", "country_code", "vote")
            )
        except ValueError:
            raise VoteDataError(
                f"unvotes.csv header {header} lacks rcid, country, country_code or vote",
                argument="directory",
                value=str(folder),
            ) from None
        self.rows: list[npt.NDArray[np.int64]] = []
        self.columns: list[npt.NDArray[np.int64]] = []
        self.codes: list[npt.NDArray[np.int8]] = []
        self.column_of: dict[str, int] = {}  # alpha-3 code -> column, in order of appearance
        self._iso3_of: dict[tuple[str, str], str] = {}  # (code, name) -> alpha-3, read once

    def add(self, chunk: list[list[str]], *, first: int, lines: list[str]) -> None:
        """Take the rows of ``chunk``, whose first is data row ``first`` (0-based)."""
        rcid_at, vote_at = self.rcid_at, self.vote_at
        try:
            self.rows.append(np.array([self.row_of[int(r[rcid_at])] for r in chunk], np.int64))
            self.codes.append(np.array([VOTE_CODES[r[vote_at]] for r in chunk], np.int8))
        except (KeyError, ValueError, IndexError):
            bad = next(
                number
                for number, r in enumerate(chunk, first + 2)
                if len(r) <= max(rcid_at, vote_at)
                or not r[rcid_at].isdigit()
                or int(r[rcid_at]) not in self.row_of
                or r[vote_at] not in VOTE_CODES
            )
            raise VoteDataError(
                f"unvotes.csv line {bad}: unknown roll call or vote in {lines[bad - 1]!r}",
                argument="directory",
                value=str(self.folder),
            ) from None
        states = [self._iso3(r[self.code_at], r[self.name_at]) for r in chunk]
        for state in set(states) - self.column_of.keys():
            self.column_of[state] = len(self.column_of)
        self.columns.append(np.array([self.column_of[state] for state in states], np.int64))

    def _iso3(self, code: str, name: str) -> str:
        state = self._iso3_of.get((code, name))
        if state is None:
            state = self._iso3_of[code, name] = iso3_from_unvotes_code(code, country=name)
        return state

    def table(self, calls: list[tuple[int, int, date]]) -> VoteTable:
        """Return the votes as a table whose states are in alphabetical order."""
        rows = np.concatenate(self.rows) if self.rows else np.zeros(0, np.int64)
        columns = np.concatenate(self.columns) if self.columns else np.zeros(0, np.int64)
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, np.int8)
        iso3 = list(self.column_of)
        order = sorted(range(len(iso3)), key=iso3.__getitem__)
        position = np.empty(len(iso3), dtype=np.int64)
        position[order] = np.arange(len(iso3))
        matrix = np.zeros((len(calls), len(iso3)), dtype=np.int8)
        matrix[rows, position[columns]] = codes
        return VoteTable(
            rcids=np.array([call[0] for call in calls], dtype=np.int64),
            sessions=np.array([call[1] for call in calls], dtype=np.int64),
            dates=np.array([call[2].isoformat() for call in calls], dtype="datetime64[D]"),
            states=tuple(iso3[index] for index in order),
            votes=matrix,
        )


def load_unvotes(directory: Path, *, progress: ProgressCallback | None = None) -> VoteTable:
    """Read ``roll_calls.csv`` and ``unvotes.csv`` from ``directory`` into a :class:`VoteTable`.

    Args:
        directory: the folder holding the two files.
        progress: called as ``progress(rows_done, rows_total)`` after every 50,000 vote
            rows and at the end (a CLI wraps a tqdm bar around it).

    Raises:
        VoteDataError: a file is missing, lacks a column, or holds an unknown roll call,
            country code or vote.
    """
    folder = Path(directory)
    calls = _read_roll_calls(folder)
    lines = _read_lines(folder / "unvotes.csv")
    total = max(len(lines) - 1, 0)
    reader = csv.reader(lines)
    votes = _VoteColumns(
        folder,
        next(reader, []),
        {rcid: index for index, (rcid, _, _) in enumerate(calls)},
    )
    # Whole columns at a time: per-row Python work is what makes 870,000 rows slow.
    records = list(reader)
    for first in range(0, len(records), _CHUNK):
        votes.add(records[first : first + _CHUNK], first=first, lines=lines)
        if progress is not None:
            progress(min(first + _CHUNK, total), total)
    if progress is not None and not records:
        progress(0, 0)
    return votes.table(calls)

"""The compact copy of the UN General Assembly roll calls that ships with Sideline. Pure Python.

``sideline/data/unvotes/unvotes.json.gz`` holds Voeten's roll calls (via the ``unvotes``
package, CC0; source and licence in the folder's README) as one gzip-compressed JSON
document: the states in column order and, per roll call, ``[rcid, session, date, votes]``
where ``votes`` has one character per state (``0`` absent, ``1`` yes, ``2`` abstain,
``3`` no) — the layout the database keeps (:mod:`sideline.analysis.models`). About 190 KB
instead of 20 MB of CSV, so that the voting analysis works after ``sideline init``.
``scripts/bundle_unvotes.py`` writes it from the full data with :func:`write_vote_bundle`.

>>> import io
>>> table = VoteTable(rcids=np.array([3]), sessions=np.array([1]),
...     dates=np.array(["1946-01-01"], dtype="datetime64[D]"), states=("RUS", "USA"),
...     votes=np.array([[1, 3]], dtype=np.int8))
>>> buffer = io.BytesIO()
>>> write_vote_bundle(table, buffer, source="test")
>>> read_vote_bundle(io.BytesIO(buffer.getvalue())).votes.tolist()
[[1, 3]]
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import IO, Any

import numpy as np

from sideline.analysis.errors import VoteDataError
from sideline.analysis.voting import VoteTable

__all__ = ["BUNDLED_VOTES", "read_vote_bundle", "write_vote_bundle"]

BUNDLED_VOTES = Path(__file__).resolve().parent.parent / "data" / "unvotes" / "unvotes.json.gz"

FORMAT = "sideline.unvotes/1"

# A bundle is read whole into memory; a larger file is not ours.
MAX_BYTES = 64 * 1024 * 1024


def write_vote_bundle(table: VoteTable, target: IO[bytes], *, source: str) -> None:
    """Write ``table`` as a bundle (deterministic: no time stamp in the gzip header)."""
    width = len(table.states)
    characters = (table.votes.astype(np.uint8) + ord("0")).tobytes().decode("ascii")
    document = {
        "format": FORMAT,
        "source": source,
        "states": list(table.states),
        "roll_calls": [
            [int(rcid), int(session), str(day), characters[row * width : (row + 1) * width]]
            for row, (rcid, session, day) in enumerate(
                zip(table.rcids, table.sessions, table.dates.astype("datetime64[D]"), strict=True)
            )
        ],
    }
    data = json.dumps(document, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    # No file name and no time in the header: the same table gives the same bytes anywhere.
    with gzip.GzipFile(filename="", fileobj=target, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(data)


def _refuse(message: str) -> VoteDataError:
    return VoteDataError(f"the vote bundle {message}", argument="bundle", value=message)


def read_vote_bundle(source: Path | IO[bytes] = BUNDLED_VOTES) -> VoteTable:
    """Read a bundle into a :class:`~sideline.analysis.voting.VoteTable`.

    Raises:
        VoteDataError: the file is missing, too large, not a bundle, or inconsistent.
    """
    try:
        if isinstance(source, Path):
            with gzip.open(source, "rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        else:
            with gzip.GzipFile(fileobj=source, mode="rb") as handle:
                data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise _refuse(f"{source} is missing; reinstall Sideline") from None
    except (OSError, EOFError) as error:
        raise _refuse(f"cannot be read: {error}") from None
    if len(data) > MAX_BYTES:
        raise _refuse(f"is larger than {MAX_BYTES} bytes unpacked")
    try:
        document: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise _refuse("is not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _refuse(f"is not a {FORMAT} document")
    states = document.get("states")
    calls = document.get("roll_calls")
    if not isinstance(states, list) or not isinstance(calls, list):
        raise _refuse("lacks its states or roll calls")
    width = len(states)
    try:
        rcids = np.array([int(call[0]) for call in calls], dtype=np.int64)
        sessions = np.array([int(call[1]) for call in calls], dtype=np.int64)
        dates = np.array([str(call[2]) for call in calls], dtype="datetime64[D]")
        text = "".join(str(call[3]) for call in calls)
    except (TypeError, ValueError, IndexError):
        raise _refuse("holds a roll call that is not [rcid, session, date, votes]") from None
    if any(len(str(call[3])) != width for call in calls) or set(text) - set("0123"):
        raise _refuse("holds a row of votes of the wrong length or with unknown votes")
    votes = (
        np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int8) - ord("0")
    ).reshape(len(calls), width)
    return VoteTable(
        rcids=rcids,
        sessions=sessions,
        dates=dates,
        states=tuple(str(state) for state in states),
        votes=votes.astype(np.int8),
    )

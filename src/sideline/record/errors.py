"""Errors of the record core.

Every error carries a stable snake_case ``code`` (safe to match on, to log and to
show in an API body) and a ``message`` that says what is wrong and what to fix.

Exception tree::

    RecordError
    ├── NoteError         malformed signed note, key string or signature
    ├── CheckpointError   malformed checkpoint body or cosignature
    ├── TileError         malformed tile, entry bundle or tile path
    ├── EntryError        malformed, oversized or badly signed record entry
    └── WitnessRequestError  malformed tlog-witness request body

Verification outcomes that are expected (a proof that does not verify, an audit that
finds a bad entry) are returned as data, not raised.
"""

from __future__ import annotations

__all__ = [
    "CheckpointError",
    "EntryError",
    "NoteError",
    "RecordError",
    "TileError",
    "WitnessRequestError",
]


class RecordError(Exception):
    """Base class of the record core's errors; has a stable ``code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class NoteError(RecordError):
    """A signed note, key string or note signature is malformed or does not verify."""


class CheckpointError(RecordError):
    """A checkpoint body or cosignature is malformed."""


class TileError(RecordError):
    """A tile, entry bundle or tile path is malformed."""


class EntryError(RecordError):
    """A record entry is malformed, too large or badly signed."""


class WitnessRequestError(RecordError):
    """A tlog-witness request body is malformed."""

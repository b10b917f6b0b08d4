"""Errors of the record core.

Every error carries a stable snake_case ``code`` (safe to match on, to log and to
show in an API body) and a ``message`` that says what is wrong and what to fix.

Exception tree::

    ServiceError (sideline.errors)
    └── RecordError
        ├── NoteError         malformed signed note, key string or signature
        ├── CheckpointError   malformed checkpoint body or cosignature
        ├── TileError         malformed tile, entry bundle or tile path
        ├── EntryError        malformed, oversized or badly signed record entry
        ├── WitnessRequestError  malformed tlog-witness request body
        ├── ProofError        a proof file or a tlog-policy that does not hold
        └── services.RecordServiceError  an operation the caller can fix

Verification outcomes that are expected (a proof that does not verify, an audit that
finds a bad entry) are returned as data, not raised.
"""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = [
    "CheckpointError",
    "EntryError",
    "NoteError",
    "ProofError",
    "RecordError",
    "TileError",
    "WitnessRequestError",
]


class RecordError(ServiceError):
    """Base class of the record's errors; has a stable ``code``; reads ``code: message``."""

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(code, message, field=field)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


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


class ProofError(RecordError):
    """A proof file or a policy that does not hold; the message names what is wrong."""

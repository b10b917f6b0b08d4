"""The error of the federation core: a malformed operation.

An operation that is well formed but breaks a rule is not an error: the reducer keeps it
as rejected, with a reason code (see :mod:`sideline.federation.reducer`).
"""

from __future__ import annotations

__all__ = ["OpError"]


class OpError(Exception):
    """An operation is malformed: wrong shape, size or encoding.

    ``code`` is a stable snake_case string, ``field`` the path of the offending value
    (``args.participants[2]``) or ``None`` for the operation as a whole.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field

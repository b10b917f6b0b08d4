"""Errors of accounts, with stable codes; each interface translates them once."""

from __future__ import annotations


class AccountError(Exception):
    """A request about people, roles or tokens that the caller can fix."""

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status

"""Errors of accounts, with stable codes; each interface translates them once."""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = ["AccountError"]


class AccountError(ServiceError):
    """A request about people, roles or tokens that the caller can fix."""

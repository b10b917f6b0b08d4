"""The error of meetings: a stable code, the field it concerns, and what to fix."""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = ["MeetingError", "forbidden"]


class MeetingError(ServiceError):
    """A refused action; nothing was changed and the attempt is logged."""


def forbidden(code: str, message: str) -> MeetingError:
    return MeetingError(code, message, status=403)

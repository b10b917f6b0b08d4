"""The error of meetings: a stable code, the field it concerns, and what to fix."""

from __future__ import annotations


class MeetingError(Exception):
    """A refused action; nothing was changed and the attempt is logged."""

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int = 400
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status


def forbidden(code: str, message: str) -> MeetingError:
    return MeetingError(code, message, status=403)

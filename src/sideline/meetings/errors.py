"""The error of meetings: a stable code, the field it concerns, and what to fix."""

from __future__ import annotations

from collections.abc import Mapping

from sideline.errors import ServiceError

__all__ = ["MeetingError", "forbidden"]


# A body naming an unknown slug or key is a 404, as everywhere in the API (docs/api.md).
_UNKNOWN = frozenset({"unknown_organization", "unknown_session", "unknown_topic"})


class MeetingError(ServiceError):
    """A refused action; nothing was changed and the attempt is logged."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        if status is None and code in _UNKNOWN:
            status = 404
        super().__init__(code, message, field=field, status=status, details=details)


def forbidden(code: str, message: str) -> MeetingError:
    return MeetingError(code, message, status=403)

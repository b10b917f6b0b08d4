"""The error every interface translates once: API body, form message or CLI line."""

from __future__ import annotations

from datetime import date

__all__ = ["ApiError", "parse_date_argument"]


class ApiError(Exception):
    """A request the caller can fix; becomes ``{"error": {...}}`` with ``status``."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def parse_date_argument(
    value: str | None, *, name: str, default: date | None = None
) -> date | None:
    """Read a ``YYYY-MM-DD`` argument, naming it in the error.

    >>> parse_date_argument("2013-05-01", name="as_of")
    datetime.date(2013, 5, 1)
    >>> parse_date_argument("2013-13-01", name="as_of")
    Traceback (most recent call last):
    ...
    sideline.errors.ApiError: as_of: '2013-13-01' is not a date; use YYYY-MM-DD
    """
    if value is None or value == "":
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            400, "invalid_date", f"{name}: {value!r} is not a date; use YYYY-MM-DD", field=name
        ) from None

"""The one error type every interface translates once: API body, page message or CLI line.

Every app's errors subclass :class:`ServiceError`; each carries a stable snake_case
``code``, an English ``message`` that says what to fix, the ``field`` it is about and the
HTTP ``status`` the API answers with. ``details`` holds the facts a page needs to say the
same in the reader's language (see :mod:`sideline.error_text`).

Exception tree::

    ServiceError (.code, .message, .field, .status, .details)
    ├── ApiError                 an interface's own refusal (bad query parameter …)
    ├── accounts.errors.AccountError
    ├── analysis.errors.AnalysisError (also a ValueError)
    ├── meetings.errors.MeetingError
    ├── planner.errors.PlannerError
    │    └── RequestInvalidError
    ├── prevention.errors.PreventionError (also a ValueError)
    │    └── services.ConcernError
    ├── record.errors.RecordError
    ├── registry.package.PackageError
    └── node.NodeError

This module imports nothing from Django: the pure cores' errors subclass it too.

>>> error = ServiceError("title_required", "title: give the meeting a title", field="title")
>>> (error.code, error.status, str(error))
('title_required', 400, 'title: give the meeting a title')
>>> error.body()
{'error': {'code': 'title_required', 'message': 'title: give the meeting a title', 'field': 'title'}}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import ClassVar

__all__ = ["ApiError", "ServiceError", "parse_date_argument"]


class ServiceError(Exception):
    """A request the caller can fix; nothing was changed.

    Args:
        code: stable snake_case string, safe to match on and to show.
        message: English text naming what is wrong and what to do.
        field: the argument, form field or JSON path the error is about, if one.
        status: the HTTP status the API answers with (``default_status`` if not given).
        details: the facts inside ``message`` (names, numbers), for translated pages.
    """

    default_status: ClassVar[int] = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int | None = None,
        details: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = self.default_status if status is None else status
        self.details: Mapping[str, object] = dict(details or {})

    def body(self) -> dict[str, dict[str, str | None]]:
        """Return the API's one error body."""
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class ApiError(ServiceError):
    """An interface's own refusal, status first: ``ApiError(404, "unknown_log", "…")``."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(code, message, field=field, status=status)


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

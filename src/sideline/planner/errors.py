"""The planner's errors: a request the caller can fix, with a stable code and where it is.

Exception tree::

    ServiceError (sideline.errors)
     └── PlannerError        (.code, .message, .field: a JSON path or a form field,
          │                   .source: "requests" or "summits" when the path is in
          │                   the caller's list of that name)
          └── RequestInvalidError  (.errors: every problem of a request entered by hand)
               └── SessionInvalidError  (the same for a forum session or a summit
                                         candidate on a form)
"""

from __future__ import annotations

from collections.abc import Sequence

from sideline.errors import ServiceError

__all__ = ["PlannerError", "RequestInvalidError", "SessionInvalidError"]


class PlannerError(ServiceError):
    """A planning request the caller can fix: a stable code, a message, where it is."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        source: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(code, message, field=field, status=status)
        # Which of the caller's inputs ``field`` points into ("requests", "summits"), so
        # that the CLI can name the right file.
        self.source = source


class RequestInvalidError(PlannerError):
    """A request entered by hand has problems; `errors` lists each with its field."""

    def __init__(self, errors: Sequence[PlannerError]) -> None:
        first = errors[0]
        super().__init__(first.code, first.message, field=first.field, status=first.status)
        self.errors: tuple[PlannerError, ...] = tuple(errors)


class SessionInvalidError(RequestInvalidError):
    """A forum session or a special summit candidate entered on the coordinator's form
    has problems; `errors` lists each with its form field."""

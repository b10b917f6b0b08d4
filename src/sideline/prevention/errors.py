"""Errors of the preventive-diplomacy core, each locating what to fix.

Every error has a stable snake_case ``code`` and names the ``file``, ``row`` (the line
number in the file, header = 1) and ``field`` it is about, where they are known::

    PreventionError (ServiceError, ValueError)
    ├── ConflictDataError      code "invalid_conflict_data" (or a narrower code)
    ├── InvalidArgumentError   code "invalid_argument"
    └── services.ConcernError  a concern refused, with its own code and HTTP status

``str(error)`` is the located message (for the CLI); ``message`` the bare one, which the
API's one error handler answers with beside ``field``.

>>> error = ConflictDataError("not a number", file="ged.csv", row=7, field="year")
>>> str(error)
'ged.csv, row 7, field year: not a number'
>>> error.as_dict()["field"]
'year'
>>> (error.code, error.status, error.message)
('invalid_conflict_data', 400, 'not a number')
"""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = ["ConflictDataError", "InvalidArgumentError", "PreventionError"]


class PreventionError(ServiceError, ValueError):
    """Base of the errors: a message, a stable code, and where the fault lies."""

    code = "prevention_error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(
            code or type(self).code,
            message,
            field=field,
            status=status,
            details={"file": file, "row": row},
        )
        self.file = file
        self.row = row
        self.args = (self.located(),)

    def located(self) -> str:
        """Return the message prefixed by its file, row and field."""
        parts = [
            *([self.file] if self.file else []),
            *([f"row {self.row}"] if self.row is not None else []),
            *([f"field {self.field}"] if self.field else []),
        ]
        return f"{', '.join(parts)}: {self.message}" if parts else self.message

    def as_dict(self) -> dict[str, object]:
        """Return the error as plain data for the interfaces."""
        return {
            "code": self.code,
            "message": self.located(),
            "file": self.file,
            "row": self.row,
            "field": self.field,
        }


class ConflictDataError(PreventionError):
    """A conflict data file that cannot be read: unknown layout, bad value, over a limit."""

    code = "invalid_conflict_data"


class InvalidArgumentError(PreventionError):
    """An argument of the right type but an unusable value (an unknown state, a bad month)."""

    code = "invalid_argument"

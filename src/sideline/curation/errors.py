"""Errors of curation, with stable codes; each interface translates them once."""

from __future__ import annotations

from sideline.errors import ServiceError

__all__ = ["CurationError"]


class CurationError(ServiceError):
    """A proposal or review of a registry correction that the caller can fix.

    ``field_errors`` maps a form field to its messages (already in the reader's
    language), so that the page shows each on its field.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        field_errors: dict[str, list[str]] | None = None,
    ) -> None:
        self.field_errors = field_errors or {}
        # The API names the first field at fault; "__all__" is the whole form's.
        field = next((name for name in self.field_errors if name != "__all__"), None)
        super().__init__(code, message, status=status, field=field)

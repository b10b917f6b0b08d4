"""What the concern and consultation use cases share: their error, the logged refusal,
and the organization an actor speaks for."""

from __future__ import annotations

from typing import Any

from sideline.accounts.permissions import organization_id_of
from sideline.accounts.services import log_refusal
from sideline.prevention.errors import PreventionError
from sideline.registry.models import Organization

__all__ = ["ConcernError", "acting_organization", "refused"]


class ConcernError(PreventionError):
    """A concern refused: its ``code`` is stable, ``status`` the HTTP status to answer."""

    code = "concern_error"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, field=field, code=code, status=status)


def refused(actor: Any, action: str, error: ConcernError) -> ConcernError:
    """Log the refusal of ``action`` to ``actor`` and return the error to raise."""
    log_refusal(user=actor, action=action, code=error.code, message=error.message)
    return error


def acting_organization(actor: Any) -> str | None:
    """Return the slug of the organization the actor speaks for, if any."""
    org_id = organization_id_of(actor)
    if org_id is None:
        return None
    return Organization.objects.filter(pk=org_id).values_list("slug", flat=True).first()

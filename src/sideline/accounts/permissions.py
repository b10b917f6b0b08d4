"""Who may do what: roles held for one organization.

A person acts only for their own organization; coordinators and curators act for the
platform. Superusers may coordinate and curate but never sign for an organization.
"""

from __future__ import annotations

from typing import Any

from sideline.accounts.enums import Role
from sideline.accounts.models import Person

__all__ = [
    "acts_for",
    "belongs_to",
    "can_coordinate",
    "can_curate",
    "can_manage_delegation",
    "can_sign_for",
    "organization_id_of",
    "person_of",
]


def person_of(user: Any) -> Person | None:
    """Return the active user's ``Person``, or ``None`` for anonymous or disabled users."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        person: Person = user.person
    except Person.DoesNotExist:
        return None
    return person


def organization_id_of(user: Any) -> int | None:
    person = person_of(user)
    return person.organization_id if person else None


def _role_in(user: Any, roles: set[str]) -> bool:
    person = person_of(user)
    return person is not None and person.role in roles


def can_coordinate(user: Any) -> bool:
    """Publish calendars: coordinators (and superusers)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return _role_in(user, {Role.COORDINATOR})


def can_curate(user: Any) -> bool:
    """Keep the registry: curators (and superusers)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return _role_in(user, {Role.CURATOR})


def belongs_to(user: Any, organization_id: int | None) -> bool:
    """Whether the user is a member of the organization, in any role."""
    person = person_of(user)
    return (
        person is not None
        and organization_id is not None
        and person.organization_id == organization_id
    )


def acts_for(user: Any, organization_id: int | None) -> bool:
    """Prepare and record for the organization: its delegates and signatories."""
    return belongs_to(user, organization_id) and _role_in(user, {Role.DELEGATE, Role.SIGNATORY})


def can_sign_for(user: Any, organization_id: int | None) -> bool:
    """Approve or object for the organization: its signatories only."""
    return belongs_to(user, organization_id) and _role_in(user, {Role.SIGNATORY})


def can_manage_delegation(user: Any, organization_id: int | None) -> bool:
    """Name and approve the delegation: the organization's focal point or a signatory."""
    person = person_of(user)
    if person is None or not belongs_to(user, organization_id):
        return False
    return person.role == Role.SIGNATORY or (person.focal_point and person.role == Role.DELEGATE)

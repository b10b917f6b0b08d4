"""People for tests, made through the real services."""

from __future__ import annotations

from typing import Any

from sideline.accounts.services import create_person

PASSWORD = "correct-horse-battery-staple"


def person(username: str, *, organization: str | None, role: str, focal_point: bool = False) -> Any:
    """Create a person with ``PASSWORD``; return the user."""
    return create_person(
        username=username,
        email=f"{username}@example.org",
        organization=organization,
        role=role,
        password=PASSWORD,
        focal_point=focal_point,
    ).user

"""Who may change the planner's plans and requests."""

from __future__ import annotations

from typing import Any

from sideline.accounts.permissions import can_coordinate as accounts_can_coordinate

__all__ = ["can_coordinate"]


def can_coordinate(user: Any) -> bool:
    """Return whether `user` may edit, re-plan and publish plans.

    Coordinators (the accounts app's role) may; so may a user an administrator granted
    the ``planner.change_plan`` permission in the admin.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return accounts_can_coordinate(user) or bool(user.has_perm("planner.change_plan"))

"""The navigation's "To do" count, computed only when a page shows it."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from sideline.meetings.todo import todo_count

__all__ = ["todo"]


def todo(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: templates call it when they read it (pages without the menu never do),
    # and get a plain int, which the plural forms of a translation need.
    return {"todo_count": functools.cache(lambda: todo_count(user))}

"""The navigation's "To do" count, computed only when a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sideline.meetings.todo import todo_count

__all__ = ["todo"]


def todo(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": SimpleLazyObject(lambda: todo_count(user))}

"""Wake the follower of this process at once, rather than at its next tick.

A module of its own, importing nothing, so that the record's services (which append)
and the push endpoint (which receives) can ring it without importing the follower.
A follower in another process does not hear it: it sees the change at its next tick.
"""

from __future__ import annotations

import threading

__all__ = ["wait", "wake"]

_CONDITION = threading.Condition()


def wake() -> None:
    """Wake every thread of the follower waiting in :func:`wait`."""
    with _CONDITION:
        _CONDITION.notify_all()


def wait(timeout: float) -> None:
    """Wait until :func:`wake` is called or ``timeout`` seconds pass."""
    with _CONDITION:
        _CONDITION.wait(timeout)

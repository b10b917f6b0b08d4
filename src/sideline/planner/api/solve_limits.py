"""What the solve endpoint allows: the size of a posted instance and solves at once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from sideline.errors import ApiError
from sideline.planner.instance import Instance

__all__ = [
    "MAX_ROOMS",
    "MAX_SLOTS_PER_DAY",
    "MAX_SOLVE_REQUESTS",
    "MAX_SOLVE_VENUES",
    "MAX_VENUE_DAYS",
    "SOLVE_SLOTS",
    "SolveSlots",
    "check_instance_size",
]

# A posted instance is solved inside a server thread, single-threaded and for at most
# SIDELINE_SOLVE_MAX_SECONDS; these bounds keep the model the solver builds small too.
MAX_SOLVE_REQUESTS = 500
MAX_SOLVE_VENUES = 100
MAX_VENUE_DAYS = 31
MAX_SLOTS_PER_DAY = 16
MAX_ROOMS = 20


class SolveSlots:
    """How many solves run at once in this process; one more is turned away, not queued.

    Queuing would hold a server thread per waiting caller, which is what let eight
    callers take every thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.busy = 0

    @contextmanager
    def take(self) -> Iterator[bool]:
        """Hold a slot while inside; yield whether one was free."""
        with self._lock:
            free = self.busy < settings.SIDELINE_SOLVE_CONCURRENCY
            if free:
                self.busy += 1
        try:
            yield free
        finally:
            if free:
                with self._lock:
                    self.busy -= 1


SOLVE_SLOTS = SolveSlots()


def check_instance_size(instance: Instance) -> None:
    """Refuse (413) an instance larger than the endpoint solves; name the field."""

    def too_large(field: str, what: str, limit: int) -> ApiError:
        return ApiError(
            413,
            "instance_too_large",
            f"{field}: {what} is over the limit of {limit} for this endpoint; "
            "solve a larger instance with `sideline plan`",
            field=field,
        )

    if len(instance.requests) > MAX_SOLVE_REQUESTS:
        raise too_large("$.requests", f"{len(instance.requests)} requests", MAX_SOLVE_REQUESTS)
    if len(instance.venues()) > MAX_SOLVE_VENUES:
        raise too_large("$.sessions", f"{len(instance.venues())} sessions", MAX_SOLVE_VENUES)
    for key, venues in (("sessions", instance.sessions), ("summits", instance.summits)):
        for index, venue in enumerate(venues):
            days = (venue.end - venue.start).days + 1
            if days > MAX_VENUE_DAYS:
                raise too_large(f"$.{key}[{index}].end", f"{days} days", MAX_VENUE_DAYS)
            if venue.slots_per_day > MAX_SLOTS_PER_DAY:
                raise too_large(
                    f"$.{key}[{index}].slots_per_day",
                    f"{venue.slots_per_day} slots a day",
                    MAX_SLOTS_PER_DAY,
                )
            if venue.rooms > MAX_ROOMS:
                raise too_large(f"$.{key}[{index}].rooms", f"{venue.rooms} rooms", MAX_ROOMS)

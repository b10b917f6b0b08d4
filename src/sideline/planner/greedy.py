"""A greedy baseline planner: requests by priority, each at its first free placement.

It serves twice: as the baseline the benchmark compares the exact solver against, and
as the solver's warm start (CP-SAT hint). It never opens a special summit and ignores
fairness floors; it honours every other rule in `constraints.CONSTRAINTS`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sideline.planner.constraints import placements
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.schema import Meeting

__all__ = ["Occupancy", "plan_greedy"]


@dataclass
class Occupancy:
    """What a partial plan already uses, for constant-time feasibility tests."""

    instance: Instance
    rooms: dict[tuple[str, dt.date, int], set[int]] = field(default_factory=dict)
    busy: set[tuple[str, dt.date, int]] = field(default_factory=set)
    per_day: dict[tuple[str, dt.date], int] = field(default_factory=lambda: defaultdict(int))
    city: dict[tuple[str, dt.date], str] = field(default_factory=dict)

    def free_room(self, request: Request, venue: Session, day: dt.date, slot: int) -> int | None:
        """Return the lowest room free for the whole meeting, or None when a rule blocks it."""
        rules = self.instance.rules
        span = range(slot, slot + request.slots)
        for org in request.organizations:
            if any((org, day, k) in self.busy for k in span):
                return None
            cap = rules.max_meetings_per_org_per_day
            if cap is not None and self.per_day[(org, day)] >= cap:
                return None
            if rules.travel and self.city.get((org, day), venue.city) != venue.city:
                return None
        taken: set[int] = set()
        for k in span:
            taken |= self.rooms.get((venue.id, day, k), set())
        return next((room for room in range(venue.rooms) if room not in taken), None)

    def add(self, meeting: Meeting, venue: Session) -> None:
        """Record `meeting` as placed."""
        for k in meeting.slot_range():
            self.rooms.setdefault((venue.id, meeting.date, k), set()).add(meeting.room)
            for org in meeting.organizations:
                self.busy.add((org, meeting.date, k))
        for org in meeting.organizations:
            self.per_day[(org, meeting.date)] += 1
            self.city[(org, meeting.date)] = venue.city


def _ordered(requests: Iterable[Request]) -> list[Request]:
    # Highest priority first; ties by id so the baseline is deterministic.
    return sorted(requests, key=lambda r: (-r.priority, r.id))


def plan_greedy(instance: Instance) -> list[Meeting]:
    """Place pinned meetings, then each request by priority at its first free placement.

    Returns:
        The placed meetings (without co-chairs), in placement order.

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1",
        ...     "organizations": ["a", "b"], "requests": [{"id": "r", "organizations": ["a", "b"]}],
        ...     "sessions": [{"id": "s", "city": "X", "start": "2024-01-01", "end": "2024-01-01",
        ...                   "slots_per_day": 1, "rooms": 1, "attendees": ["a", "b"]}]})
        >>> [(m.request, m.session, m.slot, m.room) for m in plan_greedy(inst)]
        [('r', 's', 0, 0)]
    """
    occupancy = Occupancy(instance)
    requests = {r.id: r for r in instance.requests}
    meetings: list[Meeting] = []
    for pin in instance.pinned:
        request = requests[pin.request]
        meeting = Meeting(
            request=request.id,
            session=pin.session,
            date=pin.date,
            slot=pin.slot,
            room=pin.room,
            organizations=request.organizations,
            topic=request.topic,
            slots=request.slots,
        )
        occupancy.add(meeting, instance.venue(pin.session))
        meetings.append(meeting)
    pinned = {pin.request for pin in instance.pinned}
    for request in _ordered(r for r in instance.requests if r.id not in pinned):
        for venue, day, slot in placements(instance, request, venues=instance.sessions):
            room = occupancy.free_room(request, venue, day, slot)
            if room is not None:
                meeting = Meeting(
                    request=request.id,
                    session=venue.id,
                    date=day,
                    slot=slot,
                    room=room,
                    organizations=request.organizations,
                    topic=request.topic,
                    slots=request.slots,
                )
                occupancy.add(meeting, venue)
                meetings.append(meeting)
                break
    return meetings

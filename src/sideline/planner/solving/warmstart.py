"""Where a part's search starts: the greedy plan, the previous plan repaired, or the
LP-guided plan; and the starts that need no search because they reach a proven bound."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sideline.planner.greedy import Occupancy, PlacementIndex, plan_greedy, plan_guided
from sideline.planner.instance import Instance, Request, Session
from sideline.planner.relax import solve_relaxation
from sideline.planner.schema import Meeting
from sideline.planner.solving.budget import MIN_SOLVE_S, Budget
from sideline.planner.solving.outcome import Outcome, PhaseStats, Status
from sideline.planner.solving.partition import Part, opened_summits, placeable, value_of

__all__ = ["RELAX_MIN", "proved", "relaxed_start", "start_is_optimal", "warm_start"]

RELAX_MIN = 2_000
"""Placements from which a part's search starts from the day-level LP (`relax.py`)."""

_RELAXATION_SHARE = 0.8
"""Most of a part's time the day-level LP may take, building included (about 3 s on L).

It is worth more than any search: on L its rounding gains 4 % in a second, where the
window search gains a few tenths of a percent in a minute."""


def proved(part: Part, start: Sequence[Meeting], bound: int) -> Outcome:
    """Return `start` as optimal: its objective reaches a proven bound, no search needed."""
    objective = value_of(part.instance, start)
    phase = PhaseStats("priority", Status.OPTIMAL, objective=objective, bound=bound)
    opened = opened_summits(part.instance, start)
    return Outcome(list(start), objective, objective, Status.OPTIMAL, [phase], opened=opened)


def relaxed_start(
    part: Part, start: Sequence[Meeting], budget: Budget
) -> tuple[list[Meeting], int]:
    """Return the better of `start` and the LP-guided plan, and the best bound known.

    The bound is the day-level LP's (`relax.py`) when it was solved in time, and the
    sum of the placeable priorities otherwise.
    """
    known = placeable(part)
    seconds, _work = budget.limits(_RELAXATION_SHARE)
    if seconds is not None and seconds < MIN_SOLVE_S:
        return list(start), known
    relaxation = solve_relaxation(part.instance, part.allowed, seconds=seconds)
    if relaxation is None:
        return list(start), known
    guided = plan_guided(
        part.instance,
        values=relaxation.values,
        opened=relaxation.opened,
        index=PlacementIndex(part.instance),
    )
    if value_of(part.instance, guided) > value_of(part.instance, start):
        start = guided
    bound = min(known, relaxation.bound)
    if budget.reporter is not None:
        budget.reporter.update("relaxation", value_of(part.instance, start), bound, force=True)
    return list(start), bound


def start_is_optimal(
    part: Part, start: Sequence[Meeting], previous: Sequence[Meeting] | None
) -> Outcome | None:
    """Return the warm start as proved optimal when it places every request of `part`.

    Placing every request reaches the sum of the placeable priorities, which bounds the
    objective, so no search can do better; when re-planning, the start must also keep
    every previous meeting where it was. Only without fairness rules and summit
    placements: those change what "better" means.
    """
    rules = part.instance.rules
    if rules.min_meetings_per_org or rules.maximise_min_share:
        return None
    if any(p.venue.is_summit for p in part.allowed):
        return None
    if len({x.request for x in start}) != len(part.instance.requests):
        return None
    if previous is not None:
        if rules.replan_tolerance:
            return None
        now = {x.request: x.position() for x in start}
        if any(now.get(x.request) != x.position() for x in previous):
            return None
    objective = placeable(part)
    name = "priority" if previous is None else "priority_and_fewest_moves"
    phase = PhaseStats(name, Status.OPTIMAL, objective=objective, bound=objective)
    return Outcome(list(start), objective, objective, Status.OPTIMAL, [phase])


def _meeting(request: Request, x: Meeting) -> Meeting:
    """Return `x` as a meeting of `request` as it is now (organizations, topic, length)."""
    return Meeting(
        x.request,
        x.session,
        x.date,
        x.slot,
        x.room,
        request.organizations,
        request.topic,
        request.slots,
    )


def _still_fits(
    x: Meeting,
    request: Request,
    venue: Session | None,
    index: PlacementIndex,
    allowed: set[tuple[str, dt.date, int]],
) -> bool:
    """Return whether previous meeting `x` may stay where it is in the changed instance."""
    if venue is None or (x.session, x.date, x.slot) not in allowed:
        return False
    return not (venue.is_summit and not index.needs_summit(request))


def warm_start(
    instance: Instance, index: PlacementIndex, previous: Sequence[Meeting] | None
) -> list[Meeting]:
    """Return a complete plan to start from: the greedy one, or the previous one repaired.

    When re-planning, previous meetings that still fit are kept first (by priority), then
    the others are placed greedily: a start close to the previous plan, and the plan
    returned if CP-SAT has no time to run.
    """
    if previous is None:
        return plan_greedy(instance, index=index)
    requests = {r.id: r for r in instance.requests}
    occupancy = Occupancy(instance)
    meetings: list[Meeting] = []
    pins = {pin.request: pin for pin in instance.pinned}
    fixed = [
        _meeting(requests[p.request], Meeting(p.request, p.session, p.date, p.slot, p.room, ()))
        for p in instance.pinned
    ]
    keep = sorted(
        (x for x in previous if x.request in requests and x.request not in pins),
        key=lambda x: (-requests[x.request].priority, x.request),
    )
    venues = {v.id: v for v in instance.venues()}
    for x in [*fixed, *keep]:
        request = requests[x.request]
        venue = venues.get(x.session)
        allowed = {(v.id, d, k) for v, d, k in index.placements(request)}
        if not _still_fits(x, request, venue, index, allowed) or venue is None:
            continue
        if x.request not in pins:
            if venue.is_summit or occupancy.free_room(request, venue, x.date, x.slot) is None:
                continue
            free = _free_rooms(occupancy, request, venue, x.date, x.slot)
            x = dataclasses.replace(x, room=x.room if x.room in free else min(free))
        occupancy.add(x, venue)
        meetings.append(_meeting(request, x))
    placed = {x.request for x in meetings}
    for request in sorted(requests.values(), key=lambda r: (-r.priority, r.id)):
        if request.id not in placed:
            _place_first_free(request, index, occupancy, meetings)
    return meetings


def _place_first_free(
    request: Request, index: PlacementIndex, occupancy: Occupancy, meetings: list[Meeting]
) -> None:
    """Place `request` at its first free session placement, if any (greedy)."""
    for venue, day, slot in index.placements(request, sessions_only=True):
        room = occupancy.free_room(request, venue, day, slot)
        if room is not None:
            meeting = Meeting(
                request.id,
                venue.id,
                day,
                slot,
                room,
                request.organizations,
                request.topic,
                request.slots,
            )
            occupancy.add(meeting, venue)
            meetings.append(meeting)
            return


def _free_rooms(
    occupancy: Occupancy, request: Request, venue: Session, day: dt.date, slot: int
) -> list[int]:
    taken: set[int] = set()
    for k in range(slot, slot + request.slots):
        taken |= occupancy.rooms.get((venue.id, day, k), set())
    return [room for room in range(venue.rooms) if room not in taken]

"""The exact planner: a CP-SAT model of `constraints.CONSTRAINTS`, solved with a bound.

This module puts together the parts in `sideline.planner.solving` (see its docstring
and docs/planner.md, "The solver's parts"): the instance is split into independent
parts (`partition`), each starts from a complete plan (`warmstart`) and is searched
(`search`: `phases` of one CP-SAT model, or `windows` of dates for a large part) within
its share of the time (`budget`), which returns what a finished part leaves to the
parts still unproved. `solve` maximises the priorities placed (then, with
``maximise_min_share``, the smallest share); `replan` also keeps as many meetings of a
previous plan where they were.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sideline.planner.greedy import PlacementIndex
from sideline.planner.instance import Instance
from sideline.planner.schema import Meeting, Move, Plan
from sideline.planner.solving.budget import CallBudget, Schedule
from sideline.planner.solving.cpmodel import ENFORCEMENT, allowed_placements
from sideline.planner.solving.options import Progress, SolveOptions
from sideline.planner.solving.outcome import (
    Outcome,
    Status,
    combine_statuses,
    merge_phases,
    retried,
)
from sideline.planner.solving.partition import Part, parts_of, placeable, value_of
from sideline.planner.solving.progress import Reporter
from sideline.planner.solving.search import solve_part
from sideline.planner.solving.warmstart import warm_start

__all__ = ["ENFORCEMENT", "Progress", "SolveOptions", "assign_co_chairs", "replan", "solve"]

_POST_S_PER_REQUEST = 1e-4
"""Time kept per request for rooms, co-chairs and explanations after the search."""


def assign_co_chairs(instance: Instance, meetings: Sequence[Meeting]) -> list[Meeting]:
    """Return `meetings` with two co-chairs each, spreading chairing evenly.

    In chronological order (date, slot, session, request), each meeting is chaired by
    the two of its organizations that have chaired least so far, ties going to the
    organization listed first in the instance. Deterministic and greedy: it keeps the
    chair counts of organizations that meet together within one of each other in the
    common case, without a second optimisation.
    """
    if not instance.rules.co_chairs:
        return list(meetings)
    order = {org: i for i, org in enumerate(instance.organizations)}
    count: dict[str, int] = defaultdict(int)
    out = []
    for meeting in sorted(meetings, key=lambda x: (x.date, x.slot, x.session, x.request)):
        chairs = sorted(meeting.organizations, key=lambda o: (count[o], order.get(o, 0), o))[:2]
        for org in chairs:
            count[org] += 1
        chairs.sort(key=lambda o: order.get(o, 0))
        out.append(
            Meeting(
                request=meeting.request,
                session=meeting.session,
                date=meeting.date,
                slot=meeting.slot,
                room=meeting.room,
                organizations=meeting.organizations,
                topic=meeting.topic,
                slots=meeting.slots,
                co_chairs=tuple(chairs),
            )
        )
    return out


def _search_parts(
    instance: Instance,
    parts: Sequence[Part],
    options: SolveOptions,
    *,
    began: float,
    start: Sequence[Meeting],
    previous: Sequence[Meeting] | None,
) -> list[Outcome]:
    """Search every part once, then the unproved ones again while time is left.

    A part searched again starts from its best plan and keeps its proven bound; see
    `budget.Schedule` for how the time is shared.
    """
    wall = options.deterministic_time is None
    call = CallBudget(
        deadline=began + options.time_limit if wall else None,
        work=options.deterministic_time,
        # Explanations, rooms and co-chairs come after the search: keep time for them.
        reserve=_POST_S_PER_REQUEST * len(instance.requests),
        stop=options.stop,
    )
    ids = [{r.id for r in p.instance.requests} for p in parts]
    starts = [[x for x in start if x.request in mine] for mine in ids]
    befores = [
        None if previous is None else [x for x in previous if x.request in mine] for mine in ids
    ]
    reporter = Reporter(options, began)
    reporter.plan(
        [value_of(p.instance, s) for p, s in zip(parts, starts, strict=True)],
        [placeable(p) for p in parts],
    )
    outcomes: list[Outcome | None] = [None] * len(parts)
    schedule = Schedule([len(p.allowed) for p in parts])
    for number, share in schedule.turns(call):
        earlier = outcomes[number]
        begin, known = _resume(earlier, starts[number])
        reporter.begin(number)
        outcome = solve_part(
            parts[number],
            options,
            budget=call.share(share, reporter),
            start=begin,
            previous=befores[number],
            known=known,
        )
        call.spend(outcome.work)
        if earlier is not None:
            outcome = retried(earlier, outcome)
        outcomes[number] = outcome
        reporter.end(outcome.phases[-1].phase, outcome.objective, outcome.bound)
        schedule.record(number, settled=outcome.status.settled or outcome.exhausted)
    return [o for o in outcomes if o is not None]


def _resume(
    earlier: Outcome | None, start: Sequence[Meeting]
) -> tuple[Sequence[Meeting], int | None]:
    """Return where a part's search starts: its best plan and proven bound so far, if any."""
    if earlier is None or not earlier.status.has_plan:
        return start, None
    return earlier.meetings, earlier.bound


def _moves(previous: Sequence[Meeting], meetings: Sequence[Meeting]) -> list[Move]:
    """Return each previous meeting that moved (session, date, slot or room) or went."""
    placed = {x.request: x for x in meetings}
    moves = []
    for old in sorted(previous, key=lambda x: x.request):
        new = placed.get(old.request)
        if new is None or (new.position(), new.room) != (old.position(), old.room):
            moves.append(Move(request=old.request, source=old, target=new))
    return moves


def _statistics(
    outcomes: Sequence[Outcome], options: SolveOptions, *, gap: float | None, began: float
) -> dict[str, Any]:
    phases = merge_phases(outcomes)
    return {
        "wall_time_s": round(sum(p["wall_time_s"] for p in phases), 3),
        "branches": sum(p["branches"] for p in phases),
        "conflicts": sum(p["conflicts"] for p in phases),
        "gap": None if gap is None else round(gap, 6),
        "variables": sum(o.variables for o in outcomes),
        "constraints": sum(o.constraints for o in outcomes),
        "num_workers": options.num_workers,
        "seed": options.seed,
        "phases": phases,
        "greedy_fallback": any(o.fallback for o in outcomes),
        "components": len(outcomes),
        "elapsed_s": round(time.perf_counter() - began, 3),
    }


def _run(instance: Instance, options: SolveOptions, previous: Sequence[Meeting] | None) -> Plan:
    """Plan `instance` part by part within the time limit; see `solve` and `replan`."""
    # Imported here: explain builds on the plan this module returns.
    from sideline.planner.explain import explain_unplaced

    began = time.perf_counter()
    index = PlacementIndex(instance)
    start = warm_start(instance, index, previous)
    rules = instance.rules
    # Fairness floors, the minimum share and a re-planning tolerance tie every request.
    split = not (
        rules.min_meetings_per_org
        or rules.maximise_min_share
        or (previous is not None and rules.replan_tolerance > 0)
    )
    parts = parts_of(instance, allowed_placements(instance, index), split=split)
    outcomes = _search_parts(instance, parts, options, began=began, start=start, previous=previous)
    meetings = assign_co_chairs(instance, [x for o in outcomes for x in o.meetings])
    objective = sum(o.objective for o in outcomes)
    bound = sum(o.bound for o in outcomes)
    status = combine_statuses(o.status for o in outcomes)
    has_plan = status is not Status.UNKNOWN
    gap = (bound - objective) / max(1, abs(bound)) if has_plan else None
    opened: frozenset[str] = frozenset().union(*(o.opened for o in outcomes))
    unplaced = explain_unplaced(instance, meetings, opened=opened, index=index)
    return Plan(
        meetings=tuple(sorted(meetings, key=lambda x: (x.date, x.session, x.slot, x.room))),
        unplaced=tuple(unplaced),
        objective=objective if has_plan else 0,
        bound=bound if has_plan else 0,
        status=status.value,
        statistics=_statistics(outcomes, options, gap=gap, began=began),
        summits=tuple(sorted(opened)),
        shortfalls=tuple(s for o in outcomes for s in o.shortfalls),
        moves=None if previous is None else tuple(_moves(previous, meetings)),
        instance=instance.id,
    )


def solve(instance: Instance, *, options: SolveOptions | None = None) -> Plan:
    """Plan `instance` exactly: maximise the priorities placed, with a proven bound.

    The call returns within about `options.time_limit` seconds in all: building the
    model counts against the limit, and only the explanations of unplaced requests
    come after it (see docs/planner.md, "Performance").

    Args:
        instance: a validated instance.
        options: search limits, workers and seed.

    Returns:
        The plan; `status` is ``optimal``, ``feasible`` (stopped at the limit with a
        plan), ``infeasible`` (fairness floors cannot hold: `shortfalls` names who falls
        short and the plan is the closest one) or ``unknown`` (no plan found in time).

    Example:
        >>> from sideline.planner.instance import parse_instance
        >>> inst = parse_instance({"schema": "sideline.plan-instance/1",
        ...     "organizations": ["a", "b"], "requests": [{"id": "r", "organizations": ["a", "b"]}],
        ...     "sessions": [{"id": "s", "city": "X", "start": "2024-01-01", "end": "2024-01-01",
        ...                   "slots_per_day": 1, "rooms": 1, "attendees": ["a", "b"]}]})
        >>> plan = solve(inst, options=SolveOptions(num_workers=1))
        >>> (plan.status, plan.objective, plan.bound, [x.request for x in plan.meetings])
        ('optimal', 1, 1, ['r'])
    """
    return _run(instance, options or SolveOptions(), None)


def replan(
    instance: Instance, *, previous: Sequence[Meeting], options: SolveOptions | None = None
) -> Plan:
    """Plan a changed `instance` close to `previous`: optimal first, then fewest moves.

    Phase one finds the best objective; phase two keeps the objective at least
    ``(1 - replan_tolerance)`` times it and keeps as many previous meetings at their
    (session, date, slot) as possible. Rooms stay the same where free. Each phase may
    use half of the time limit; the warm start is the previous plan where it still fits.

    Returns:
        The plan, with `moves` listing each previous meeting that moved or was removed.
    """
    return _run(instance, options or SolveOptions(), list(previous))

"""A large part's search, window by window of consecutive dates.

One CP-SAT model of a large part (the L family: 188 000 placements) takes longer to
build and presolve than a whole time limit on two cores. Every rule but "once" and a
summit's opening cost holds within one date, so the part is searched in windows of
consecutive dates: a window's model holds every placement on its dates of the requests
not placed on other dates, and the meetings it chooses replace the window's meetings
when they are worth at least as much. Summit meetings stay where they are (their
opening cost spans days).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sideline.planner.instance import Instance
from sideline.planner.schema import Meeting
from sideline.planner.solving.budget import MIN_SOLVE_S, Budget, OutOfTime
from sideline.planner.solving.cpmodel import Placement, build, chosen, hint, meetings_of
from sideline.planner.solving.options import SolveOptions
from sideline.planner.solving.outcome import Outcome, PhaseStats, Status
from sideline.planner.solving.partition import Part, opened_summits, summits_of, value_of
from sideline.planner.solving.phases import Run, solve_phase

__all__ = ["WINDOW_PLACEMENTS", "WINDOW_S", "solve_by_windows"]

WINDOW_PLACEMENTS = 4_000
"""Placements per window when a large part is searched window by window."""

WINDOW_S = 4.0
"""Most seconds one window may take; a window of that size is usually proved in less."""


@dataclass
class _Windows:
    """The windows of a part's dates and the unplaced priority each could take."""

    by_date: dict[dt.date, list[Placement]]
    candidates: list[list[dt.date]]
    touches: dict[str, set[int]]
    tried: set[int] = field(default_factory=set)

    @classmethod
    def of(cls, part: Part) -> _Windows:
        """Return a partition of the part's dates and the same shifted by half a window."""
        by_date: dict[dt.date, list[Placement]] = defaultdict(list)
        for placement in part.allowed:
            by_date[placement.date].append(placement)
        windows: list[list[dt.date]] = [[]]
        for day in sorted(by_date):
            if sum(len(by_date[d]) for d in windows[-1]) >= WINDOW_PLACEMENTS:
                windows.append([])
            windows[-1].append(day)
        halves = [w[len(w) // 2 :] + n[: len(n) // 2] for w, n in itertools.pairwise(windows)]
        candidates = [*windows, *halves]
        touches: dict[str, set[int]] = defaultdict(set)
        for number, window in enumerate(candidates):
            for day in window:
                for p in by_date[day]:
                    if not p.venue.is_summit:  # Summits take no new meetings here.
                        touches[p.request.id].add(number)
        return cls(by_date, candidates, touches)

    def next(self, plan: Mapping[str, Meeting], priority: Mapping[str, int]) -> int | None:
        """Return the untried window with the most unplaced priority, if any can gain.

        A window can gain only if an unplaced request has a placement in it.
        """
        potential: dict[int, int] = defaultdict(int)
        for request_id, numbers in self.touches.items():
            if request_id not in plan:
                for number in numbers - self.tried:
                    potential[number] += priority[request_id]
        if not potential:
            return None
        best = max(potential, key=lambda n: (potential[n], -n))
        self.tried.add(best)
        return best


def _window_part(part: Part, placements: Sequence[Placement], plan: Mapping[str, Meeting]) -> Part:
    """Return the window's part: its placements of requests not placed on other dates.

    Meetings at a summit stay where they are; pinned ones keep their one placement.
    """
    instance = part.instance
    days = {p.date for p in placements}
    summits = summits_of(instance)
    pinned = {pin.request for pin in instance.pinned}
    forced = {x.request for x in plan.values() if x.date in days and x.session in summits}

    def stays(p: Placement) -> bool:
        return plan[p.request.id].position() == (p.venue.id, p.date, p.slot)

    allowed = [
        p
        for p in placements
        if (p.request.id not in plan or plan[p.request.id].date in days)
        and (not p.venue.is_summit or p.request.id in pinned or p.request.id in forced)
        and (p.request.id not in forced or stays(p))
    ]
    ids = {p.request.id for p in allowed}
    sub = dataclasses.replace(
        instance,
        requests=tuple(r for r in instance.requests if r.id in ids),
        pinned=tuple(pin for pin in instance.pinned if pin.request in ids),
    )
    return Part(sub, allowed)


def _search_window(
    window: Part, plan: dict[str, Meeting], options: SolveOptions, budget: Budget
) -> tuple[Run, bool]:
    """Search one window from the plan's meetings in it; adopt its plan when no worse.

    Returns the run and whether the plan improved. Raises `OutOfTime` while building.
    """
    summits = summits_of(window.instance)
    forced = {x.request for x in plan.values() if x.session in summits}
    before = [plan[r.id] for r in window.instance.requests if r.id in plan]
    m = build(window.instance, soft_floor=False, allowed=window.allowed, clock=budget.clock)
    for c in m.candidates:
        if c.request.id in forced:
            m.model.add(c.var == 1)
    m.model.maximize(m.priority_expr())
    hint(m, before)
    seconds, work = budget.limits(1.0)
    if seconds is not None:
        seconds = min(seconds, WINDOW_S)
    run = solve_phase(m, options, name="priority", run=None, limits=(seconds, work))
    if not run.status.has_plan:
        return run, False
    # Compared on priorities alone: forced summit meetings keep their cost constant.
    priority = {r.id: r.priority for r in window.instance.requests}
    old = sum(priority[x.request] for x in before)
    new = sum(c.request.priority for _, c in chosen(m, run.solver))
    if new < old:
        return run, False
    prefer = {x.request: x.room for x in before}
    for x in before:
        del plan[x.request]
    for x in meetings_of(m, run.solver, prefer=prefer):
        plan[x.request] = x
    return run, new > old


def solve_by_windows(
    part: Part, options: SolveOptions, *, budget: Budget, start: Sequence[Meeting], bound: int
) -> Outcome:
    """Improve the warm start of a large part window by window of consecutive dates.

    Windows are taken by decreasing priority of the unplaced requests they could take,
    each once, while time is left. The plan is feasible throughout; `bound` (the
    day-level LP's, see `relax.py`) is not improved here. The outcome is `exhausted`
    when every window was searched, proved and none improved: more time would not help.
    """
    instance = part.instance
    priority = {r.id: r.priority for r in instance.requests}
    windows = _Windows.of(part)
    plan = {x.request: x for x in start}
    phase = PhaseStats("priority")
    all_proved = True
    exhausted = False
    while value_of(instance, list(plan.values())) < bound:
        number = windows.next(plan, priority)
        if number is None:
            exhausted = all_proved and phase.improved == 0
            break
        seconds, _work = budget.limits(1.0)
        if seconds is not None and seconds < MIN_SOLVE_S:
            break
        window = [p for day in windows.candidates[number] for p in windows.by_date[day]]
        try:
            run, improved = _search_window(_window_part(part, window, plan), plan, options, budget)
        except OutOfTime:
            break
        phase.add_costs(dataclasses.replace(run.phases[0], windows=1, improved=int(improved)))
        all_proved = all_proved and run.status is Status.OPTIMAL
        if improved and budget.reporter is not None:
            budget.reporter.update("windows", value_of(instance, list(plan.values())), bound)
    return _outcome(instance, list(plan.values()), bound, phase, exhausted=exhausted)


def _outcome(
    instance: Instance, meetings: list[Meeting], bound: int, phase: PhaseStats, *, exhausted: bool
) -> Outcome:
    objective = value_of(instance, meetings)
    bound = max(objective, bound)
    status = Status.OPTIMAL if objective == bound else Status.FEASIBLE
    phase.status, phase.objective, phase.bound = status, objective, bound
    return Outcome(
        meetings,
        objective,
        bound,
        status,
        [phase],
        fallback=phase.windows == 0,
        opened=opened_summits(instance, meetings),
        exhausted=exhausted,
    )

"""Live `Progress` reports: the parts' incumbents and bounds summed over the instance."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from sideline.planner.solving.options import Progress, SolveOptions

__all__ = ["Incumbents", "Reporter"]


class Reporter:
    """Sums the parts' incumbents and bounds into `Progress` reports.

    Every part counts with the best it has reached: its warm start and placeable
    priorities before its search, its result after; the part being searched counts with
    what its search reports. A part searched again (the time budget gives it what other
    parts left) starts from its last result.
    """

    def __init__(self, options: SolveOptions, began: float) -> None:
        self.callback = options.progress
        self.stop = options.stop
        self.interval = options.progress_interval
        self.began = began
        self.last = -math.inf
        self.best: tuple[int, int] | None = None
        self.parts: list[tuple[int, int]] = []
        self.current: int | None = None

    @property
    def listens(self) -> bool:
        """Return whether a search should call back: to report, or to ask whether to stop."""
        return self.callback is not None or self.stop is not None

    def stopped(self) -> bool:
        """Return whether the caller asked the search to stop."""
        return self.stop is not None and self.stop()

    def plan(self, starts: Sequence[int], bounds: Sequence[int]) -> None:
        """Set every part's warm-start objective and bound before the search."""
        self.parts = list(zip(starts, bounds, strict=True))

    def begin(self, number: int) -> None:
        """Start reporting for part `number`."""
        self.current = number

    def update(self, phase: str, incumbent: int | None, bound: int, *, force: bool = False) -> None:
        """Record the current part's incumbent and bound; report when due."""
        if self.current is None:
            return
        best, known = self.parts[self.current]
        # A later report of a weaker plan (another worker, another phase) is not news.
        if incumbent is not None:
            best = max(best, incumbent)
        self.parts[self.current] = (best, min(known, bound))
        self._report(phase, force=force)

    def end(self, phase: str, objective: int, bound: int) -> None:
        """Close the current part with its result."""
        if self.current is not None:
            self.parts[self.current] = (objective, bound)
        self.current = None
        self._report(phase, force=True)

    def _report(self, phase: str, *, force: bool) -> None:
        if self.callback is None:
            return
        totals = (sum(p[0] for p in self.parts), sum(p[1] for p in self.parts))
        now = time.perf_counter()
        if totals == self.best or (not force and now - self.last < self.interval):
            return
        self.best, self.last = totals, now
        self.callback(Progress(phase, totals[0], totals[1], round(now - self.began, 3)))


class Incumbents(cp_model.CpSolverSolutionCallback):
    """Forwards CP-SAT's solutions to a reporter, in priority units, and stops the search
    (CP-SAT's `StopSearch`) once the caller asks to stop."""

    def __init__(self, phase: str, reporter: Reporter, scale: int) -> None:
        super().__init__()
        self.phase = phase
        self.reporter = reporter
        # A lexicographic objective `scale * priorities + kept` (kept < scale): floor
        # division recovers the priorities of a plan and bounds them.
        self.scale = scale

    def on_solution_callback(self) -> None:
        if self.reporter.stopped():
            self.StopSearch()
            return
        incumbent = math.floor(self.objective_value + 1e-6) // self.scale
        bound = math.floor(self.best_objective_bound + 1e-6) // self.scale
        self.reporter.update(self.phase, incumbent, bound)

    def on_bound(self, bound: float) -> None:
        self.reporter.update(self.phase, None, math.floor(bound + 1e-6) // self.scale)

"""What a caller of `solve` or `replan` passes (`SolveOptions`) and hears (`Progress`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Progress", "SolveOptions"]


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a running `solve` or `replan` stands, over the whole instance.

    `incumbent` is the objective of the best complete plan known (components not yet
    searched count with their warm start); `bound` a proven upper bound (components not
    yet searched count with their placeable priorities).
    """

    phase: str
    incumbent: int
    bound: int
    elapsed_s: float

    @property
    def gap(self) -> float:
        """Return the relative gap ``(bound - incumbent) / bound`` (0 when the bound is 0)."""
        return (self.bound - self.incumbent) / max(1, abs(self.bound))


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """How long and how to search, and whom to tell while searching.

    A plan is reproducible for a given `seed` and `num_workers` when the search proves
    optimality, or when `deterministic_time` (CP-SAT's deterministic work units, with
    interleaved workers) replaces the wall-clock `time_limit`. `progress`, when given,
    is called from the solver's threads with each better plan or bound, at most every
    `progress_interval` seconds (a report that ends a phase is always made); it does
    not change the search. `stop`, when given, is asked (from the solver's threads) at
    each better plan or bound and before each part's search: once it answers True the
    search ends as at a time limit, with the best plan found so far.
    """

    time_limit: float = 10.0
    num_workers: int = 2
    seed: int = 0
    deterministic_time: float | None = None
    warm_start: bool = True
    log: bool = False
    progress: Callable[[Progress], None] | None = field(default=None, compare=False)
    progress_interval: float = 0.5
    stop: Callable[[], bool] | None = field(default=None, compare=False)

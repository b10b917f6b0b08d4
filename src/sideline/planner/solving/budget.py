"""The time of one `solve` or `replan` call, and how its parts share it.

A call has either a wall-clock deadline or an amount of CP-SAT deterministic work
(`SolveOptions.deterministic_time`). Parts are searched smallest first, each with its
share (by size) of what is left; a part that proves its result early leaves the rest
to the parts after it. Then, while time is left, the parts still unproved are searched
again, each from its best plan, with their share of what the others left: time is never
left unused while a part could still improve or prove its result, so a call returns
before its limit only when every part is proved (or no search could use the time).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sideline.planner.solving.progress import Reporter

__all__ = ["MIN_SOLVE_S", "Budget", "CallBudget", "Clock", "OutOfTime", "Schedule"]

MIN_SOLVE_S = 0.05
"""Below this many seconds left, CP-SAT is not started and the warm start stands."""

MIN_WORK = 0.01
"""Below this much deterministic work left, no part is searched again."""


class OutOfTime(Exception):
    """Raised while building a model once the deadline has passed."""


@dataclass
class Clock:
    """A wall-clock deadline (None: no wall limit) that model building checks."""

    deadline: float | None
    now: Callable[[], float] = time.perf_counter

    def left(self) -> float:
        """Return the seconds left (infinite without a deadline)."""
        if self.deadline is None:
            return math.inf
        return self.deadline - self.now()

    def check(self) -> None:
        """Raise `OutOfTime` once the deadline has passed."""
        if self.left() <= 0:
            raise OutOfTime


@dataclass(frozen=True)
class Budget:
    """What one search of one part may spend (a wall-clock deadline or deterministic
    work), and whom it tells of its progress."""

    deadline: float | None
    work: float | None
    reporter: Reporter | None = None
    now: Callable[[], float] = time.perf_counter

    @property
    def clock(self) -> Clock:
        """Return the deadline as a clock for model building."""
        return Clock(self.deadline, self.now)

    def limits(self, fraction: float) -> tuple[float | None, float | None]:
        """Return (seconds, work) for a solve that may use `fraction` of what is left."""
        seconds = None
        if self.deadline is not None:
            seconds = max(0.0, (self.deadline - self.now()) * fraction)
        work = None if self.work is None else self.work * fraction
        return seconds, work


@dataclass
class CallBudget:
    """What the whole call may still spend: wall-clock seconds or deterministic work.

    `reserve` seconds are kept for rooms, co-chairs and explanations after the search.
    """

    deadline: float | None
    work: float | None
    reserve: float = 0.0
    now: Callable[[], float] = time.perf_counter
    spent_work: float = 0.0
    stop: Callable[[], bool] | None = None

    def left(self) -> float:
        """Return what is left to share between parts (seconds or work units); nothing
        once the caller asked to stop, so that the parts not yet searched keep their
        warm start."""
        if self.stop is not None and self.stop():
            return 0.0
        if self.work is not None:
            return self.work - self.spent_work
        if self.deadline is None:
            return math.inf
        return self.deadline - self.now() - self.reserve

    def enough(self) -> bool:
        """Return whether enough is left to start another search."""
        return self.left() >= (MIN_WORK if self.work is not None else MIN_SOLVE_S)

    def share(self, fraction: float, reporter: Reporter | None) -> Budget:
        """Return the budget of a search that may take `fraction` of what is left."""
        amount = max(0.0, self.left()) * fraction
        if self.work is not None:
            return Budget(None, amount, reporter, self.now)
        deadline = None if self.deadline is None else self.now() + amount
        return Budget(deadline, None, reporter, self.now)

    def spend(self, work: float) -> None:
        """Count the deterministic work a search used (wall time counts itself)."""
        self.spent_work += work


@dataclass
class Schedule:
    """Which part searches next, and what share of what is left it takes.

    The first round takes every part in order; each later round takes the parts still
    open (neither proved nor exhausted) in order. Within a round a part's share is its
    size over the sizes of the parts the round has yet to search, so a part that stops
    early leaves its time to the parts after it, and a round leaves what is unused to
    the next. A round that spends (almost) nothing ends the schedule.

    >>> schedule = Schedule([1, 3])
    >>> budget = CallBudget(deadline=None, work=8.0)
    >>> turns = []
    >>> for number, share in schedule.turns(budget):
    ...     turns.append((number, share * budget.left()))
    ...     budget.spend(share * budget.left() if number == 0 else 1.0)
    ...     schedule.record(number, settled=number == 1)
    >>> turns
    [(0, 2.0), (1, 6.0), (0, 5.0)]
    """

    sizes: Sequence[int]
    open: set[int] = field(init=False)
    queue: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.open = set(range(len(self.sizes)))
        self.queue = list(range(len(self.sizes)))

    def turns(self, budget: CallBudget) -> Iterator[tuple[int, float]]:
        """Yield (part number, share of what is left) while time is left and parts open.

        The caller searches the part and calls `record` before taking the next turn.
        """
        first = True
        round_began = budget.left()
        while True:
            if not self.queue:
                first = False
                spent = round_began - budget.left()
                # A round that used (almost) nothing shows that no open part can use
                # the time: stop rather than spin. Without any limit there is no round 2.
                if not self.open or math.isinf(round_began) or spent < _least(budget):
                    return
                self.queue = sorted(self.open)
                round_began = budget.left()
            # Every part has its first turn, with no time left: it then keeps its start.
            if not first and not budget.enough():
                return
            number = self.queue[0]
            yield number, self.sizes[number] / max(1, sum(self.sizes[i] for i in self.queue))

    def record(self, number: int, *, settled: bool) -> None:
        """Close part `number`'s turn; a settled part is not searched again."""
        self.queue.remove(number)
        if settled:
            self.open.discard(number)


def _least(budget: CallBudget) -> float:
    return MIN_WORK if budget.work is not None else MIN_SOLVE_S

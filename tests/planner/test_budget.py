"""The time budget: what a finished part leaves goes back to the parts still unproved.

Wall-clock behaviour is tested with a fake clock and scripted parts; the solver itself
with CP-SAT's deterministic time. Nothing here reads the real clock.
"""

from __future__ import annotations

from dataclasses import dataclass

from sideline.planner.generate import generate_instance
from sideline.planner.instance import parse_instance
from sideline.planner.solver import SolveOptions, solve
from sideline.planner.solving.budget import CallBudget, Schedule


@dataclass
class FakeClock:
    """Seconds that pass only when a scripted part says so."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


def _run(
    sizes: list[int], script: dict[int, list[tuple[float, bool]]], *, limit: float
) -> list[tuple[int, float]]:
    """Run a schedule of parts whose searches take scripted (seconds, proved) turns.

    A scripted search takes at most what it is given; a part out of script uses all of
    its share without a proof. Returns each turn as (part, seconds given).
    """
    clock = FakeClock()
    budget = CallBudget(deadline=limit, work=None, now=clock)
    schedule = Schedule(sizes)
    turns = []
    for number, share in schedule.turns(budget):
        given = budget.share(share, None)
        assert given.deadline is not None
        seconds = given.deadline - clock.now
        turns.append((number, round(seconds, 6)))
        took, settled = script[number].pop(0) if script[number] else (seconds, False)
        clock.now += min(took, seconds)
        schedule.record(number, settled=settled)
    return turns


def test_time_a_later_part_leaves_goes_back_to_an_unproved_earlier_one() -> None:
    # Part 0 stops unproved at its deadline; part 1 proves its result in 1 s of 20.
    turns = _run([1, 2], {0: [(10.0, False)], 1: [(1.0, True)]}, limit=30.0)

    # Before the fix part 0 had its 10 s only and 19 s were left unused.
    assert turns == [(0, 10.0), (1, 20.0), (0, 19.0)]


def test_call_ends_early_only_when_every_part_is_proved() -> None:
    turns = _run([1, 1], {0: [(2.0, True)], 1: [(3.0, True)]}, limit=30.0)

    assert turns == [(0, 15.0), (1, 28.0)]


def test_a_part_proved_early_leaves_its_share_to_the_parts_after_it() -> None:
    # Part 1 proves its result at once; parts 0 and 2 use all they are given.
    turns = _run([1, 1, 2], {0: [], 1: [(0.0, True)], 2: []}, limit=40.0)

    # 40 s split 1:1:2; part 1's 10 s go to part 2, which then has all that is left.
    assert turns == [(0, 10.0), (1, 10.0), (2, 30.0)]


def test_a_part_that_cannot_use_more_time_is_not_searched_again() -> None:
    # Part 0 gives up (an exhausted window search) after 1 s, unproved: settled.
    clock = FakeClock()
    budget = CallBudget(deadline=30.0, work=None, now=clock)
    schedule = Schedule([1, 1])
    turns = []
    for number, _share in schedule.turns(budget):
        turns.append(number)
        clock.now += 1.0
        schedule.record(number, settled=True)

    assert (turns, clock.now) == ([0, 1], 2.0)


def test_a_round_that_spends_nothing_ends_the_call() -> None:
    # Neither part is proved, but neither uses any time: no endless rounds.
    turns = _run([1, 1], {0: [(0.0, False)] * 9, 1: [(0.0, False)] * 9}, limit=30.0)

    assert [number for number, _ in turns] == [0, 1]


def test_every_part_has_a_first_turn_without_time() -> None:
    turns = _run([1, 1], {0: [], 1: []}, limit=0.0)

    assert turns == [(0, 0.0), (1, 0.0)]


def test_deterministic_work_is_shared_like_seconds() -> None:
    budget = CallBudget(deadline=None, work=6.0)
    schedule = Schedule([1, 2])
    turns = []
    for number, share in schedule.turns(budget):
        work = budget.share(share, None).work
        assert work is not None
        turns.append((number, work))
        budget.spend(work if number == 0 else 1.0)
        schedule.record(number, settled=number == 1)

    assert turns == [(0, 2.0), (1, 4.0), (0, 3.0)]


def test_solver_gives_unproved_parts_what_proved_ones_left() -> None:
    # Deterministic work (one worker): the same search on every machine. With each part
    # held to its first share, M stopped at 2624 of a bound of 2632 ("feasible").
    inst = parse_instance(generate_instance("M", seed=0))

    plan = solve(inst, options=SolveOptions(deterministic_time=0.6, num_workers=1, seed=0))

    assert (plan.status, plan.objective, plan.bound) == ("optimal", 2626, 2626)

"""Score forecasts and warning rules on the ViEWS prediction challenge's windows.

Each window is a calendar year 2018–2023 forecast from the data known at the end of
October of the year before (the challenge's three-month gap). Counts are scored with the
CRPS of an ensemble (the forecast's draws; a point forecast is a one-member ensemble),
"any deaths" with the Brier score of a probability: both computed by ``scoringrules``, a
maintained library of proper scoring rules. Lower is better for both; zero is perfect.

A warning rule says yes or no, so its Brier score is the share of months it got wrong.

>>> round(crps([3.0], [[0.0, 2.0, 4.0]])[0], 4)  # E|X-y| - E|X-X'|/2 = 5/3 - 8/9
0.7778
>>> brier([1, 0], [0.7, 0.2])
[0.09, 0.04]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scoringrules

from sideline.prevention.codes import CENTRAL_ASIA
from sideline.prevention.series import MonthTable, month_index

__all__ = [
    "SCOPES",
    "WINDOWS",
    "Score",
    "Window",
    "base_rate_forecast",
    "brier",
    "crps",
    "last_forecast",
    "score_forecaster",
    "score_rule",
    "window",
    "zero_forecast",
]

WINDOWS = (2018, 2019, 2020, 2021, 2022, 2023)
# None: every state of the data.
SCOPES: dict[str, tuple[str, ...] | None] = {
    "global": None,
    "central_asia": CENTRAL_ASIA,
    "central_asia_afghanistan": (*CENTRAL_ASIA, "AFG"),
}


@dataclass(frozen=True)
class Window:
    year: int
    cutoff: int
    months: tuple[int, ...]


def window(year: int) -> Window:
    """Return the window of ``year``: data to October of the year before, targets Jan–Dec.

    >>> w = window(2021)
    >>> (w.cutoff == month_index(2020, 10), len(w.months))
    (True, 12)
    """
    return Window(
        year, month_index(year - 1, 10), tuple(month_index(year, m) for m in range(1, 13))
    )


def crps(observed: Sequence[float], ensembles: Sequence[Sequence[float]]) -> list[float]:
    """Return the CRPS of each ensemble against its observation (scoringrules, exact)."""
    obs = np.asarray(observed, dtype=float)
    if len({len(e) for e in ensembles}) > 1:
        raise ValueError("ensembles of one call have the same number of members")
    # "qd" (the default) is exact for the ensemble's empirical distribution; "fair" and
    # "pwm" estimate the CRPS of the distribution the members were drawn from instead.
    scores = scoringrules.crps_ensemble(obs, np.asarray(ensembles, dtype=float), estimator="qd")
    return [float(s) for s in np.atleast_1d(scores)]


def brier(observed: Sequence[int], probabilities: Sequence[float]) -> list[float]:
    """Return the Brier score of each probability of "any deaths" (scoringrules)."""
    scores = scoringrules.brier_score(
        np.asarray(observed, dtype=float), np.asarray(probabilities, dtype=float)
    )
    return [round(float(s), 12) for s in np.atleast_1d(scores)]


# A forecaster gives, for a state, its window and the table known at the cutoff, one
# ensemble per target month.
Forecaster = Callable[[MonthTable, str, Window], list[list[float]]]


def zero_forecast(table: MonthTable, state: str, w: Window) -> list[list[float]]:
    """No deaths, every month: the benchmark that is hardest to beat in Central Asia."""
    return [[0.0] for _ in w.months]


def last_forecast(table: MonthTable, state: str, w: Window) -> list[list[float]]:
    """The deaths of the cutoff month, every month."""
    return [[table.value(state, w.cutoff)] for _ in w.months]


def base_rate_forecast(table: MonthTable, state: str, w: Window) -> list[list[float]]:
    """The state's own last 120 months as an ensemble: its base rate as a distribution."""
    history = table.window(state, w.cutoff - 119, w.cutoff)
    return [list(history) for _ in w.months]


@dataclass(frozen=True)
class Score:
    """Mean scores of one forecaster or rule in one window and scope, over ``n`` state-months."""

    name: str
    window: int
    scope: str
    n: int
    crps: float | None
    brier: float


def _states(actuals: MonthTable, scope: str) -> tuple[str, ...]:
    chosen = SCOPES[scope]
    if chosen is not None:
        return chosen
    return tuple(sorted(actuals.deaths)) if actuals.deaths else ()


def score_forecaster(
    name: str,
    forecaster: Forecaster | Mapping[tuple[str, int], Sequence[float]],
    *,
    actuals: MonthTable,
    year: int,
    scope: str,
    states: Sequence[str] | None = None,
) -> Score | None:
    """Score a forecaster (or given draws by (state, month)) on one window and scope.

    Returns ``None`` when the draws cover none of the scope's state-months. The
    probability of "any deaths" is the share of the ensemble above zero.
    """
    w = window(year)
    observed: list[float] = []
    ensembles: list[list[float]] = []
    for state in states if states is not None else _states(actuals, scope):
        if callable(forecaster):
            rows = forecaster(actuals, state, w)
        else:
            found = [forecaster.get((state, m)) for m in w.months]
            if any(f is None for f in found):
                continue
            rows = [list(f) for f in found if f is not None]
        for month, ensemble in zip(w.months, rows, strict=True):
            observed.append(actuals.value(state, month))
            ensembles.append(ensemble)
    if not observed:
        return None
    by_size: dict[int, list[int]] = {}
    for i, e in enumerate(ensembles):
        by_size.setdefault(len(e), []).append(i)
    crps_values = [0.0] * len(observed)
    for indices in by_size.values():
        for i, value in zip(
            indices,
            crps([observed[i] for i in indices], [ensembles[i] for i in indices]),
            strict=True,
        ):
            crps_values[i] = value
    probabilities = [sum(x > 0 for x in e) / len(e) for e in ensembles]
    brier_values = brier([int(o > 0) for o in observed], probabilities)
    return Score(
        name,
        year,
        scope,
        len(observed),
        sum(crps_values) / len(crps_values),
        sum(brier_values) / len(brier_values),
    )


def score_rule(
    name: str,
    raised: Callable[[str, int], bool | None],
    *,
    actuals: MonthTable,
    year: int,
    scope: str,
    states: Sequence[str] | None = None,
) -> Score | None:
    """Score a yes/no rule as the probability 1 or 0 of "any deaths" in each target month.

    ``raised(state, cutoff)`` is the rule's answer; ``None`` (not applicable) leaves the
    state out. Returns ``None`` when the rule applies to no state of the scope.
    """
    w = window(year)
    observed: list[int] = []
    probabilities: list[float] = []
    for state in states if states is not None else _states(actuals, scope):
        answer = raised(state, w.cutoff)
        if answer is None:
            continue
        for month in w.months:
            observed.append(int(actuals.value(state, month) > 0))
            probabilities.append(1.0 if answer else 0.0)
    if not observed:
        return None
    values = brier(observed, probabilities)
    return Score(name, year, scope, len(observed), None, sum(values) / len(values))

"""The multi-vector balance of a state's engagements between pillars, year by year.

Weighting (docs/analysis.md has worked examples):

* an engagement of weight *w* tied to *k* pillars gives *w / k* to each of them;
  an engagement tied to no pillar counts for none;
* an engagement with an end counts fully in every year it is in force (any day of the
  year, under the as-of rule); an engagement of an *ongoing kind* (``membership``,
  ``partnership`` by default) without an end is in force from its year onwards; any
  other engagement without an end is a point event and counts in its own year;
* with ``half_life`` = *h* years, an engagement keeps counting after its last year in
  force, decayed by ``0.5 ** ((year − last_year) / h)``.

For a year with total weight *T* > 0 and shares ``p_i = t_i / T`` over the *n* fixed
pillars:

* balance index ``B = −Σ p_i ln p_i / ln n`` (normalised Shannon entropy; 0·ln 0 = 0):
  1 when all pillars weigh the same, 0 when one pillar has everything;
* Herfindahl–Hirschman concentration ``HHI = Σ p_i²``, from 1/n (even) to 1 (one pillar);
* the trend is the least-squares slope of *B* against the year, over the years where
  *B* is defined (None with fewer than two).

>>> balance_index([0.25, 0.25, 0.25, 0.25])
1.0
>>> herfindahl([0.5, 0.5, 0.0, 0.0])
0.5
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from sideline.analysis.errors import (
    DateOutOfRangeError,
    EmptyPeriodError,
    InvalidArgumentError,
    UnknownPillarError,
)
from sideline.analysis.facts import Engagement
from sideline.analysis.snapshot import RegistrySnapshot

__all__ = [
    "ONGOING_KINDS",
    "BalanceSeries",
    "YearBalance",
    "balance_index",
    "balance_series",
    "herfindahl",
    "trend_slope",
]

ONGOING_KINDS: frozenset[str] = frozenset({"membership", "partnership"})


def balance_index(shares: Sequence[float]) -> float:
    """Return the normalised Shannon entropy of ``shares`` (which sum to 1).

    Raises:
        InvalidArgumentError: fewer than two shares.

    >>> round(balance_index([0.5, 0.5, 0.0, 0.0]), 6)  # ln 2 / ln 4
    0.5
    """
    if len(shares) < 2:
        raise InvalidArgumentError(
            "the balance index needs at least two pillars", argument="pillars", value=len(shares)
        )
    entropy = -sum(p * math.log(p) for p in shares if p > 0)
    return entropy / math.log(len(shares))


def herfindahl(shares: Sequence[float]) -> float:
    """Return the Herfindahl–Hirschman concentration ``Σ p²`` of ``shares``."""
    return sum(p * p for p in shares)


def trend_slope(points: Sequence[tuple[int, float]]) -> float | None:
    """Return the least-squares slope of ``(year, value)`` points, None for fewer than two.

    >>> trend_slope([(2000, 0.2), (2001, 0.4), (2002, 0.6)])
    0.2
    """
    if len(points) < 2:
        return None
    years = np.array([year for year, _ in points], dtype=np.float64)
    values = np.array([value for _, value in points], dtype=np.float64)
    # Centred closed form: exact for integer years, no conditioning trouble.
    centred = years - years.mean()
    return round(float((centred * (values - values.mean())).sum() / (centred**2).sum()), 12)


@dataclass(frozen=True)
class YearBalance:
    """One year of a state's engagements: weight, shares, index, concentration."""

    year: int
    weights: dict[str, float]
    shares: dict[str, float] | None
    index: float | None
    hhi: float | None

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "year": self.year,
            "weights": self.weights,
            "shares": self.shares,
            "index": self.index,
            "hhi": self.hhi,
        }


@dataclass(frozen=True)
class BalanceSeries:
    """A state's balance between pillars over a period, with its trend."""

    state: str
    pillars: tuple[str, ...]
    years: tuple[YearBalance, ...]
    trend: float | None
    half_life: float | None

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "state": self.state,
            "pillars": list(self.pillars),
            "half_life": self.half_life,
            "trend": self.trend,
            "years": [year.as_dict() for year in self.years],
        }


def _years_in_force(
    engagement: Engagement, *, ongoing_kinds: frozenset[str], last: int
) -> tuple[int, int]:
    """Return the first and last year in which ``engagement`` is in force."""
    interval = engagement.interval
    first = interval.start.first_day.year
    if interval.end is None:
        return (first, last if engagement.kind in ongoing_kinds else first)
    end_day = interval.end.first_day
    # In force on some day of year y when start <= Dec 31 y and Jan 1 y < end.
    final = end_day.year if end_day > date(end_day.year, 1, 1) else end_day.year - 1
    return (first, max(first, final))


def balance_series(
    snapshot: RegistrySnapshot,
    state: str,
    *,
    start: int,
    end: int,
    pillars: Sequence[str] | None = None,
    half_life: float | None = None,
    ongoing_kinds: frozenset[str] = ONGOING_KINDS,
) -> BalanceSeries:
    """Compute a state's yearly balance between pillars from ``start`` to ``end``.

    Args:
        snapshot: the registry with its engagements.
        state: ISO alpha-3 code.
        start: first year (inclusive).
        end: last year (inclusive).
        pillars: the fixed set of pillars; the snapshot's by default.
        half_life: years after which a past engagement counts half; None for no decay.
        ongoing_kinds: kinds whose engagements without an end last until today.

    Raises:
        UnknownStateError: the state is not in the registry.
        EmptyPeriodError: ``start`` is after ``end``.
        DateOutOfRangeError: the period reaches outside the data.
        UnknownPillarError: a pillar of ``pillars`` is not in the snapshot.
        InvalidArgumentError: fewer than two pillars, or a ``half_life`` not above 0.
    """
    snapshot.require_state(state)
    _check_period(snapshot, start, end)
    chosen = _chosen_pillars(snapshot, pillars)
    if half_life is not None and not half_life > 0:
        raise InvalidArgumentError(
            f"half_life {half_life} must be above 0", argument="half_life", value=half_life
        )
    column = {pillar: index for index, pillar in enumerate(chosen)}
    weights = _pillar_weights(
        snapshot,
        state,
        column,
        years=np.arange(start, end + 1),
        half_life=half_life,
        ongoing_kinds=ongoing_kinds,
    )
    results = [
        _year_balance(year, weights[row], column) for row, year in enumerate(range(start, end + 1))
    ]
    trend = trend_slope([(r.year, r.index) for r in results if r.index is not None])
    return BalanceSeries(
        state=state, pillars=chosen, years=tuple(results), trend=trend, half_life=half_life
    )


def _check_period(snapshot: RegistrySnapshot, start: int, end: int) -> None:
    if start > end:
        raise EmptyPeriodError(f"start {start} is after end {end}", argument="start", value=start)
    first_year, last_year = (day.year for day in snapshot.span)
    for argument, year in (("start", start), ("end", end)):
        if not first_year <= year <= last_year:
            raise DateOutOfRangeError(
                f"{argument} {year} is outside the data ({first_year} to {last_year})",
                argument=argument,
                value=year,
            )


def _chosen_pillars(snapshot: RegistrySnapshot, pillars: Sequence[str] | None) -> tuple[str, ...]:
    chosen = tuple(snapshot.pillars if pillars is None else dict.fromkeys(pillars))
    for pillar in chosen:
        if pillar not in snapshot.pillars:
            raise UnknownPillarError(
                f"pillar {pillar!r} is not among the pillars {list(snapshot.pillars)}",
                argument="pillars",
                value=pillar,
            )
    if len(chosen) < 2:
        raise InvalidArgumentError(
            "the balance index needs at least two pillars", argument="pillars", value=chosen
        )
    return chosen


def _pillar_weights(
    snapshot: RegistrySnapshot,
    state: str,
    column: dict[str, int],
    *,
    years: npt.NDArray[np.int64],
    half_life: float | None,
    ongoing_kinds: frozenset[str],
) -> npt.NDArray[np.float64]:
    """Return the weight of each pillar (columns) in each year (rows) of ``years``."""
    weights = np.zeros((len(years), len(column)), dtype=np.float64)
    for engagement in snapshot.engagements:
        if engagement.state != state or not engagement.pillars:
            continue
        first, final = _years_in_force(engagement, ongoing_kinds=ongoing_kinds, last=int(years[-1]))
        factor = np.where((years >= first) & (years <= final), 1.0, 0.0)
        if half_life is not None:
            after = years > final
            factor[after] = 0.5 ** ((years[after] - final) / half_life)
        share = engagement.weight / len(engagement.pillars)
        for pillar in engagement.pillars:
            if pillar in column:
                weights[:, column[pillar]] += share * factor
    return weights


def _year_balance(
    year: int, weights: npt.NDArray[np.float64], column: dict[str, int]
) -> YearBalance:
    total = float(weights.sum())
    by_pillar = {p: round(float(weights[i]), 12) for p, i in column.items()}
    if total <= 0:
        return YearBalance(year, by_pillar, None, None, None)
    shares = [float(w) / total for w in weights]
    return YearBalance(
        year=year,
        weights=by_pillar,
        shares={p: round(shares[i], 12) for p, i in column.items()},
        index=round(balance_index(shares), 12),
        hhi=round(herfindahl(shares), 12),
    )

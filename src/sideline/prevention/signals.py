"""Four transparent warning rules, each returning its evidence.

A rule looks at the data known at the end of month ``at`` and says whether the state
deserves attention in the months that follow. None is a forecast model; each is a rule a
person can check by hand against the evidence it shows:

``above_base_rate``
    deaths in the last three months exceed the state's own base rate (its mean
    three-month deaths over the ten years before them) and are at least one.
``new_conflict_year``
    the UCDP/PRIO conflict-years of the last complete year hold a conflict fought in the
    state that was not active the year before (an onset or a recurrence).
``neighbour_fighting``
    a land neighbour had :data:`NEIGHBOUR_DEATHS` or more deaths in the last three months;
    not applicable to states outside the neighbour table (:mod:`sideline.prevention.codes`).
``forecast_above_threshold``
    a published forecast (ViEWS) gives :data:`FORECAST_DEATHS` or more deaths in one of
    the next twelve months; not applicable without imported forecasts for those months.

>>> from sideline.prevention.series import MonthTable, month_index
>>> at = month_index(2021, 4)
>>> table = MonthTable.from_values({"KGZ": {at: 36.0}}, first=at - 130, last=at)
>>> signal = above_base_rate(table, "KGZ", at=at)
>>> signal.raised, signal.evidence[0]
(True, Evidence(label='deaths in the last 3 months', value='36'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sideline.prevention.codes import neighbours_of
from sideline.prevention.formats import ConflictRecord
from sideline.prevention.series import MonthTable, month_label

__all__ = [
    "FORECAST_DEATHS",
    "NEIGHBOUR_DEATHS",
    "RULES",
    "Evidence",
    "Signal",
    "above_base_rate",
    "evaluate",
    "forecast_above_threshold",
    "neighbour_fighting",
    "new_conflict_year",
]

# UCDP counts a conflict from 25 battle-related deaths a year; the same number over three
# months in a neighbour, or in one forecast month, is worth a look without being noise.
NEIGHBOUR_DEATHS = 25.0
FORECAST_DEATHS = 25.0
RECENT_MONTHS = 3
BASE_MONTHS = 120

RULES = ("above_base_rate", "new_conflict_year", "neighbour_fighting", "forecast_above_threshold")


@dataclass(frozen=True)
class Evidence:
    label: str
    value: str


@dataclass(frozen=True)
class Signal:
    """A rule's answer for one state at one month: raised, not raised, or not applicable."""

    rule: str
    state: str
    at: str
    raised: bool | None
    evidence: tuple[Evidence, ...]

    @property
    def applicable(self) -> bool:
        return self.raised is not None


def _n(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def above_base_rate(table: MonthTable, state: str, *, at: int) -> Signal:
    """Deaths of the last three months against the state's own ten-year base rate."""
    recent = sum(table.window(state, at - RECENT_MONTHS + 1, at))
    before = table.window(state, at - RECENT_MONTHS - BASE_MONTHS + 1, at - RECENT_MONTHS)
    base = sum(before) / len(before) * RECENT_MONTHS if before else 0.0
    return Signal(
        "above_base_rate",
        state,
        month_label(at),
        recent >= 1 and recent > base,
        (
            Evidence(f"deaths in the last {RECENT_MONTHS} months", _n(recent)),
            Evidence(
                f"base rate: mean {RECENT_MONTHS}-month deaths over the {len(before)} months before",
                f"{base:,.1f}",
            ),
        ),
    )


def new_conflict_year(records: Iterable[ConflictRecord], state: str, *, at: int) -> Signal:
    """A conflict in the state active in the last complete year but not the year before."""
    year = at // 12 - 1 if at % 12 < 11 else at // 12
    active: dict[int, set[int]] = {}
    for r in records:
        if state in r.states and r.year in (year - 1, year):
            active.setdefault(r.year, set()).add(r.conflict_id)
    new = sorted(active.get(year, set()) - active.get(year - 1, set()))
    return Signal(
        "new_conflict_year",
        state,
        month_label(at),
        bool(new),
        (
            Evidence(
                f"conflicts active in {year}",
                ", ".join(map(str, sorted(active.get(year, set())))) or "none",
            ),
            Evidence(f"of which not active in {year - 1}", ", ".join(map(str, new)) or "none"),
        ),
    )


def neighbour_fighting(table: MonthTable, state: str, *, at: int) -> Signal:
    """A land neighbour's deaths over the last three months against :data:`NEIGHBOUR_DEATHS`."""
    neighbours = neighbours_of(state)
    if neighbours is None:
        return Signal(
            "neighbour_fighting",
            state,
            month_label(at),
            None,
            (
                Evidence(
                    "neighbours", "not in the neighbour table (Central Asia and its neighbours)"
                ),
            ),
        )
    deaths = {n: sum(table.window(n, at - RECENT_MONTHS + 1, at)) for n in neighbours}
    return Signal(
        "neighbour_fighting",
        state,
        month_label(at),
        any(d >= NEIGHBOUR_DEATHS for d in deaths.values()),
        tuple(
            Evidence(f"{n}: deaths in the last {RECENT_MONTHS} months", _n(d))
            for n, d in deaths.items()
        ),
    )


def forecast_above_threshold(
    forecasts: Mapping[str, Mapping[int, float]], state: str, *, at: int
) -> Signal:
    """The largest published forecast for the next twelve months against the threshold."""
    ahead = {m: v for m, v in forecasts.get(state, {}).items() if at < m <= at + 12}
    if not ahead:
        return Signal(
            "forecast_above_threshold",
            state,
            month_label(at),
            None,
            (Evidence("published forecasts", f"none for the 12 months after {month_label(at)}"),),
        )
    month, value = max(ahead.items(), key=lambda item: (item[1], -item[0]))
    return Signal(
        "forecast_above_threshold",
        state,
        month_label(at),
        value >= FORECAST_DEATHS,
        (
            Evidence(
                "largest forecast (mean deaths in a month)", f"{value:,.1f} in {month_label(month)}"
            ),
            Evidence("threshold", _n(FORECAST_DEATHS)),
        ),
    )


def evaluate(
    *,
    table: MonthTable,
    records: Iterable[ConflictRecord],
    forecasts: Mapping[str, Mapping[int, float]],
    state: str,
    at: int,
) -> list[Signal]:
    """Run every rule for ``state`` at month ``at``, in the order of :data:`RULES`."""
    return [
        above_base_rate(table, state, at=at),
        new_conflict_year(records, state, at=at),
        neighbour_fighting(table, state, at=at),
        forecast_above_threshold(forecasts, state, at=at),
    ]

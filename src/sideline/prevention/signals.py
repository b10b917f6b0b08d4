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
>>> signal.raised, signal.evidence[0].label, signal.evidence[0].value
(True, 'deaths in the last 3 months', '36')

Evidence carries a key and parameters, not a sentence: the pure core speaks English
(:data:`EVIDENCE_LABELS`), and the pages translate the same key
(:mod:`sideline.prevention.evidence_text`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sideline.prevention.codes import neighbours_of
from sideline.prevention.formats import ConflictRecord
from sideline.prevention.series import MonthTable, month_label

__all__ = [
    "EVIDENCE_LABELS",
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


# One English label per evidence key; each page renders the key in its reader's language.
EVIDENCE_LABELS: dict[str, str] = {
    "recent_deaths": "deaths in the last {months} months",
    "base_rate": "base rate: mean {months}-month deaths over the {before} months before",
    "conflicts_active": "conflicts active in {year}",
    "conflicts_new": "of which not active in {previous}",
    "neighbours_untabled": "neighbours: not in the neighbour table (Central Asia and its neighbours)",
    "neighbour_deaths": "{state}: deaths in the last {months} months",
    "forecasts_none": "published forecasts: none for the 12 months after {month}",
    "forecast_largest": "largest forecast (mean deaths in a month), in {month}",
    "threshold": "threshold",
}


@dataclass(frozen=True)
class Evidence:
    """One fact a rule looked at: ``value`` is a number or list, ``None`` for none, ``""`` for
    a fact said by its label alone."""

    key: str
    value: str | None
    params: tuple[tuple[str, str], ...] = field(default=())

    @property
    def label(self) -> str:
        return EVIDENCE_LABELS[self.key].format(**dict(self.params))


def _ev(key: str, value: str | None, **params: object) -> Evidence:
    return Evidence(key, value, tuple((k, str(v)) for k, v in params.items()))


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
            _ev("recent_deaths", _n(recent), months=RECENT_MONTHS),
            _ev("base_rate", f"{base:,.1f}", months=RECENT_MONTHS, before=len(before)),
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
            _ev(
                "conflicts_active",
                ", ".join(map(str, sorted(active.get(year, set())))) or None,
                year=year,
            ),
            _ev("conflicts_new", ", ".join(map(str, new)) or None, previous=year - 1),
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
            (_ev("neighbours_untabled", ""),),
        )
    deaths = {n: sum(table.window(n, at - RECENT_MONTHS + 1, at)) for n in neighbours}
    return Signal(
        "neighbour_fighting",
        state,
        month_label(at),
        any(d >= NEIGHBOUR_DEATHS for d in deaths.values()),
        tuple(
            _ev("neighbour_deaths", _n(d), state=n, months=RECENT_MONTHS) for n, d in deaths.items()
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
            (_ev("forecasts_none", "", month=month_label(at)),),
        )
    month, value = max(ahead.items(), key=lambda item: (item[1], -item[0]))
    return Signal(
        "forecast_above_threshold",
        state,
        month_label(at),
        value >= FORECAST_DEATHS,
        (
            _ev("forecast_largest", f"{value:,.1f}", month=month_label(month)),
            _ev("threshold", _n(FORECAST_DEATHS)),
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

"""Monthly series of deaths, a state's base rates, its last events and its conflict episodes.

Months are numbered ``year * 12 + month - 1`` (:func:`month_index`), so that a window is
a range of integers. A month inside the data's span with no row has zero deaths: UCDP
records events, and a month without events has none.

>>> table = MonthTable.from_values({"KGZ": {month_index(2021, 4): 36.0}},
...                                first=month_index(2020, 1), last=month_index(2021, 12))
>>> rates = base_rates(table, "KGZ")
>>> rates.months, rates.months_with_deaths, rates.last_event
(24, 1, LastEvent(year=2021, month=4, deaths=36.0))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sideline.prevention.errors import InvalidArgumentError
from sideline.prevention.formats import ConflictRecord, StateValue

__all__ = [
    "BaseRates",
    "Episode",
    "LastEvent",
    "MonthTable",
    "base_rates",
    "episodes",
    "month_index",
    "month_label",
    "type_name",
    "yearly_totals",
]


def month_index(year: int, month: int) -> int:
    """Return the month's number: ``year * 12 + month - 1``.

    >>> month_index(2022, 1) - month_index(2021, 12)
    1
    """
    return year * 12 + month - 1


def month_label(index: int) -> str:
    """Return ``YYYY-MM`` for a month's number.

    >>> month_label(month_index(2022, 1))
    '2022-01'
    """
    return f"{index // 12}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class MonthTable:
    """Deaths per state and month over a span (``first``..``last``, both included)."""

    deaths: Mapping[str, Mapping[int, float]]
    first: int
    last: int

    @classmethod
    def from_values(
        cls, values: Mapping[str, Mapping[int, float]], *, first: int, last: int
    ) -> MonthTable:
        if last < first:
            raise InvalidArgumentError(f"the span ends ({last}) before it starts ({first})")
        return cls(deaths=values, first=first, last=last)

    @classmethod
    def from_state_values(cls, values: Iterable[StateValue]) -> MonthTable:
        """Build the table from an importer's monthly rows."""
        deaths: dict[str, dict[int, float]] = {}
        months = []
        for v in values:
            if v.month is None:
                continue
            index = month_index(v.year, v.month)
            months.append(index)
            if v.value:
                deaths.setdefault(v.state, {})[index] = v.value
        if not months:
            raise InvalidArgumentError("no monthly rows")
        return cls(deaths=deaths, first=min(months), last=max(months))

    def value(self, state: str, index: int) -> float:
        """Return the deaths of ``state`` in month ``index``; zero in the span without a row."""
        if not self.first <= index <= self.last:
            raise InvalidArgumentError(
                f"{month_label(index)} is outside the data ({month_label(self.first)} to "
                f"{month_label(self.last)})",
                field="month",
            )
        return self.deaths.get(state, {}).get(index, 0.0)

    def window(self, state: str, start: int, end: int) -> list[float]:
        """Return the deaths of months ``start``..``end`` (included), clipped to the span."""
        row = self.deaths.get(state, {})
        return [row.get(i, 0.0) for i in range(max(start, self.first), min(end, self.last) + 1)]

    def states(self) -> Sequence[str]:
        """Return the states with at least one month of deaths, sorted."""
        return sorted(self.deaths)


@dataclass(frozen=True)
class LastEvent:
    year: int
    month: int
    deaths: float


@dataclass(frozen=True)
class BaseRates:
    """How often and how badly a state has seen state-based deaths, up to a month.

    ``share_recent`` and ``mean_recent`` cover the ten years before ``upto``.
    """

    state: str
    months: int
    months_with_deaths: int
    share: float
    mean: float
    share_recent: float
    mean_recent: float
    peak: LastEvent | None
    last_event: LastEvent | None
    months_since_last: int | None


def _event(index: int, deaths: float) -> LastEvent:
    return LastEvent(year=index // 12, month=index % 12 + 1, deaths=deaths)


def base_rates(table: MonthTable, state: str, *, upto: int | None = None) -> BaseRates:
    """Return the state's base rates over the data's span up to month ``upto`` (included).

    >>> table = MonthTable.from_values({"TJK": {5: 2.0, 7: 4.0}}, first=0, last=9)
    >>> r = base_rates(table, "TJK")
    >>> (r.share, r.mean, r.months_since_last)
    (0.2, 0.6, 2)
    """
    end = table.last if upto is None else min(upto, table.last)
    values = table.window(state, table.first, end)
    recent = table.window(state, end - 119, end)
    with_deaths = [(table.first + i, v) for i, v in enumerate(values) if v > 0]
    peak = max(with_deaths, key=lambda item: (item[1], item[0]), default=None)
    last = with_deaths[-1] if with_deaths else None
    return BaseRates(
        state=state,
        months=len(values),
        months_with_deaths=len(with_deaths),
        share=len(with_deaths) / len(values) if values else 0.0,
        mean=sum(values) / len(values) if values else 0.0,
        share_recent=sum(v > 0 for v in recent) / len(recent) if recent else 0.0,
        mean_recent=sum(recent) / len(recent) if recent else 0.0,
        peak=_event(*peak) if peak else None,
        last_event=_event(*last) if last else None,
        months_since_last=end - last[0] if last else None,
    )


@dataclass(frozen=True)
class Episode:
    """Consecutive conflict-years of one conflict in one episode."""

    conflict_id: int
    states: tuple[str, ...]
    first_year: int
    last_year: int
    intensity: int
    conflict_type: int
    ended: bool


_TYPE_NAMES = {
    1: "extrasystemic",
    2: "interstate",
    3: "intrastate",
    4: "internationalized intrastate",
}


def type_name(conflict_type: int) -> str:
    """Return UCDP's name of a conflict type.

    >>> type_name(2)
    'interstate'
    """
    return _TYPE_NAMES.get(conflict_type, str(conflict_type))


def episodes(records: Iterable[ConflictRecord], state: str) -> list[Episode]:
    """Return the state's conflict episodes, newest first.

    An episode is a run of conflict-years with the same conflict and episode start
    (UCDP's ``start_date2``); a gap of a year or more starts a new one.

    >>> from datetime import date
    >>> rows = [ConflictRecord(13324, y, ("KGZ", "TJK"), 1, 2, date(2021, 5, 1), y == 2022)
    ...         for y in (2021, 2022)]
    >>> episodes(rows, "TJK")
    [Episode(conflict_id=13324, states=('KGZ', 'TJK'), first_year=2021, last_year=2022, intensity=1, conflict_type=2, ended=True)]
    """
    mine = sorted((r for r in records if state in r.states), key=lambda r: (r.conflict_id, r.year))
    found: list[Episode] = []
    for record in mine:
        previous = found[-1] if found else None
        if (
            previous is not None
            and previous.conflict_id == record.conflict_id
            and previous.last_year == record.year - 1
            and not previous.ended
        ):
            found[-1] = Episode(
                previous.conflict_id,
                tuple(dict.fromkeys((*previous.states, *record.states))),
                previous.first_year,
                record.year,
                max(previous.intensity, record.intensity),
                record.conflict_type,
                record.episode_end,
            )
        else:
            found.append(
                Episode(
                    record.conflict_id,
                    record.states,
                    record.year,
                    record.year,
                    record.intensity,
                    record.conflict_type,
                    record.episode_end,
                )
            )
    return sorted(found, key=lambda e: (-e.last_year, -e.first_year, e.conflict_id))


def yearly_totals(values: Iterable[StateValue], state: str) -> dict[int, float]:
    """Return a state's deaths per year from yearly or monthly rows.

    >>> yearly_totals([StateValue("KGZ", 2021, 4, 36.0), StateValue("KGZ", 2021, 5, 1.0)], "KGZ")
    {2021: 37.0}
    """
    totals: dict[int, float] = {}
    for v in values:
        if v.state == state:
            totals[v.year] = totals.get(v.year, 0.0) + v.value
    return dict(sorted(totals.items()))

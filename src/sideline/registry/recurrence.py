"""How well a forum's recurrence rule reproduces the sessions actually held. Pure Python.

A forum's RFC 5545 rule projects its future sessions (``forums.csv``); the dated sessions
are the truth. :func:`projection_errors` measures, for each held session, the days between
its first day and the nearest occurrence of the rule, so that ``docs/data.md`` can say how
far a projection may be off (``tests/registry/test_sessions_ahead.py`` keeps that table
equal to the measurement). The measurement covers the ten complete years before the data's
own year (:func:`measurement_window`), and :func:`summarize` gives the table's figures; a
rule *fits* when its mean absolute error is at most :data:`FIT_MEAN_DAYS`.

>>> errors = projection_errors("FREQ=YEARLY;BYMONTH=12;BYDAY=1TH", date(2012, 12, 6),
...                            [date(2012, 12, 6), date(2013, 12, 5), date(2011, 12, 7)])
>>> [(str(day), error) for day, error in errors]
[('2011-12-07', 6), ('2012-12-06', 0), ('2013-12-05', 0)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.rrule import rrulestr

__all__ = [
    "FIT_MEAN_DAYS",
    "ErrorSummary",
    "fits",
    "measurement_window",
    "projection_errors",
    "summarize",
]

_INTERVAL = re.compile(r"INTERVAL=(\d+)")

# A week: a projection that lands within the same week as the real session still lets a
# planner book the right days; beyond that the rule is only a guess of the month.
FIT_MEAN_DAYS = 7
_YEARS = 10


@dataclass(frozen=True)
class ErrorSummary:
    """How far a rule's projections fell from the held sessions, in days."""

    sessions: int
    mean: float
    largest: int


def measurement_window(created: date) -> tuple[date, date]:
    """Return the first and last day of the ten complete years before ``created``.

    >>> measurement_window(date(2026, 12, 3))
    (datetime.date(2016, 1, 1), datetime.date(2025, 12, 31))
    """
    return date(created.year - _YEARS, 1, 1), date(created.year - 1, 12, 31)


def summarize(errors: Iterable[int]) -> ErrorSummary | None:
    """Return the count, mean absolute error (one decimal) and largest error, or None.

    >>> summarize([3, -4, 0])
    ErrorSummary(sessions=3, mean=2.3, largest=4)
    >>> summarize([]) is None
    True
    """
    absolute = [abs(error) for error in errors]
    if not absolute:
        return None
    return ErrorSummary(len(absolute), round(sum(absolute) / len(absolute), 1), max(absolute))


def fits(summary: ErrorSummary | None) -> bool:
    """Return whether a rule with these errors may project sessions (mean within a week).

    >>> fits(ErrorSummary(sessions=20, mean=6.3, largest=42))
    True
    >>> fits(ErrorSummary(sessions=10, mean=13.9, largest=70)) or fits(None)
    False
    """
    return summary is not None and summary.mean <= FIT_MEAN_DAYS


def projection_errors(rrule: str, dtstart: date, held: Iterable[date]) -> list[tuple[date, int]]:
    """Return each held day with its signed error in days (held minus nearest projection).

    Sessions held before the rule's ``dtstart`` are compared with the rule carried back
    by whole intervals (every 4 years stays every 4 years), so a rule written from recent
    sessions is also measured against older ones. The rule is read from 1 January of its
    first year, so that an occurrence earlier in that year than ``dtstart`` counts too.
    Results follow the held days in date order.
    """
    days = sorted(held)
    if not days:
        return []
    match = _INTERVAL.search(rrule)
    interval = int(match.group(1)) if match else 1
    back = 0
    if days[0].year < dtstart.year:
        back = math.ceil((dtstart.year - days[0].year) / interval) * interval
    rule = rrulestr(rrule, dtstart=datetime(dtstart.year - back, 1, 1))
    results: list[tuple[date, int]] = []
    for day in days:
        window = rule.between(
            datetime(day.year - interval, 1, 1), datetime(day.year + interval, 12, 31), inc=True
        )
        if not window:
            continue
        nearest = min((o.date() for o in window), key=lambda o: (abs((day - o).days), o))
        results.append((day, (day - nearest).days))
    return results

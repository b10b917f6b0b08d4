"""How well a forum's recurrence rule reproduces the sessions actually held. Pure Python.

A forum's RFC 5545 rule projects its future sessions (``forums.csv``); the dated sessions
are the truth. :func:`projection_errors` measures, for each held session, the days between
its first day and the nearest occurrence of the rule, so that ``docs/data.md`` can say how
far a projection may be off (``tests/registry/test_sessions_ahead.py`` keeps that table
equal to the measurement).

>>> errors = projection_errors("FREQ=YEARLY;BYMONTH=12;BYDAY=1TH", date(2012, 12, 6),
...                            [date(2012, 12, 6), date(2013, 12, 5), date(2011, 12, 7)])
>>> [(str(day), error) for day, error in errors]
[('2011-12-07', 6), ('2012-12-06', 0), ('2013-12-05', 0)]
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime

from dateutil.rrule import rrulestr

__all__ = ["projection_errors"]

_INTERVAL = re.compile(r"INTERVAL=(\d+)")


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

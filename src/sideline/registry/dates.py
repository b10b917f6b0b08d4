"""Dates as precise as their source: ``1994``, ``1994-05`` or ``1994-05-27``.

Pure Python, no Django: the loader, the validator and the analysis all read dates here.

The as-of rule, in one place because every query depends on it:

* a partial date stands for its first day (``1994`` → 1994-01-01, ``1994-05`` → 1994-05-01);
* a membership is in force on day *d* when ``start <= d`` and, if it has ended, ``d < end``:
  ``end`` is the first day on which it no longer applies.

So a row ``start=1994, end=2012`` reads "from 1994 until 2012" on a year timeline, and two
rows of one organization–state–status contradict each other exactly when these half-open
intervals intersect.

>>> PartialDate.parse("1994-05").first_day
datetime.date(1994, 5, 1)
>>> Interval(PartialDate.parse("2006-08-16"), PartialDate.parse("2012-12-19")).in_force(date(2012, 7, 1))
True
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["DatePrecision", "Interval", "PartialDate", "PartialDateError"]

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDateError(ValueError):
    """A text is not an ISO 8601 date at year, month or day precision."""


class DatePrecision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to the year, the month or the day."""

    first_day: date
    precision: DatePrecision

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

        Raises:
            PartialDateError: the text is none of these, or names no real day.

        >>> str(PartialDate.parse("2012"))
        '2012'
        >>> PartialDate.parse("2012-02-30")
        Traceback (most recent call last):
        ...
        sideline.registry.dates.PartialDateError: '2012-02-30' is not a real date: day is out of range for month
        """
        match = _PATTERN.match(text.strip())
        if match is None:
            raise PartialDateError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match.groups()
        precision = (
            DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        )
        try:
            first = date(int(year), int(month or 1), int(day or 1))
        except ValueError as error:
            raise PartialDateError(f"{text!r} is not a real date: {error}") from None
        return cls(first_day=first, precision=precision)

    @classmethod
    def from_date(cls, value: date) -> PartialDate:
        return cls(first_day=value, precision=DatePrecision.DAY)

    @property
    def last_day(self) -> date:
        """The last day the date may mean (1994 → 1994-12-31)."""
        if self.precision is DatePrecision.YEAR:
            return date(self.first_day.year, 12, 31)
        if self.precision is DatePrecision.MONTH:
            days = calendar.monthrange(self.first_day.year, self.first_day.month)[1]
            return self.first_day.replace(day=days)
        return self.first_day

    def __str__(self) -> str:
        if self.precision is DatePrecision.YEAR:
            return f"{self.first_day.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.first_day.year:04d}-{self.first_day.month:02d}"
        return self.first_day.isoformat()


@dataclass(frozen=True)
class Interval:
    """A half-open span ``[start, end)``; ``end`` is None while it lasts."""

    start: PartialDate
    end: PartialDate | None = None

    def in_force(self, day: date) -> bool:
        """Tell whether the interval covers ``day`` under the as-of rule above."""
        if day < self.start.first_day:
            return False
        return self.end is None or day < self.end.first_day

    def overlaps(self, other: Interval) -> bool:
        """Tell whether two intervals share at least one day."""
        self_end = self.end.first_day if self.end else date.max
        other_end = other.end.first_day if other.end else date.max
        return self.start.first_day < other_end and other.start.first_day < self_end

    def is_reversed(self) -> bool:
        """Tell whether the interval ends before (or when) it starts, i.e. is empty."""
        return self.end is not None and self.end.first_day <= self.start.first_day

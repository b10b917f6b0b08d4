"""The registry's facts as the analysis reads them: organizations, dated memberships with
their statuses, mandates and dated engagements, as frozen dataclasses, and how each is
read from a row of the data package's tables (Django-free).

>>> from datetime import date
>>> fact = membership_from_row(
...     {"organization": "csto", "state": "KAZ", "status": "member", "start": "2002"}, 1
... )
>>> fact.status, fact.interval.in_force(date(2002, 1, 1)), fact.interval.end
(<MembershipStatus.MEMBER: 'member'>, True, None)
>>> mandate_from_row({"organization": "csto", "function": "arms-control", "weight": "secondary"}, 1).value
0.5
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from sideline.analysis.errors import InvalidArgumentError, InvalidRowError
from sideline.registry.dates import Interval, PartialDate, PartialDateError

_T = TypeVar("_T")

__all__ = [
    "MANDATE_WEIGHTS",
    "MEMBERS_ONLY",
    "WITH_ASSOCIATES",
    "Engagement",
    "Mandate",
    "MandateWeight",
    "Membership",
    "MembershipStatus",
    "Organization",
    "engagement_from_row",
    "mandate_from_row",
    "membership_from_row",
    "organization_from_row",
    "parse_statuses",
    "row_cell",
]


class MembershipStatus(StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"
    PARTNER = "partner"
    DIALOGUE_PARTNER = "dialogue_partner"
    ASSOCIATE = "associate"
    SUSPENDED = "suspended"


class MandateWeight(StrEnum):
    CORE = "core"
    SECONDARY = "secondary"


#: The weight of a mandate in the functional duplication score (docs/analysis.md).
MANDATE_WEIGHTS: Mapping[MandateWeight, float] = {
    MandateWeight.CORE: 1.0,
    MandateWeight.SECONDARY: 0.5,
}

#: Full members only: the default status set of every membership analysis.
MEMBERS_ONLY: frozenset[MembershipStatus] = frozenset({MembershipStatus.MEMBER})

#: Members together with observers, partners, dialogue partners and associates
#: (everyone but the suspended).
WITH_ASSOCIATES: frozenset[MembershipStatus] = frozenset(MembershipStatus) - {
    MembershipStatus.SUSPENDED
}


@dataclass(frozen=True, slots=True)
class Organization:
    """An organization: its slug, its bloc and the pillars whose influence it carries."""

    slug: str
    bloc: str
    pillars: frozenset[str] = frozenset()
    existence: Interval | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    """A state's status in an organization over a half-open interval."""

    organization: str
    state: str
    status: MembershipStatus
    interval: Interval


@dataclass(frozen=True, slots=True)
class Mandate:
    """An organization's mandate over one security function, core or secondary."""

    organization: str
    function: str
    weight: MandateWeight

    @property
    def value(self) -> float:
        """Return the numeric weight (core 1, secondary 0.5)."""
        return MANDATE_WEIGHTS[self.weight]


@dataclass(frozen=True, slots=True)
class Engagement:
    """A dated engagement of a state that ties it to zero or more pillars.

    ``interval.end`` is None for a point event (a summit) or an engagement that has not
    ended; :mod:`sideline.analysis.balance` tells them apart by ``kind``.
    """

    id: str
    state: str
    interval: Interval
    kind: str
    pillars: tuple[str, ...]
    weight: float = 1.0
    category: str = "other"
    title: str = ""


def parse_statuses(values: Iterable[str]) -> frozenset[MembershipStatus]:
    """Read a status set from its names, refusing unknown ones.

    >>> sorted(parse_statuses(["observer", "member"]))
    [<MembershipStatus.MEMBER: 'member'>, <MembershipStatus.OBSERVER: 'observer'>]
    """
    result: set[MembershipStatus] = set()
    for value in values:
        try:
            result.add(MembershipStatus(value))
        except ValueError:
            known = ", ".join(status.value for status in MembershipStatus)
            raise InvalidArgumentError(
                f"statuses contains {value!r}; use any of {known}",
                argument="statuses",
                value=value,
            ) from None
    if not result:
        raise InvalidArgumentError(
            "statuses is empty; name at least one status", argument="statuses", value=()
        )
    return frozenset(result)


def row_cell(row: Mapping[str, str], column: str, table: str, number: int) -> str:
    try:
        value = row[column]
    except KeyError:
        raise InvalidRowError(
            f"{table} row {number} has no column {column!r}", argument=table, value=number
        ) from None
    return (value or "").strip()


def _date(row: Mapping[str, str], column: str, table: str, number: int) -> PartialDate | None:
    text = row_cell(row, column, table, number) if column in row else ""
    if not text:
        return None
    try:
        return PartialDate.parse(text)
    except PartialDateError as error:
        raise InvalidRowError(
            f"{table} row {number} column {column!r}: {error}", argument=table, value=number
        ) from None


def _interval(row: Mapping[str, str], start: str, end: str, table: str, number: int) -> Interval:
    first = _date(row, start, table, number)
    if first is None:
        raise InvalidRowError(
            f"{table} row {number} has no {start!r} date", argument=table, value=number
        )
    return Interval(first, _date(row, end, table, number))


def organization_from_row(row: Mapping[str, str], number: int) -> Organization:
    founded = _date(row, "founded", "organizations", number) if "founded" in row else None
    dissolved = _date(row, "dissolved", "organizations", number) if "dissolved" in row else None
    return Organization(
        slug=row_cell(row, "slug", "organizations", number),
        bloc=row_cell(row, "bloc", "organizations", number),
        pillars=frozenset((row.get("pillars") or "").split()),
        existence=Interval(founded, dissolved) if founded else None,
    )


def _read(convert: Callable[[str], _T], text: str, table: str, number: int, problem: str) -> _T:
    """``convert(text)``, or the row's error: "<table> row <number> has <problem>"."""
    try:
        return convert(text)
    except ValueError:
        raise InvalidRowError(
            f"{table} row {number} has {problem}", argument=table, value=number
        ) from None


def membership_from_row(row: Mapping[str, str], number: int) -> Membership:
    status = row_cell(row, "status", "memberships", number)
    parsed = _read(MembershipStatus, status, "memberships", number, f"unknown status {status!r}")
    return Membership(
        organization=row_cell(row, "organization", "memberships", number),
        state=row_cell(row, "state", "memberships", number),
        status=parsed,
        interval=_interval(row, "start", "end", "memberships", number),
    )


def mandate_from_row(row: Mapping[str, str], number: int) -> Mandate:
    weight = row_cell(row, "weight", "mandates", number) or MandateWeight.CORE.value
    parsed = _read(
        MandateWeight,
        weight,
        "mandates",
        number,
        f"unknown weight {weight!r}; use core or secondary",
    )
    return Mandate(
        organization=row_cell(row, "organization", "mandates", number),
        function=row_cell(row, "function", "mandates", number),
        weight=parsed,
    )


def engagement_from_row(row: Mapping[str, str], number: int) -> Engagement:
    weight_text = (row.get("weight") or "").strip() or "1"
    weight = _read(
        float, weight_text, "engagements", number, f"weight {weight_text!r}, not a number"
    )
    return Engagement(
        id=row_cell(row, "id", "engagements", number),
        state=row_cell(row, "state", "engagements", number),
        interval=_interval(row, "date", "end", "engagements", number),
        kind=row_cell(row, "kind", "engagements", number),
        pillars=tuple(dict.fromkeys((row.get("pillars") or "").split())),
        weight=weight,
        category=(row.get("category") or "other").strip(),
        title=(row.get("title_en") or "").strip(),
    )

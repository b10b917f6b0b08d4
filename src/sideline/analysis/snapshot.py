"""The registry as plain data: what the analysis functions read.

A :class:`RegistrySnapshot` holds organizations, dated memberships, mandates and dated
engagements as frozen dataclasses. It knows nothing of Django: the registry's services
build one from database rows (or :func:`load_snapshot_from_package` from the bundled
CSV files) and hand it to the analysis functions. :meth:`RegistrySnapshot.as_of` gives
the view on one day under the as-of rule of :mod:`sideline.registry.dates`.

>>> snapshot = RegistrySnapshot.from_rows(
...     organizations=[{"slug": "csto", "bloc": "eurasian", "pillars": "russia"}],
...     memberships=[{"organization": "csto", "state": "KAZ", "status": "member", "start": "2002"}],
...     valid_until=date(2020, 12, 31),
... )
>>> sorted(snapshot.as_of(date(2010, 1, 1)).members("csto"))
['KAZ']
>>> snapshot.as_of(date(1990, 1, 1))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sideline.analysis.errors.DateOutOfRangeError: day 1990-01-01 is outside the data (2002-01-01 ...)
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import numpy.typing as npt

from sideline.analysis.errors import (
    DateOutOfRangeError,
    UnknownOrganizationError,
    UnknownPillarError,
    UnknownStateError,
)
from sideline.analysis.facts import (
    MEMBERS_ONLY,
    Engagement,
    Mandate,
    Membership,
    MembershipStatus,
    Organization,
    engagement_from_row,
    mandate_from_row,
    membership_from_row,
    organization_from_row,
    row_cell,
)

__all__ = [
    "RegistrySnapshot",
    "SnapshotAt",
    "load_snapshot_from_package",
]


# Ordinal used for "has not ended": later than any real day.
_OPEN_END = date.max.toordinal() + 1


@dataclass(frozen=True)
class SnapshotAt:
    """The registry on one day: who belongs to what, with which statuses."""

    day: date
    organizations: tuple[str, ...]
    # organization slug -> state code -> statuses in force that day
    statuses: Mapping[str, Mapping[str, frozenset[MembershipStatus]]] = field(repr=False)

    def members(
        self, organization: str, *, statuses: frozenset[MembershipStatus] = MEMBERS_ONLY
    ) -> frozenset[str]:
        """Return the states holding one of ``statuses`` in ``organization`` that day."""
        held = self.statuses.get(organization, {})
        return frozenset(state for state, have in held.items() if have & statuses)

    def organizations_of(
        self, state: str, *, statuses: frozenset[MembershipStatus] = MEMBERS_ONLY
    ) -> frozenset[str]:
        """Return the organizations in which ``state`` holds one of ``statuses`` that day."""
        return frozenset(
            organization
            for organization, held in self.statuses.items()
            if held.get(state, frozenset()) & statuses
        )


class RegistrySnapshot:
    """Organizations, memberships, mandates and engagements, checked and indexed.

    Args:
        organizations: every organization the other rows may name.
        memberships: dated memberships; each names a known organization.
        mandates: mandates; each names a known organization.
        engagements: dated engagements of states.
        pillars: the fixed set of pillars; by default every pillar that an organization
            or an engagement names, sorted.
        valid_until: the last day a query may ask about; by default the later of today
            and December 31 of the latest year any date of the data mentions.

    Raises:
        UnknownOrganizationError: a membership or mandate names an unknown organization.
        UnknownPillarError: ``pillars`` is given and a row names a pillar outside it.
    """

    def __init__(
        self,
        *,
        organizations: Iterable[Organization],
        memberships: Iterable[Membership],
        mandates: Iterable[Mandate] = (),
        engagements: Iterable[Engagement] = (),
        pillars: Iterable[str] | None = None,
        valid_until: date | None = None,
    ) -> None:
        self.organizations: dict[str, Organization] = {
            organization.slug: organization
            for organization in sorted(organizations, key=lambda item: item.slug)
        }
        self.memberships: tuple[Membership, ...] = tuple(memberships)
        self.mandates: tuple[Mandate, ...] = tuple(mandates)
        self.engagements: tuple[Engagement, ...] = tuple(engagements)
        rows: tuple[Membership | Mandate, ...] = (*self.memberships, *self.mandates)
        for row in rows:
            if row.organization not in self.organizations:
                raise UnknownOrganizationError(
                    f"organization {row.organization!r} of {type(row).__name__.lower()} "
                    f"{row!r} is not among the organizations",
                    argument="organization",
                    value=row.organization,
                )
        named = {p for o in self.organizations.values() for p in o.pillars} | {
            p for e in self.engagements for p in e.pillars
        }
        if pillars is None:
            self.pillars: tuple[str, ...] = tuple(sorted(named))
        else:
            self.pillars = tuple(dict.fromkeys(pillars))
            for unknown in sorted(named - set(self.pillars)):
                raise UnknownPillarError(
                    f"pillar {unknown!r} is not among the pillars {list(self.pillars)}",
                    argument="pillars",
                    value=unknown,
                )
        self.states: tuple[str, ...] = tuple(
            sorted({m.state for m in self.memberships} | {e.state for e in self.engagements})
        )
        self.span: tuple[date, date] = self._span(valid_until)

    def _span(self, valid_until: date | None) -> tuple[date, date]:
        intervals = [m.interval for m in self.memberships] + [e.interval for e in self.engagements]
        intervals += [o.existence for o in self.organizations.values() if o.existence]
        if not intervals:
            return (date.min, valid_until or date.max)
        first = min(interval.start.first_day for interval in intervals)
        mentioned = [i.start.first_day.year for i in intervals]
        mentioned += [i.end.first_day.year for i in intervals if i.end is not None]
        # A kept registry describes the present, so open intervals reach today.
        last = valid_until or max(date(max(mentioned), 12, 31), date.today())
        return (first, last)

    @classmethod
    def from_rows(
        cls,
        *,
        organizations: Iterable[Mapping[str, str]],
        memberships: Iterable[Mapping[str, str]],
        mandates: Iterable[Mapping[str, str]] = (),
        engagements: Iterable[Mapping[str, str]] = (),
        pillars: Iterable[Mapping[str, str]] | None = None,
        valid_until: date | None = None,
    ) -> RegistrySnapshot:
        """Build a snapshot from rows in the data package's layout (strings, as csv reads).

        Columns not used by the analysis are ignored; empty strings mean "none".

        Raises:
            InvalidRowError: a row misses a column or holds an unreadable date, status,
                weight or number; the message names the table, the row and the column.
        """
        return cls(
            organizations=[
                organization_from_row(row, number) for number, row in enumerate(organizations, 1)
            ],
            memberships=[
                membership_from_row(row, number) for number, row in enumerate(memberships, 1)
            ],
            mandates=[mandate_from_row(row, number) for number, row in enumerate(mandates, 1)],
            engagements=[
                engagement_from_row(row, number) for number, row in enumerate(engagements, 1)
            ],
            pillars=None
            if pillars is None
            else [row_cell(r, "slug", "pillars", 0) for r in pillars],
            valid_until=valid_until,
        )

    # --- checks shared by the analysis functions -------------------------------------

    def require_organization(self, slug: str, *, argument: str = "organization") -> Organization:
        """Return the organization ``slug`` or raise ``unknown_organization``."""
        try:
            return self.organizations[slug]
        except KeyError:
            raise UnknownOrganizationError(
                f"{argument} {slug!r} is not in the registry", argument=argument, value=slug
            ) from None

    def require_state(self, state: str, *, argument: str = "state") -> str:
        """Return ``state`` if the snapshot knows it, else raise ``unknown_state``."""
        if state not in self._state_index:
            raise UnknownStateError(
                f"{argument} {state!r} is not in the registry", argument=argument, value=state
            )
        return state

    def require_day(self, day: date, *, argument: str = "day") -> date:
        """Return ``day`` if it lies in :attr:`span`, else raise ``date_out_of_range``."""
        first, last = self.span
        if not first <= day <= last:
            raise DateOutOfRangeError(
                f"{argument} {day.isoformat()} is outside the data "
                f"({first.isoformat()} to {last.isoformat()})",
                argument=argument,
                value=day,
            )
        return day

    # --- views ----------------------------------------------------------------------

    def as_of(self, day: date) -> SnapshotAt:
        """Return the registry on ``day``.

        An organization is listed when it exists that day (or its existence is unknown)
        or when it has a membership in force that day.

        Raises:
            DateOutOfRangeError: ``day`` lies outside :attr:`span`.
        """
        self.require_day(day)
        statuses: dict[str, dict[str, set[MembershipStatus]]] = {}
        # Filter with the arrays first: a century of yearly views would otherwise test
        # every membership in Python on every day.
        in_force = self._in_force(day)
        for index in np.flatnonzero(in_force).tolist():
            membership = self.memberships[index]
            by_state = statuses.setdefault(membership.organization, {})
            by_state.setdefault(membership.state, set()).add(membership.status)
        listed = self._listed(day, in_force)
        existing = [
            slug for slug, shown in zip(self.organizations, listed.tolist(), strict=True) if shown
        ]
        return SnapshotAt(
            day=day,
            organizations=tuple(existing),
            statuses={
                org: {state: frozenset(held) for state, held in by_state.items()}
                for org, by_state in statuses.items()
            },
        )

    def organizations_on(self, day: date) -> tuple[str, ...]:
        """Return the slugs of the organizations listed by :meth:`as_of` on ``day``."""
        self.require_day(day)
        listed = self._listed(day, self._in_force(day))
        return tuple(
            slug for slug, shown in zip(self.organizations, listed.tolist(), strict=True) if shown
        )

    def _in_force(self, day: date) -> npt.NDArray[np.bool_]:
        """Return which memberships (in :attr:`memberships` order) are in force on ``day``."""
        arrays = self._arrays
        ordinal = day.toordinal()
        mask: npt.NDArray[np.bool_] = (arrays.start <= ordinal) & (ordinal < arrays.end)
        return mask

    def _listed(self, day: date, in_force: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """Return which organizations :meth:`as_of` lists, given the memberships in force.

        Listed: a membership of any status in force, or an existence that is unknown or
        covers ``day``.
        """
        ordinal = day.toordinal()
        start, end = self._existence
        listed = (start <= ordinal) & (ordinal < end)
        listed[self._arrays.organization[in_force]] = True
        return listed

    def membership_matrix(
        self, day: date, *, statuses: frozenset[MembershipStatus] = MEMBERS_ONLY
    ) -> npt.NDArray[np.bool_]:
        """Return the organizations × states boolean matrix on ``day``.

        Rows follow ``tuple(self.organizations)`` (sorted slugs), columns :attr:`states`.
        Vectorised over the memberships so that a century of yearly matrices stays cheap.

        >>> snapshot = RegistrySnapshot.from_rows(
        ...     organizations=[{"slug": "a", "bloc": "x"}, {"slug": "b", "bloc": "y"}],
        ...     memberships=[{"organization": "b", "state": "KAZ", "status": "member",
        ...                   "start": "2000", "end": "2010"}],
        ... )
        >>> snapshot.membership_matrix(date(2005, 1, 1)).tolist()
        [[False], [True]]
        """
        self.require_day(day)
        arrays = self._arrays
        codes = [index for index, status in enumerate(MembershipStatus) if status in statuses]
        mask = self._in_force(day) & np.isin(arrays.status, codes)
        matrix = np.zeros((len(self.organizations), len(self.states)), dtype=np.bool_)
        matrix[arrays.organization[mask], arrays.state[mask]] = True
        return matrix

    @cached_property
    def _state_index(self) -> dict[str, int]:
        return {state: index for index, state in enumerate(self.states)}

    @cached_property
    def _existence(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        # Ordinal bounds [start, end) of each organization's existence; unknown is always.
        starts, ends = [], []
        for organization in self.organizations.values():
            existence = organization.existence
            if existence is None:
                starts.append(date.min.toordinal())
                ends.append(_OPEN_END)
            else:
                starts.append(existence.start.first_day.toordinal())
                ends.append(existence.end.first_day.toordinal() if existence.end else _OPEN_END)
        return np.array(starts, np.int64), np.array(ends, np.int64)

    @cached_property
    def _arrays(self) -> _MembershipArrays:
        organization_index = {slug: index for index, slug in enumerate(self.organizations)}
        status_index = {status: index for index, status in enumerate(MembershipStatus)}
        rows = self.memberships
        return _MembershipArrays(
            organization=np.array([organization_index[m.organization] for m in rows], np.int64),
            state=np.array([self._state_index[m.state] for m in rows], np.int64),
            status=np.array([status_index[m.status] for m in rows], np.int64),
            start=np.array([m.interval.start.first_day.toordinal() for m in rows], np.int64),
            end=np.array(
                [
                    m.interval.end.first_day.toordinal() if m.interval.end else _OPEN_END
                    for m in rows
                ],
                np.int64,
            ),
        )


@dataclass(frozen=True)
class _MembershipArrays:
    organization: npt.NDArray[np.int64]
    state: npt.NDArray[np.int64]
    status: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    end: npt.NDArray[np.int64]


def load_snapshot_from_package(path: Path, *, valid_until: date | None = None) -> RegistrySnapshot:
    """Read a snapshot straight from the data package's CSV files in ``path``.

    ``organizations.csv`` and ``memberships.csv`` are required; ``mandates.csv``,
    ``engagements.csv`` and ``pillars.csv`` are read when present. This bypasses the
    database, for tests and scripts; the registry's loader is the checked way in.

    Raises:
        FileNotFoundError: a required file is missing.
        InvalidRowError: a row cannot be read.
    """

    def rows(name: str, *, required: bool) -> list[dict[str, str]] | None:
        file = Path(path) / name
        if not file.exists():
            if required:
                raise FileNotFoundError(f"{file} is missing; the data package needs it")
            return None
        with file.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    organizations = rows("organizations.csv", required=True) or []
    # States only: an organization's status in another is a tie (sideline.analysis.ties).
    memberships = [
        row
        for row in rows("memberships.csv", required=True) or []
        if not (row.get("participant_organization") or "").strip()
    ]
    return RegistrySnapshot.from_rows(
        organizations=organizations,
        memberships=memberships,
        mandates=rows("mandates.csv", required=False) or [],
        engagements=rows("engagements.csv", required=False) or [],
        pillars=rows("pillars.csv", required=False),
        valid_until=valid_until,
    )

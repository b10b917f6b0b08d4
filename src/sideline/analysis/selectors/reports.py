"""Each analysis of the registry as of a date: overlap, duplication, bridge states,
suggested meetings (and the planner instance they make), balance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sideline.analysis.balance import BalanceSeries, balance_series
from sideline.analysis.bridges import BridgeState, bridge_states
from sideline.analysis.duplication import Duplication, duplication_ranking
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus
from sideline.analysis.overlap import overlap_matrix
from sideline.analysis.selectors.snapshots import current_snapshot
from sideline.analysis.snapshot import RegistrySnapshot
from sideline.analysis.suggest import DEFAULT_THRESHOLD, suggest_meeting_requests
from sideline.analysis.ties_report import formal_ties
from sideline.planner.document import instance_document, session_document
from sideline.registry.models import (
    Engagement,
    ForumSession,
)
from sideline.registry.selectors import session_facts

__all__ = [
    "BridgeReport",
    "OverlapReport",
    "OverlapRow",
    "balance_report",
    "bridge_report",
    "duplication_report",
    "overlap_report",
    "planner_instance",
    "states_with_engagements",
    "suggestion_report",
]


# --- overlap --------------------------------------------------------------------------


@dataclass(frozen=True)
class OverlapRow:
    """Two organizations that share member states on one day."""

    organizations: tuple[str, str]
    sizes: tuple[int, int]
    shared: tuple[str, ...]
    jaccard: float
    overlap_coefficient: float

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "organizations": list(self.organizations),
            "sizes": list(self.sizes),
            "shared_count": len(self.shared),
            "shared": list(self.shared),
            "jaccard": self.jaccard,
            "overlap_coefficient": self.overlap_coefficient,
        }


@dataclass(frozen=True)
class OverlapReport:
    """The overlap of every pair of organizations on one day."""

    day: date
    statuses: frozenset[MembershipStatus]
    organizations: tuple[str, ...]
    sizes: tuple[int, ...]
    jaccard: tuple[tuple[float, ...], ...]  # square, in the order of ``organizations``
    pairs: tuple[OverlapRow, ...]  # pairs sharing at least one state, best first


def overlap_report(
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    snapshot: RegistrySnapshot | None = None,
) -> OverlapReport:
    """Return the overlap matrix and the pairs that share states, highest Jaccard first.

    Raises:
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    snapshot = snapshot or current_snapshot()
    matrix = overlap_matrix(snapshot, day=day, statuses=statuses)
    view = snapshot.as_of(day)
    members = {slug: view.members(slug, statuses=statuses) for slug in matrix.organizations}
    jaccard = matrix.jaccard()
    coefficient = matrix.overlap_coefficient()
    rows = []
    count = len(matrix.organizations)
    for i in range(count):
        for j in range(i + 1, count):
            if not matrix.shared[i, j]:
                continue
            first, second = matrix.organizations[i], matrix.organizations[j]
            rows.append(
                OverlapRow(
                    organizations=(first, second),
                    sizes=(len(members[first]), len(members[second])),
                    shared=tuple(sorted(members[first] & members[second])),
                    jaccard=round(float(jaccard[i, j]), 12),
                    overlap_coefficient=round(float(coefficient[i, j]), 12),
                )
            )
    rows.sort(key=lambda r: (-r.jaccard, -len(r.shared), r.organizations))
    return OverlapReport(
        day=day,
        statuses=statuses,
        organizations=matrix.organizations,
        sizes=tuple(int(size) for size in matrix.sizes),
        jaccard=tuple(tuple(round(float(v), 12) for v in row) for row in jaccard),
        pairs=tuple(rows),
    )


# --- duplication, bridges, suggestions --------------------------------------------------


def duplication_report(
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    snapshot: RegistrySnapshot | None = None,
) -> list[Duplication]:
    """Return every duplicating pair of organizations on ``day``, highest score first.

    Raises:
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    snapshot = snapshot or current_snapshot()
    return duplication_ranking(snapshot, day=day, statuses=statuses)


@dataclass(frozen=True)
class BridgeReport:
    """The bridge-state ranking and the organization–state network it comes from."""

    day: date
    ranking: tuple[BridgeState, ...]
    organizations: tuple[str, ...]  # organizations with at least one member that day
    edges: tuple[tuple[str, str], ...]  # (organization slug, state code), sorted


def bridge_report(
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    snapshot: RegistrySnapshot | None = None,
) -> BridgeReport:
    """Rank the states by the blocs they span on ``day``, with the network's edges.

    Raises:
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    snapshot = snapshot or current_snapshot()
    ranking = bridge_states(snapshot, day=day, statuses=statuses)
    edges = sorted(
        (organization, bridge.state) for bridge in ranking for organization in bridge.organizations
    )
    return BridgeReport(
        day=day,
        ranking=tuple(ranking),
        organizations=tuple(sorted({organization for organization, _ in edges})),
        edges=tuple(edges),
    )


def _session_attendees(year: int | None = None) -> list[list[str]]:
    sessions = ForumSession.objects.prefetch_related("attendees").order_by("start", "key")
    if year is not None:
        sessions = sessions.filter(start__year=year)
    return [sorted(o.slug for o in session.attendees.all()) for session in sessions]


def suggestion_report(
    *,
    day: date,
    threshold: float = DEFAULT_THRESHOLD,
    common_forum: bool = False,
    snapshot: RegistrySnapshot | None = None,
) -> list[dict[str, object]]:
    """Return meeting requests (planner format) for duplicating pairs, best first.

    A pair with no formal tie in the registry (relations, organizations' statuses) on
    ``day`` gains 1 in priority: see :mod:`sideline.analysis.suggest`.

    With ``common_forum`` only pairs that attend a common forum session in the
    registry are suggested; without it every duplicating pair is, since the planner
    can propose a special summit where no sideline serves.

    Raises:
        InvalidArgumentError: ``threshold`` outside [0, 1].
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    snapshot = snapshot or current_snapshot()
    return suggest_meeting_requests(
        snapshot,
        day=day,
        threshold=threshold,
        attendees=_session_attendees() if common_forum else None,
        ties=formal_ties(),
    )


def planner_instance(
    *,
    day: date,
    year: int,
    threshold: float = DEFAULT_THRESHOLD,
    snapshot: RegistrySnapshot | None = None,
) -> dict[str, object]:
    """Return a ``sideline.plan-instance/1`` document: the year's sessions and the suggestions.

    Requests are windowed to ``year``; sessions are the registry's forum sessions that
    start in ``year`` on the planner's default grid; organizations are those named by
    either. The document is built by the planner's pure `planner.document`, the one
    builder of the format.

    Raises:
        InvalidArgumentError: ``threshold`` outside [0, 1].
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    snapshot = snapshot or current_snapshot()
    requests = suggest_meeting_requests(
        snapshot,
        day=day,
        threshold=threshold,
        window=(date(year, 1, 1), date(year, 12, 31)),
    )
    named: set[str] = set()
    for request in requests:
        slugs = request["organizations"]
        assert isinstance(slugs, list)
        named.update(str(slug) for slug in slugs)
    sessions = [session_document(**facts) for facts in session_facts(year)]
    for session in sessions:
        named.update(session["attendees"])
    return instance_document(
        id=f"suggestions-{year}",
        organizations=sorted(named),
        sessions=sessions,
        requests=requests,
        rules={"max_meetings_per_org_per_day": 3},
    )


# --- balance ----------------------------------------------------------------------------


def balance_report(
    *,
    state: str,
    start: int,
    end: int,
    half_life: float | None = None,
    snapshot: RegistrySnapshot | None = None,
) -> BalanceSeries:
    """Return a state's yearly balance between the pillars from ``start`` to ``end``.

    Raises:
        UnknownStateError: the state has no membership or engagement in the registry.
        EmptyPeriodError: ``start`` is after ``end``.
        DateOutOfRangeError: the period reaches outside the data.
        InvalidArgumentError: fewer than two pillars, or ``half_life`` not above 0.
    """
    snapshot = snapshot or current_snapshot()
    return balance_series(snapshot, state, start=start, end=end, half_life=half_life)


def states_with_engagements() -> Sequence[str]:
    """Return the codes of the states that have at least one engagement, sorted."""
    return list(
        Engagement.objects.order_by("state__code").values_list("state__code", flat=True).distinct()
    )

"""Formal ties between organizations against their functional duplication.

A *tie* is a dated, sourced link between two organizations: a row of the registry's
``relations`` table (observer status in the UN General Assembly, a joint declaration, a
memorandum …) or a status one organization holds in another (the UN as an observer of
the CICA). The relations network is the graph of ties in force on a day, beside the
membership network of states.

For each pair of organizations, :func:`pair_ties` sets the ties in force against the
pair's duplication score (:mod:`sideline.analysis.duplication`) and the member states
they share. The pairs that duplicate most and have **no** formal tie are the platform's
first agenda (:func:`untied_duplicates`): there the overlap has no channel at all.

>>> from sideline.analysis.snapshot import RegistrySnapshot
>>> snapshot = RegistrySnapshot.from_rows(
...     organizations=[{"slug": s, "bloc": "x"} for s in ("csto", "nato", "sco")],
...     memberships=[{"organization": o, "state": "KAZ", "status": "member", "start": "2002"}
...                  for o in ("csto", "sco")],
...     mandates=[{"organization": o, "function": "counter-terrorism", "weight": "core"}
...               for o in ("csto", "nato", "sco")],
... )
>>> ties = ties_from_rows(relations=[{"id": "m", "organization": "sco", "counterpart": "csto",
...     "kind": "memorandum", "signed": "2007-10-05"}])
>>> [(p.organizations, p.has_tie) for p in untied_duplicates(snapshot, ties, day=date(2010, 1, 1))]
[(('csto', 'nato'), False), (('nato', 'sco'), False)]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sideline.analysis.duplication import (
    DEFAULT_FUNCTION_WEIGHT,
    duplication_ranking,
    measure_duplication,
)
from sideline.analysis.errors import InvalidRowError, UnknownOrganizationError
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus
from sideline.analysis.snapshot import RegistrySnapshot
from sideline.registry.dates import Interval, PartialDate, PartialDateError

__all__ = [
    "PairTies",
    "Tie",
    "pair_ties",
    "relations_network",
    "ties_from_rows",
    "untied_duplicates",
    "untied_pairs",
]


@dataclass(frozen=True, slots=True)
class Tie:
    """One formal tie: its two organizations (sorted), its kind, its id and its span."""

    organizations: tuple[str, str]
    kind: str
    id: str
    interval: Interval

    def in_force(self, day: date) -> bool:
        return self.interval.in_force(day)


def _tie(first: str, second: str, kind: str, key: str, start: str, end: str, table: str) -> Tie:
    if not first or not second or first == second:
        raise InvalidRowError(
            f"{table} row {key!r} must name two different organizations",
            argument=table,
            value=key,
        )
    try:
        interval = Interval(PartialDate.parse(start), PartialDate.parse(end) if end else None)
    except PartialDateError as error:
        raise InvalidRowError(f"{table} row {key!r}: {error}", argument=table, value=key) from None
    pair = (first, second) if first < second else (second, first)
    return Tie(organizations=pair, kind=kind, id=key, interval=interval)


def ties_from_rows(
    *,
    relations: Iterable[Mapping[str, str]] = (),
    participations: Iterable[Mapping[str, str]] = (),
) -> list[Tie]:
    """Build ties from rows in the data package's layout.

    Args:
        relations: rows of ``relations`` (``id, organization, counterpart, kind, signed,
            in_force, ended``); a tie starts on ``in_force``, else ``signed``.
        participations: rows of ``memberships`` whose participant is an organization
            (``organization, participant_organization, status, start, end``); the kind
            is ``status:<status>``.

    Raises:
        InvalidRowError: a row names one organization twice or holds an unreadable date.
    """
    ties = [
        _tie(
            row["organization"],
            row["counterpart"],
            row["kind"],
            row["id"],
            row.get("in_force") or row.get("signed") or "",
            row.get("ended") or "",
            "relations",
        )
        for row in relations
    ]
    for row in participations:
        ties.append(
            _tie(
                row["organization"],
                row["participant_organization"],
                f"status:{row['status']}",
                f"{row['participant_organization']}-{row['status']}-{row['organization']}-{row['start']}",
                row["start"],
                row.get("end") or "",
                "memberships",
            )
        )
    return ties


@dataclass(frozen=True)
class PairTies:
    """A pair of organizations on a day: the ties in force, duplication and shared members."""

    organizations: tuple[str, str]
    day: date
    ties: tuple[Tie, ...]
    score: float
    functional: float
    membership: float
    shared_states: frozenset[str]

    @property
    def has_tie(self) -> bool:
        return bool(self.ties)

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "organizations": list(self.organizations),
            "day": self.day.isoformat(),
            "ties": [{"id": t.id, "kind": t.kind} for t in self.ties],
            "has_tie": self.has_tie,
            "score": self.score,
            "functional": self.functional,
            "membership": self.membership,
            "shared_states": sorted(self.shared_states),
        }


def _check(snapshot: RegistrySnapshot, ties: Sequence[Tie]) -> None:
    for tie in ties:
        for slug in tie.organizations:
            if slug not in snapshot.organizations:
                raise UnknownOrganizationError(
                    f"tie {tie.id!r} names {slug!r}, which is not among the organizations",
                    argument="ties",
                    value=slug,
                )


def pair_ties(
    snapshot: RegistrySnapshot,
    ties: Iterable[Tie],
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    function_weight: float = DEFAULT_FUNCTION_WEIGHT,
) -> list[PairTies]:
    """Return every pair that duplicates (score above 0) or is tied on ``day``.

    Sorted by duplication score, highest first, then by the slugs.

    Raises:
        UnknownOrganizationError: a tie names an organization the snapshot lacks.
        InvalidArgumentError: ``function_weight`` outside [0, 1].
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    chosen = list(ties)
    _check(snapshot, chosen)
    in_force: dict[tuple[str, str], list[Tie]] = {}
    for tie in chosen:
        if tie.in_force(day):
            in_force.setdefault(tie.organizations, []).append(tie)
    ranked = {
        (d.organizations[0], d.organizations[1]): d
        for d in duplication_ranking(
            snapshot, day=day, statuses=statuses, function_weight=function_weight
        )
    }
    for pair in in_force:
        if pair not in ranked:
            ranked[pair] = measure_duplication(
                snapshot, pair, day=day, statuses=statuses, function_weight=function_weight
            )
    results = [
        PairTies(
            organizations=(pair[0], pair[1]),
            day=day,
            ties=tuple(sorted(in_force.get(pair, ()), key=lambda t: (t.interval.start, t.id))),
            score=d.score,
            functional=d.functional,
            membership=d.membership,
            shared_states=d.shared_states,
        )
        for pair, d in ranked.items()
    ]
    return sorted(results, key=lambda p: (-p.score, p.organizations))


def untied_duplicates(
    snapshot: RegistrySnapshot,
    ties: Iterable[Tie],
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    function_weight: float = DEFAULT_FUNCTION_WEIGHT,
) -> list[PairTies]:
    """Return the duplicating pairs with no formal tie on ``day``, highest score first."""
    return [
        p
        for p in pair_ties(
            snapshot, ties, day=day, statuses=statuses, function_weight=function_weight
        )
        if not p.has_tie and p.score > 0
    ]


def untied_pairs(
    ties: Iterable[Tie], pairs: Iterable[Sequence[str]], *, day: date
) -> set[tuple[str, str]]:
    """Return which of ``pairs`` (each sorted) have no tie in force on ``day``."""
    tied = {tie.organizations for tie in ties if tie.in_force(day)}
    return {(p[0], p[1]) for p in pairs if (p[0], p[1]) not in tied}


def relations_network(ties: Iterable[Tie], *, day: date) -> list[dict[str, object]]:
    """Return the relations network on ``day``: one edge per tied pair, with its kinds.

    >>> tie = ties_from_rows(relations=[{"id": "d", "organization": "nato", "counterpart": "un",
    ...     "kind": "joint_declaration", "signed": "2008-09-23"}])
    >>> relations_network(tie, day=date(2009, 1, 1))
    [{'source': 'nato', 'target': 'un', 'kinds': ['joint_declaration'], 'ties': ['d']}]
    """
    edges: dict[tuple[str, str], list[Tie]] = {}
    for tie in ties:
        if tie.in_force(day):
            edges.setdefault(tie.organizations, []).append(tie)
    return [
        {
            "source": pair[0],
            "target": pair[1],
            "kinds": sorted({t.kind for t in found}),
            "ties": sorted(t.id for t in found),
        }
        for pair, found in sorted(edges.items())
    ]

"""Functional duplication: where organizations' mandates and memberships overlap.

Each mandate weighs ``core`` = 1 or ``secondary`` = 0.5 (:data:`MANDATE_WEIGHTS`); an
organization without a mandate over a function weighs 0 there. For a group *G* of two
or more organizations:

* functional similarity ``F = Σ_f min_{o∈G} w_o(f) / Σ_f max_{o∈G} w_o(f)`` — the
  weighted Jaccard index of the mandate vectors (0 when no one has a mandate);
* membership similarity ``M = |∩ members| / |∪ members|`` on the day (0 when empty);
* duplication score ``S = a·F + (1 − a)·M`` with ``a = function_weight`` (0.75 by
  default: duplication is first of all doing the same job; shared members make it
  costlier, but organizations with no common member still duplicate each other).

All three lie in [0, 1]. The result names the shared functions and the shared states so
that a reader can check it.

>>> from datetime import date
>>> from sideline.analysis.snapshot import RegistrySnapshot
>>> snapshot = RegistrySnapshot.from_rows(
...     organizations=[{"slug": "nato", "bloc": "euro_atlantic"},
...                    {"slug": "csto", "bloc": "eurasian"}],
...     memberships=[{"organization": "nato", "state": "USA", "status": "member", "start": "1949"},
...                  {"organization": "csto", "state": "RUS", "status": "member", "start": "2002"}],
...     mandates=[{"organization": "nato", "function": "counter-narcotics", "weight": "secondary"},
...               {"organization": "csto", "function": "counter-narcotics", "weight": "core"},
...               {"organization": "csto", "function": "collective-defence", "weight": "core"},
...               {"organization": "nato", "function": "collective-defence", "weight": "core"}],
... )
>>> result = measure_duplication(snapshot, ["nato", "csto"], day=date(2013, 1, 1))
>>> (result.functional, result.membership, result.score)  # (0.5 + 1) / (1 + 1) = 0.75
(0.75, 0.0, 0.5625)
>>> [shared.function for shared in result.shared_functions]
['collective-defence', 'counter-narcotics']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import combinations

import numpy as np
import numpy.typing as npt

from sideline.analysis.errors import InvalidArgumentError
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus
from sideline.analysis.snapshot import RegistrySnapshot

__all__ = [
    "DEFAULT_FUNCTION_WEIGHT",
    "Duplication",
    "FunctionMatrix",
    "SharedFunction",
    "duplication_ranking",
    "function_matrix",
    "measure_duplication",
]

DEFAULT_FUNCTION_WEIGHT = 0.75


@dataclass(frozen=True)
class FunctionMatrix:
    """Organizations × functions mandate weights (1 core, 0.5 secondary, 0 none)."""

    organizations: tuple[str, ...]
    functions: tuple[str, ...]
    weights: npt.NDArray[np.float64]

    def row(self, organization: str) -> dict[str, float]:
        """Return an organization's non-zero weights by function."""
        values = self.weights[self.organizations.index(organization)]
        return {f: float(w) for f, w in zip(self.functions, values, strict=True) if w}


def function_matrix(snapshot: RegistrySnapshot) -> FunctionMatrix:
    """Return the mandate weights of every organization over every named function.

    Two mandates of one organization over one function keep the larger weight.

    >>> from sideline.analysis.snapshot import RegistrySnapshot
    >>> snapshot = RegistrySnapshot.from_rows(
    ...     organizations=[{"slug": "sco", "bloc": "shanghai"}], memberships=[],
    ...     mandates=[{"organization": "sco", "function": "economic", "weight": "secondary"}])
    >>> function_matrix(snapshot).weights.tolist()
    [[0.5]]
    """
    organizations = tuple(snapshot.organizations)
    functions = tuple(sorted({m.function for m in snapshot.mandates}))
    weights = np.zeros((len(organizations), len(functions)), dtype=np.float64)
    row = {slug: index for index, slug in enumerate(organizations)}
    column = {slug: index for index, slug in enumerate(functions)}
    for mandate in snapshot.mandates:
        i, j = row[mandate.organization], column[mandate.function]
        weights[i, j] = max(weights[i, j], mandate.value)
    return FunctionMatrix(organizations=organizations, functions=functions, weights=weights)


@dataclass(frozen=True)
class SharedFunction:
    """A function every organization of the group holds a mandate over."""

    function: str
    weights: tuple[float, ...]  # one per organization, in the group's order

    @property
    def common_weight(self) -> float:
        """Return the weight all share: the smallest (core only if core for all)."""
        return min(self.weights)


@dataclass(frozen=True)
class Duplication:
    """How much a group of organizations duplicates each other, and why."""

    organizations: tuple[str, ...]
    day: date
    score: float
    functional: float
    membership: float
    shared_functions: tuple[SharedFunction, ...]
    shared_states: frozenset[str]

    def explain(self) -> str:
        """Return one English sentence naming the shared functions and states.

        >>> print(Duplication(("a", "b"), date(2013, 1, 1), 0.5, 0.5, 0.5,
        ...             (SharedFunction("x", (1.0, 0.5)),), frozenset({"KAZ"})).explain())
        ... # doctest: +NORMALIZE_WHITESPACE
        a and b: score 0.50 (functions 0.50, members 0.50);
        shared functions: x (core/secondary); shared member states: KAZ
        """
        names = " and ".join(self.organizations)
        functions = (
            ", ".join(
                f"{s.function} ({'/'.join(_label(w) for w in s.weights)})"
                for s in self.shared_functions
            )
            or "none"
        )
        states = ", ".join(sorted(self.shared_states)) or "none"
        return (
            f"{names}: score {self.score:.2f} (functions {self.functional:.2f}, "
            f"members {self.membership:.2f}); shared functions: {functions}; "
            f"shared member states: {states}"
        )

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "organizations": list(self.organizations),
            "day": self.day.isoformat(),
            "score": self.score,
            "functional": self.functional,
            "membership": self.membership,
            "shared_functions": [
                {"function": s.function, "weights": list(s.weights)} for s in self.shared_functions
            ],
            "shared_states": sorted(self.shared_states),
            "explanation": self.explain(),
        }


def _label(weight: float) -> str:
    return "core" if weight >= 1.0 else "secondary"


def _check_weight(function_weight: float) -> None:
    if not 0.0 <= function_weight <= 1.0:
        raise InvalidArgumentError(
            f"function_weight {function_weight} is outside [0, 1]",
            argument="function_weight",
            value=function_weight,
        )


def _measure(
    matrix: FunctionMatrix,
    members: dict[str, frozenset[str]],
    group: tuple[str, ...],
    *,
    day: date,
    function_weight: float,
) -> Duplication:
    rows = matrix.weights[[matrix.organizations.index(slug) for slug in group]]
    lowest, highest = rows.min(axis=0), rows.max(axis=0)
    total = float(highest.sum())
    functional = float(lowest.sum()) / total if total else 0.0
    sets = [members[slug] for slug in group]
    union = frozenset[str]().union(*sets)
    shared_states = frozenset(sets[0]).intersection(*sets[1:])
    membership = len(shared_states) / len(union) if union else 0.0
    shared = tuple(
        SharedFunction(function=f, weights=tuple(float(w) for w in rows[:, j]))
        for j, f in enumerate(matrix.functions)
        if lowest[j] > 0
    )
    return Duplication(
        organizations=group,
        day=day,
        score=function_weight * functional + (1.0 - function_weight) * membership,
        functional=functional,
        membership=membership,
        shared_functions=shared,
        shared_states=shared_states,
    )


def measure_duplication(
    snapshot: RegistrySnapshot,
    organizations: Sequence[str],
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    function_weight: float = DEFAULT_FUNCTION_WEIGHT,
) -> Duplication:
    """Score the duplication of two or more organizations on ``day``.

    Args:
        snapshot: the registry.
        organizations: two or more distinct slugs.
        day: the as-of date for the membership part.
        statuses: which statuses count as membership.
        function_weight: ``a`` in ``S = a·F + (1 − a)·M``, in [0, 1].

    Raises:
        InvalidArgumentError: fewer than two or repeated organizations; a weight outside
            [0, 1].
        UnknownOrganizationError: a slug is not in the registry.
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    group = tuple(organizations)
    if len(group) < 2 or len(set(group)) != len(group):
        raise InvalidArgumentError(
            f"organizations {list(group)} must name two or more distinct organizations",
            argument="organizations",
            value=list(group),
        )
    _check_weight(function_weight)
    for slug in group:
        snapshot.require_organization(slug, argument="organizations")
    view = snapshot.as_of(day)
    members = {slug: view.members(slug, statuses=statuses) for slug in group}
    return _measure(
        function_matrix(snapshot), members, group, day=day, function_weight=function_weight
    )


def duplication_ranking(
    snapshot: RegistrySnapshot,
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    function_weight: float = DEFAULT_FUNCTION_WEIGHT,
    min_score: float = 0.0,
    organizations: Sequence[str] | None = None,
) -> list[Duplication]:
    """Score every pair of organizations and rank them, highest score first.

    Pairs scoring 0, or below ``min_score``, are left out. Ties are broken by the slugs,
    so the order is deterministic. Each pair is ordered alphabetically.

    Raises:
        InvalidArgumentError: ``function_weight`` or ``min_score`` outside [0, 1].
        UnknownOrganizationError: a slug of ``organizations`` is not in the registry.
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    _check_weight(function_weight)
    if not 0.0 <= min_score <= 1.0:
        raise InvalidArgumentError(
            f"min_score {min_score} is outside [0, 1]", argument="min_score", value=min_score
        )
    view = snapshot.as_of(day)
    if organizations is None:
        chosen = sorted(view.organizations)
    else:
        chosen = sorted(set(organizations))
        for slug in chosen:
            snapshot.require_organization(slug, argument="organizations")
    matrix = function_matrix(snapshot)
    members = {slug: view.members(slug, statuses=statuses) for slug in chosen}
    results = [
        _measure(matrix, members, pair, day=day, function_weight=function_weight)
        for pair in combinations(chosen, 2)
    ]
    kept = [r for r in results if r.score > 0 and r.score >= min_score]
    return sorted(kept, key=lambda r: (-r.score, r.organizations))

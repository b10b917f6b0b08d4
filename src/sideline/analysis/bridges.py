"""Bridge states: states that span blocs, and brokers of the membership network.

On a day, the membership network is the bipartite graph whose nodes are the
organizations and the states, with an edge where a state holds one of the chosen
statuses in an organization. A state is ranked

* by the number of distinct blocs (``Organization.bloc``) of its organizations, and
* by its betweenness centrality in that graph (networkx, normalised by
  ``2 / ((n − 1)(n − 2))`` over all *n* nodes): the share of shortest paths between
  other nodes that run through it.

>>> from datetime import date
>>> from sideline.analysis.snapshot import RegistrySnapshot
>>> snapshot = RegistrySnapshot.from_rows(
...     organizations=[{"slug": "csto", "bloc": "eurasian"},
...                    {"slug": "osce", "bloc": "pan_european"}],
...     memberships=[{"organization": o, "state": s, "status": "member", "start": "2002"}
...                  for o, s in [("csto", "KAZ"), ("csto", "RUS"),
...                               ("osce", "KAZ"), ("osce", "FRA")]],
... )
>>> [(b.state, b.bloc_count) for b in bridge_states(snapshot, day=date(2010, 1, 1))]
[('KAZ', 2), ('FRA', 1), ('RUS', 1)]
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import networkx as nx
import numpy as np
import numpy.typing as npt

from sideline.analysis.errors import InvalidArgumentError
from sideline.analysis.facts import MEMBERS_ONLY, MembershipStatus
from sideline.analysis.snapshot import RegistrySnapshot

__all__ = ["BridgeOrder", "BridgeState", "betweenness", "bridge_states", "membership_graph"]


class BridgeOrder(StrEnum):
    BLOCS = "blocs"
    BETWEENNESS = "betweenness"


@dataclass(frozen=True)
class BridgeState:
    """A state's position between blocs on one day."""

    state: str
    blocs: tuple[str, ...]
    organizations: tuple[str, ...]
    betweenness: float

    @property
    def bloc_count(self) -> int:
        """Return the number of distinct blocs the state belongs to."""
        return len(self.blocs)

    def as_dict(self) -> dict[str, object]:
        """Return plain JSON-ready data."""
        return {
            "state": self.state,
            "bloc_count": self.bloc_count,
            "blocs": list(self.blocs),
            "organizations": list(self.organizations),
            "betweenness": self.betweenness,
        }


def membership_graph(
    snapshot: RegistrySnapshot,
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
) -> nx.Graph:
    """Return the organization–state bipartite graph on ``day``.

    Nodes are ``("organization", slug)`` and ``("state", code)`` tuples, so a slug and a
    code can never collide; each carries ``bipartite`` = 0 (organizations) or 1 (states).

    Raises:
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    view = snapshot.as_of(day)
    graph = nx.Graph()
    graph.add_nodes_from((("organization", o) for o in view.organizations), bipartite=0)
    for organization in view.organizations:
        for state in sorted(view.members(organization, statuses=statuses)):
            graph.add_node(("state", state), bipartite=1)
            graph.add_edge(("organization", organization), ("state", state))
    return graph


def betweenness(adjacency: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Return the normalised betweenness centrality of every node of an undirected graph.

    Brandes' algorithm run for all sources at once on dense matrices: networkx's
    pure-Python version needs about 20 s on a COW-sized registry (700 nodes, 15,000
    edges), this one a few dense matrix products per BFS level. The tests check it
    against networkx.

    >>> path = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]], dtype=bool)  # a - b - c
    >>> betweenness(path).tolist()
    [0.0, 1.0, 0.0]
    """
    n = adjacency.shape[0]
    if n < 3:
        return np.zeros(n, dtype=np.float64)
    a = adjacency.astype(np.float64)
    sigma = np.eye(n)  # sigma[s, v]: shortest paths from s to v
    level = np.where(np.eye(n, dtype=bool), 0, -1)  # BFS depth of v from s, -1 unseen
    frontier = np.eye(n)
    depth = 0
    while frontier.any():
        reached = frontier @ a
        new = (reached > 0) & (level < 0)
        depth += 1
        level[new] = depth
        frontier = np.where(new, reached, 0.0)
        sigma += frontier
    delta = np.zeros((n, n))
    for d in range(depth - 1, 0, -1):
        # Dependencies flow from depth d + 1 back to the nodes at depth d.
        ahead = level == d + 1
        q = np.divide(1.0 + delta, sigma, out=np.zeros((n, n)), where=ahead)
        delta += np.where(level == d, (q @ a) * sigma, 0.0)
    # Each unordered pair is counted from both ends; normalise by (n - 1)(n - 2) / 2.
    result: npt.NDArray[np.float64] = delta.sum(axis=0) / ((n - 1) * (n - 2))
    return result


@dataclass(frozen=True)
class _Level:
    """The nodes at one BFS depth, as a block: sources × nodes of that depth's side."""

    rows: npt.NDArray[np.intp]  # the sources that reach some node at this depth
    columns: npt.NDArray[np.intp]  # the nodes at this depth from some source
    at: npt.NDArray[np.bool_]  # at[i, j]: columns[j] lies at this depth from rows[i]
    sigma: npt.NDArray[np.float64]  # shortest-path counts, 0 where not ``at``


def _dependencies(
    links: npt.NDArray[np.float64],
    sources: npt.NDArray[np.intp],
    weights: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Sum Brandes' dependencies over sources on one side of a bipartite graph.

    ``links`` is the 0/1 biadjacency from side X (rows, where the sources lie) to side
    Y; ``sources`` index X and ``weights`` multiply each source's dependencies. Returns
    the weighted sums on X and on Y.

    A BFS from an X node alternates sides, so every level is one product with ``links``
    or its transpose over all sources at once: |X|·|Y| per source and level instead of
    (|X| + |Y|)² for the square adjacency matrix. Each level is kept as a block of the
    sources and nodes it involves, and each product is cut to the sources still
    searching and the nodes still unseen: the deep levels are thin.
    """
    count = len(sources)
    step = (links, np.ascontiguousarray(links.T))  # step[side]: from that side to the other
    # Path counts are integers, which float32 adds exactly while below 2**24 (all terms
    # are nonnegative); float32 products are twice as fast.
    step32 = (step[0].astype(np.float32), step[1].astype(np.float32))
    in_degree = (float(links.sum(axis=1).max()), float(links.sum(axis=0).max()))
    seen = [np.zeros((count, size), dtype=np.bool_) for size in links.shape]
    seen[0][np.arange(count), sources] = True
    # Depth 1 needs no product: it is the sources' own rows.
    first = links[sources]
    columns = np.flatnonzero(first.any(axis=0))
    at = first[:, columns] > 0
    levels = [_Level(np.arange(count), columns, at, at.astype(np.float64))]
    seen[1][:, columns] = at
    while True:
        level = levels[-1]
        # Depth d lies on side d % 2, since the sources (depth 0) lie on side 0.
        side, ahead = len(levels) % 2, 1 - len(levels) % 2
        unseen = ~seen[ahead][level.rows]
        searching = np.flatnonzero(unseen.any(axis=1))
        outer = np.flatnonzero(unseen[searching].any(axis=0))
        if outer.size == 0 or level.columns.size == 0:
            break
        part = level.sigma[searching]
        links_part = np.ix_(level.columns, outer)
        if float(part.max()) * in_degree[ahead] < 2.0**24:
            reached = (part.astype(np.float32) @ step32[side][links_part]).astype(np.float64)
        else:
            reached = part @ step[side][links_part]
        new = (reached > 0) & unseen[np.ix_(searching, outer)]
        rows = np.flatnonzero(new.any(axis=1))
        if rows.size == 0:
            break
        columns = np.flatnonzero(new[rows].any(axis=0))
        at = new[np.ix_(rows, columns)]
        sigma = np.where(at, reached[np.ix_(rows, columns)], 0.0)
        levels.append(_Level(level.rows[searching[rows]], outer[columns], at, sigma))
        seen[ahead][np.ix_(levels[-1].rows, levels[-1].columns)] |= at
    totals = [np.zeros(size) for size in links.shape]
    ahead_delta = np.zeros_like(levels[-1].sigma)
    for depth in range(len(levels) - 1, 0, -1):
        # Dependencies flow from depth d + 1 (``after``) back to the nodes at depth d;
        # levels[i] holds depth i + 1.
        after, level = levels[depth], levels[depth - 1]
        here = depth % 2  # the side of depth d = ``depth``
        share = np.divide(
            1.0 + ahead_delta, after.sigma, out=np.zeros_like(after.sigma), where=after.at
        )
        # Every source reaching depth d + 1 reaches depth d: find its row there.
        place = np.searchsorted(level.rows, after.rows)
        gathered = share @ step[1 - here][np.ix_(after.columns, level.columns)]
        delta = np.zeros_like(level.sigma)
        delta[place] = gathered * level.sigma[place]
        totals[here][level.columns] += weights[level.rows] @ delta
        ahead_delta = delta
    return totals[0], totals[1]


def _twins(links: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Return one row per class of equal rows and the size of each class.

    Rows with the same neighbours are twins: swapping two of them is an automorphism, so
    their dependencies agree on every other node, and a twin never lies on a shortest
    path from its twin. One BFS per class, weighted by its size, gives the exact sum.
    """
    _, first, counts = np.unique(links, axis=0, return_index=True, return_counts=True)
    return first.astype(np.intp), counts.astype(np.float64)


def _state_betweenness(
    biadjacency: npt.NDArray[np.bool_], *, nodes: int
) -> npt.NDArray[np.float64]:
    """Return the normalised betweenness of the columns of a bipartite graph.

    ``biadjacency`` is organizations × states; ``nodes`` counts every node of the graph,
    isolated ones too, since networkx's normalisation ``(n − 1)(n − 2)`` does. Equal to
    :func:`betweenness` on the square adjacency matrix, restricted to the states.
    """
    result = np.zeros(biadjacency.shape[1])
    if nodes < 3:
        return result
    # Isolated nodes lie on no path and start none: drop them from the work.
    rows = biadjacency.any(axis=1)
    columns = biadjacency.any(axis=0)
    links = biadjacency[np.ix_(rows, columns)].astype(np.float64)
    if links.size == 0:
        return result
    sources, weights = _twins(links)
    _, from_organizations = _dependencies(links, sources, weights)
    sources, weights = _twins(links.T)
    from_states, _ = _dependencies(np.ascontiguousarray(links.T), sources, weights)
    # Each unordered pair is counted from both ends; normalise by (n - 1)(n - 2) / 2.
    result[columns] = (from_organizations + from_states) / ((nodes - 1) * (nodes - 2))
    return result


@functools.lru_cache(maxsize=128)
def _cached_state_betweenness(
    packed: bytes, shape: tuple[int, int], nodes: int
) -> tuple[float, ...]:
    # Keyed by the membership matrix itself: consecutive days, and often years, share
    # it, and the server asks for the same day again and again.
    biadjacency = np.frombuffer(packed, dtype=np.bool_).reshape(shape)
    return tuple(_state_betweenness(biadjacency, nodes=nodes).tolist())


def bridge_states(
    snapshot: RegistrySnapshot,
    *,
    day: date,
    statuses: frozenset[MembershipStatus] = MEMBERS_ONLY,
    order: BridgeOrder | str = BridgeOrder.BLOCS,
    sample: int | None = None,
    seed: int = 0,
) -> list[BridgeState]:
    """Rank the states that belong to at least one organization on ``day``.

    Args:
        snapshot: the registry.
        day: the as-of date.
        statuses: which statuses count as belonging.
        order: ``blocs`` (bloc count, then betweenness) or ``betweenness`` (betweenness,
            then bloc count); the state code breaks remaining ties.
        sample: estimate betweenness with networkx from this many pivot nodes; exact
            (:func:`betweenness`) when None or not smaller than the graph.
        seed: the seed of the pivot sample, so that estimates are reproducible.

    Raises:
        InvalidArgumentError: an unknown ``order`` or a ``sample`` below 1.
        DateOutOfRangeError: ``day`` lies outside the data.
    """
    try:
        chosen_order = BridgeOrder(order)
    except ValueError:
        raise InvalidArgumentError(
            f"order {order!r} is neither 'blocs' nor 'betweenness'", argument="order", value=order
        ) from None
    if sample is not None and sample < 1:
        raise InvalidArgumentError(
            f"sample {sample} must be at least 1", argument="sample", value=sample
        )
    if sample is not None:
        graph = membership_graph(snapshot, day=day, statuses=statuses)
        if sample < graph.number_of_nodes():
            return _sort(_sampled(snapshot, graph, sample=sample, seed=seed), chosen_order)
    matrix = snapshot.membership_matrix(day, statuses=statuses)
    present = np.flatnonzero(matrix.any(axis=0))
    nodes = len(snapshot.organizations_on(day)) + len(present)
    matrix = np.ascontiguousarray(matrix[:, present])
    centrality = _cached_state_betweenness(matrix.tobytes(), matrix.shape, nodes)
    slugs = list(snapshot.organizations)
    blocs_of = [snapshot.organizations[slug].bloc for slug in slugs]
    results = []
    for column, index in enumerate(present.tolist()):
        held = np.flatnonzero(matrix[:, column]).tolist()
        results.append(
            BridgeState(
                state=snapshot.states[index],
                blocs=tuple(sorted({blocs_of[row] for row in held})),
                # Rows follow the sorted slugs, so these are sorted already.
                organizations=tuple(slugs[row] for row in held),
                # Rounded: summation order follows node order, and ties must not.
                betweenness=round(centrality[column], 12),
            )
        )
    return _sort(results, chosen_order)


def _sampled(
    snapshot: RegistrySnapshot, graph: nx.Graph, *, sample: int, seed: int
) -> list[BridgeState]:
    """Rank with networkx's pivot estimate, on the graph whose node order fixes the pivots."""
    centrality: dict[tuple[str, str], float] = nx.betweenness_centrality(
        graph, k=sample, normalized=True, seed=seed
    )
    results = []
    for kind, state in graph.nodes:
        if kind != "state":
            continue
        organizations = sorted(slug for _, slug in graph.neighbors((kind, state)))
        blocs = sorted({snapshot.organizations[slug].bloc for slug in organizations})
        results.append(
            BridgeState(
                state=state,
                blocs=tuple(blocs),
                organizations=tuple(organizations),
                betweenness=round(float(centrality[(kind, state)]), 12),
            )
        )
    return results


def _sort(results: list[BridgeState], order: BridgeOrder) -> list[BridgeState]:
    if order is BridgeOrder.BLOCS:
        results.sort(key=lambda b: (-b.bloc_count, -b.betweenness, b.state))
    else:
        results.sort(key=lambda b: (-b.betweenness, -b.bloc_count, b.state))
    return results

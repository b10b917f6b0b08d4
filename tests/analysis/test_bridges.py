"""Bridge states: blocs spanned and betweenness in the organization–state network."""

from __future__ import annotations

from datetime import date

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.analysis.bridges import betweenness, bridge_states, membership_graph
from sideline.analysis.errors import AnalysisError, DateOutOfRangeError, InvalidArgumentError
from sideline.analysis.snapshot import RegistrySnapshot

DAY = date(2015, 1, 1)


def test_bridge_states_ranked_by_blocs(eurasia: RegistrySnapshot) -> None:
    ranking = bridge_states(eurasia, day=DAY)

    # KAZ KGZ RUS TJK sit in CSTO (eurasian) and SCO (shanghai): two blocs each.
    assert [(b.state, b.bloc_count) for b in ranking[:4]] == [
        ("KAZ", 2),
        ("KGZ", 2),
        ("RUS", 2),
        ("TJK", 2),
    ]
    assert ranking[0].blocs == ("eurasian", "shanghai")
    assert ranking[0].organizations == ("csto", "sco")
    assert {b.bloc_count for b in ranking[4:]} == {1}


def test_bridge_states_betweenness_hand_computed() -> None:
    # Path graph a - X - b - Y - c (organizations a, b, c; states X, Y); n = 5.
    # X lies on the shortest paths a-b, a-Y, a-c: 3 pairs; normalised by (n-1)(n-2)/2 = 6.
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": s, "bloc": s} for s in "abc"],
        memberships=[
            {"organization": o, "state": s, "status": "member", "start": "2000"}
            for o, s in [("a", "X"), ("b", "X"), ("b", "Y"), ("c", "Y")]
        ],
        valid_until=date(2030, 12, 31),
    )

    ranking = bridge_states(snapshot, day=DAY, order="betweenness")

    assert [(b.state, b.betweenness, b.bloc_count) for b in ranking] == [
        ("X", 0.5, 2),
        ("Y", 0.5, 2),
    ]


def test_bridge_states_orders_differ(eurasia: RegistrySnapshot) -> None:
    by_betweenness = bridge_states(eurasia, day=DAY, order="betweenness")

    # NATO is a separate component, so its states broker nothing.
    assert {b.state for b in by_betweenness if b.betweenness == 0} >= {"USA", "CAN", "TUR"}
    assert by_betweenness[0].bloc_count == 2


def test_membership_graph_is_bipartite(eurasia: RegistrySnapshot) -> None:
    graph = membership_graph(eurasia, day=DAY)

    assert graph.number_of_nodes() == 3 + 11
    assert graph.number_of_edges() == 6 + 6 + 3
    assert graph.nodes[("organization", "sco")]["bipartite"] == 0


def test_bridge_states_sample_is_reproducible(eurasia: RegistrySnapshot) -> None:
    first = bridge_states(eurasia, day=DAY, order="betweenness", sample=5, seed=3)
    second = bridge_states(eurasia, day=DAY, order="betweenness", sample=5, seed=3)

    assert first == second


@pytest.mark.parametrize(
    ("kwargs", "error", "argument"),
    [
        ({"order": "size"}, InvalidArgumentError, "order"),
        ({"sample": 0}, InvalidArgumentError, "sample"),
        ({"day": date(1900, 1, 1)}, DateOutOfRangeError, "day"),
    ],
)
def test_bridge_states_invalid(
    eurasia: RegistrySnapshot, kwargs: dict[str, object], error: type[AnalysisError], argument: str
) -> None:
    arguments: dict[str, object] = {"day": DAY, **kwargs}

    with pytest.raises(error) as caught:
        bridge_states(eurasia, **arguments)  # type: ignore[arg-type]  # values vary by case

    assert caught.value.argument == argument


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["o1", "o2", "o3", "o4"]),
        st.frozensets(st.sampled_from(["AAA", "BBB", "CCC", "DDD", "EEE"]), min_size=1),
        min_size=1,
    )
)
def test_bridge_states_bounds_and_renaming(members: dict[str, frozenset[str]]) -> None:
    def build(rename: dict[str, str]) -> RegistrySnapshot:
        return RegistrySnapshot.from_rows(
            organizations=[{"slug": rename.get(o, o), "bloc": o} for o in members],
            memberships=[
                {
                    "organization": rename.get(o, o),
                    "state": rename.get(s, s),
                    "status": "member",
                    "start": "2000",
                }
                for o, states in members.items()
                for s in states
            ],
            valid_until=date(2030, 12, 31),
        )

    rename = {"AAA": "ZZZ", "BBB": "YYY", "o1": "p9", "o2": "p8"}
    plain = {b.state: (b.bloc_count, b.betweenness) for b in bridge_states(build({}), day=DAY)}
    renamed = {
        b.state: (b.bloc_count, b.betweenness) for b in bridge_states(build(rename), day=DAY)
    }

    assert all(0.0 <= betweenness <= 1.0 for _, betweenness in plain.values())
    assert renamed == {rename.get(s, s): value for s, value in plain.items()}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=25))
def test_betweenness_matches_networkx(edges: list[tuple[int, int]]) -> None:
    graph = nx.Graph()
    graph.add_nodes_from(range(10))
    graph.add_edges_from((a, b) for a, b in edges if a != b)
    expected = nx.betweenness_centrality(graph, normalized=True)

    result = betweenness(nx.to_numpy_array(graph, nodelist=range(10), dtype=bool))

    assert result.tolist() == pytest.approx([expected[node] for node in range(10)])


def _registry(members: dict[str, frozenset[str]], *, empty: int = 0) -> RegistrySnapshot:
    """Build a registry from organization → member states, plus ``empty`` memberless ones."""
    return RegistrySnapshot.from_rows(
        organizations=[{"slug": o, "bloc": o} for o in members]
        + [{"slug": f"empty{i}", "bloc": "none"} for i in range(empty)],
        memberships=[
            {"organization": o, "state": s, "status": "member", "start": "2000"}
            for o, states in members.items()
            for s in states
        ],
        valid_until=date(2030, 12, 31),
    )


def _networkx_states(snapshot: RegistrySnapshot) -> dict[str, float]:
    graph = membership_graph(snapshot, day=DAY)
    centrality = nx.betweenness_centrality(graph, normalized=True)
    return {code: value for (kind, code), value in centrality.items() if kind == "state"}


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([f"o{i}" for i in range(7)]),
        st.frozensets(st.sampled_from([f"S{i}" for i in range(7)]), min_size=1),
        min_size=1,
    ),
    st.integers(0, 2),
)
def test_bridge_states_exact_matches_networkx(
    members: dict[str, frozenset[str]], empty: int
) -> None:
    # The bipartite, twin-weighted kernel behind bridge_states; memberless organizations
    # still count in networkx's normalisation, and small graphs have many twins.
    snapshot = _registry(members, empty=empty)

    result = {b.state: b.betweenness for b in bridge_states(snapshot, day=DAY)}

    assert result == pytest.approx(_networkx_states(snapshot), abs=1e-12)


def test_bridge_states_exact_with_path_counts_beyond_float32() -> None:
    # Twelve layers of six nodes, consecutive layers fully linked: 6**10 shortest paths
    # end to end, beyond float32's exact integers, so the float64 products must run.
    layers = [[f"L{layer}x{i}" for i in range(6)] for layer in range(12)]
    members = {
        organization: frozenset(
            state
            for neighbour in (layer - 1, layer + 1)
            if 0 <= neighbour < len(layers)
            for state in layers[neighbour]
        )
        for layer in range(0, len(layers), 2)
        for organization in layers[layer]
    }
    snapshot = _registry(members)

    result = {b.state: b.betweenness for b in bridge_states(snapshot, day=DAY)}

    assert result == pytest.approx(_networkx_states(snapshot), abs=1e-12)


def test_bridge_states_single_edge_is_zero() -> None:
    snapshot = _registry({"o1": frozenset({"AAA"})})

    assert [(b.state, b.betweenness) for b in bridge_states(snapshot, day=DAY)] == [("AAA", 0.0)]

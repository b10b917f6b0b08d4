"""Membership overlap: hand-computed cases, the matrix, and laws checked by Hypothesis."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.analysis.errors import (
    DateOutOfRangeError,
    EmptyPeriodError,
    UnknownOrganizationError,
)
from sideline.analysis.facts import WITH_ASSOCIATES
from sideline.analysis.overlap import (
    jaccard,
    membership_overlap,
    overlap_coefficient,
    overlap_matrices_by_year,
    overlap_matrix,
)
from sideline.analysis.snapshot import RegistrySnapshot

DAY = date(2015, 1, 1)


def test_membership_overlap_csto_sco_hand_computed(eurasia: RegistrySnapshot) -> None:
    # CSTO = {ARM BLR KAZ KGZ RUS TJK}, SCO = {CHN KAZ KGZ RUS TJK UZB}
    # shared = {KAZ KGZ RUS TJK} (4), union 8 -> Jaccard 4/8 = 0.5, min size 6 -> 4/6.
    result = membership_overlap(eurasia, "csto", "sco", day=DAY)

    assert sorted(result.shared) == ["KAZ", "KGZ", "RUS", "TJK"]
    assert result.jaccard == 0.5
    assert result.overlap_coefficient == pytest.approx(4 / 6)


def test_membership_overlap_disjoint_is_zero(eurasia: RegistrySnapshot) -> None:
    result = membership_overlap(eurasia, "nato", "csto", day=DAY)

    assert result.shared == frozenset()
    assert (result.jaccard, result.overlap_coefficient) == (0.0, 0.0)


def test_membership_overlap_as_dict_is_sorted(eurasia: RegistrySnapshot) -> None:
    result = membership_overlap(eurasia, "sco", "csto", day=DAY).as_dict()

    assert result == {
        "organizations": ["sco", "csto"],
        "day": "2015-01-01",
        "sizes": [6, 6],
        "shared": ["KAZ", "KGZ", "RUS", "TJK"],
        "jaccard": 0.5,
        "overlap_coefficient": pytest.approx(4 / 6),
    }


def test_membership_overlap_status_set_counts_observers() -> None:
    # A = {KAZ} members + {MNG} observer; B = {KAZ MNG} members.
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": "a", "bloc": "x"}, {"slug": "b", "bloc": "y"}],
        memberships=[
            {"organization": "a", "state": "KAZ", "status": "member", "start": "2000"},
            {"organization": "a", "state": "MNG", "status": "observer", "start": "2000"},
            {"organization": "b", "state": "KAZ", "status": "member", "start": "2000"},
            {"organization": "b", "state": "MNG", "status": "member", "start": "2000"},
        ],
        valid_until=date(2020, 12, 31),
    )

    members_only = membership_overlap(snapshot, "a", "b", day=DAY.replace(year=2010))
    with_observers = membership_overlap(
        snapshot, "a", "b", day=DAY.replace(year=2010), statuses=WITH_ASSOCIATES
    )

    # members only: {KAZ} vs {KAZ MNG} -> 1/2; with observers: {KAZ MNG} twice -> 1.
    assert members_only.jaccard == 0.5
    assert with_observers.jaccard == 1.0


def test_membership_overlap_respects_end_date() -> None:
    # Uzbekistan leaves on 2012-12-19 (first day no longer a member).
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": "csto", "bloc": "x"}, {"slug": "sco", "bloc": "y"}],
        memberships=[
            {
                "organization": "csto",
                "state": "UZB",
                "status": "member",
                "start": "2006-08-16",
                "end": "2012-12-19",
            },
            {"organization": "sco", "state": "UZB", "status": "member", "start": "2001"},
        ],
    )

    before = membership_overlap(snapshot, "csto", "sco", day=date(2012, 12, 18))
    after = membership_overlap(snapshot, "csto", "sco", day=date(2012, 12, 19))

    assert before.shared == frozenset({"UZB"})
    assert after.shared == frozenset()


@pytest.mark.parametrize(
    ("first", "second", "argument"),
    [("osce", "sco", "first"), ("sco", "osce", "second")],
)
def test_membership_overlap_unknown_organization(
    eurasia: RegistrySnapshot, first: str, second: str, argument: str
) -> None:
    with pytest.raises(UnknownOrganizationError) as caught:
        membership_overlap(eurasia, first, second, day=DAY)

    assert caught.value.code == "unknown_organization"
    assert caught.value.argument == argument
    assert str(caught.value) == f"{argument} 'osce' is not in the registry"


def test_membership_overlap_date_before_data(eurasia: RegistrySnapshot) -> None:
    with pytest.raises(DateOutOfRangeError) as caught:
        membership_overlap(eurasia, "csto", "sco", day=date(1999, 12, 31))

    assert caught.value.code == "date_out_of_range"
    assert str(caught.value) == "day 1999-12-31 is outside the data (2000-01-01 to 2030-12-31)"


def test_overlap_matrix_matches_pairwise(eurasia: RegistrySnapshot) -> None:
    matrix = overlap_matrix(eurasia, day=DAY)

    assert matrix.organizations == ("csto", "nato", "sco")
    assert matrix.shared.tolist() == [[6, 0, 4], [0, 3, 0], [4, 0, 6]]
    assert matrix.jaccard()[0, 2] == 0.5
    assert matrix.overlap_coefficient()[2, 0] == pytest.approx(4 / 6)
    assert matrix.pairs() == [
        {
            "organizations": ["csto", "sco"],
            "shared": 4,
            "jaccard": 0.5,
            "overlap_coefficient": pytest.approx(4 / 6),
        }
    ]


def test_overlap_matrix_empty_organization_is_zero(
    make_registry: Callable[..., RegistrySnapshot],
) -> None:
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": "a", "bloc": "x"}, {"slug": "b", "bloc": "y"}],
        memberships=[{"organization": "a", "state": "KAZ", "status": "member", "start": "2000"}],
    )

    matrix = overlap_matrix(snapshot, day=DAY)

    assert matrix.jaccard().tolist() == [[1.0, 0.0], [0.0, 0.0]]
    assert matrix.overlap_coefficient().tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_overlap_matrices_by_year_tracks_accession(
    make_registry: Callable[..., RegistrySnapshot],
) -> None:
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": "a", "bloc": "x"}, {"slug": "b", "bloc": "y"}],
        memberships=[
            {"organization": "a", "state": "KAZ", "status": "member", "start": "2000"},
            {"organization": "b", "state": "KAZ", "status": "member", "start": "2005-06"},
        ],
        valid_until=date(2010, 12, 31),
    )

    matrices = overlap_matrices_by_year(snapshot, years=range(2004, 2008))

    assert {year: int(m.shared[0, 1]) for year, m in matrices.items()} == {
        2004: 0,
        2005: 0,
        2006: 1,
        2007: 1,
    }


def test_overlap_matrices_by_year_empty(eurasia: RegistrySnapshot) -> None:
    with pytest.raises(EmptyPeriodError) as caught:
        overlap_matrices_by_year(eurasia, years=range(2010, 2005))

    assert (caught.value.code, caught.value.argument) == ("empty_period", "years")


# --- laws ------------------------------------------------------------------------------

STATES = [f"S{index:02d}" for index in range(12)]
member_sets = st.dictionaries(
    st.sampled_from([f"org{index}" for index in range(6)]),
    st.frozensets(st.sampled_from(STATES)),
    min_size=2,
)


def _snapshot(members: dict[str, frozenset[str]]) -> RegistrySnapshot:
    return RegistrySnapshot.from_rows(
        organizations=[{"slug": org, "bloc": "x"} for org in members],
        memberships=[
            {"organization": org, "state": state, "status": "member", "start": "2000"}
            for org, states in members.items()
            for state in states
        ],
        valid_until=date(2030, 12, 31),
    )


@settings(max_examples=60, deadline=None)
@given(member_sets)
def test_overlap_matrix_symmetric_and_bounded(members: dict[str, frozenset[str]]) -> None:
    matrix = overlap_matrix(_snapshot(members), day=DAY, organizations=sorted(members))

    for values in (matrix.jaccard(), matrix.overlap_coefficient()):
        assert np.array_equal(values, values.T)
        assert ((values >= 0) & (values <= 1)).all()
    assert (matrix.jaccard() <= matrix.overlap_coefficient() + 1e-12).all()


@settings(max_examples=60, deadline=None)
@given(member_sets)
def test_overlap_matrix_agrees_with_sets(members: dict[str, frozenset[str]]) -> None:
    names = sorted(members)
    matrix = overlap_matrix(_snapshot(members), day=DAY, organizations=names)

    for i, a in enumerate(names):
        for j, b in enumerate(names):
            assert matrix.shared[i, j] == len(members[a] & members[b])
            assert matrix.jaccard()[i, j] == pytest.approx(jaccard(members[a], members[b]))
            assert matrix.overlap_coefficient()[i, j] == pytest.approx(
                overlap_coefficient(members[a], members[b])
            )


@settings(max_examples=40, deadline=None)
@given(member_sets, st.permutations(STATES), st.randoms(use_true_random=False))
def test_overlap_invariant_under_renaming(
    members: dict[str, frozenset[str]], shuffled: list[str], random: object
) -> None:
    # Rename every state and every organization; the pairwise values must not move.
    state_names = dict(zip(STATES, shuffled, strict=True))
    org_names = {org: f"renamed-{org[::-1]}" for org in members}
    renamed = {
        org_names[org]: frozenset(state_names[s] for s in states) for org, states in members.items()
    }
    names = sorted(members)
    before = overlap_matrix(_snapshot(members), day=DAY, organizations=names)
    after = overlap_matrix(_snapshot(renamed), day=DAY, organizations=[org_names[n] for n in names])

    assert np.array_equal(before.shared, after.shared)

"""Functional duplication: weighted Jaccard of mandates combined with shared membership."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.analysis.duplication import (
    duplication_ranking,
    function_matrix,
    measure_duplication,
)
from sideline.analysis.errors import AnalysisError, InvalidArgumentError, UnknownOrganizationError
from sideline.analysis.snapshot import RegistrySnapshot

DAY = date(2015, 1, 1)


def test_measure_duplication_csto_sco_hand_computed(eurasia: RegistrySnapshot) -> None:
    # csto: collective-defence 1, counter-narcotics 1, counter-terrorism 0.5
    # sco:  counter-terrorism 1, counter-narcotics 0.5, economic 1
    # min: cn 0.5 + ct 0.5 = 1; max: cd 1 + cn 1 + ct 1 + ec 1 = 4 -> F = 0.25
    # members: 4 shared of 8 -> M = 0.5; S = 0.75 * 0.25 + 0.25 * 0.5 = 0.3125
    result = measure_duplication(eurasia, ["csto", "sco"], day=DAY)

    assert (result.functional, result.membership, result.score) == (0.25, 0.5, 0.3125)
    assert [(s.function, s.weights) for s in result.shared_functions] == [
        ("counter-narcotics", (1.0, 0.5)),
        ("counter-terrorism", (0.5, 1.0)),
    ]
    assert sorted(result.shared_states) == ["KAZ", "KGZ", "RUS", "TJK"]
    assert result.explain() == (
        "csto and sco: score 0.31 (functions 0.25, members 0.50); shared functions: "
        "counter-narcotics (core/secondary), counter-terrorism (secondary/core); "
        "shared member states: KAZ, KGZ, RUS, TJK"
    )


def test_measure_duplication_nato_csto_no_shared_members(eurasia: RegistrySnapshot) -> None:
    # nato: collective-defence 1, counter-narcotics 0.5, crisis-management 1
    # min: cd 1 + cn 0.5 = 1.5; max: cd 1 + cn 1 + ct 0.5 + cm 1 = 3.5 -> F = 3/7
    result = measure_duplication(eurasia, ["nato", "csto"], day=DAY)

    assert result.functional == pytest.approx(3 / 7)
    assert result.membership == 0.0
    assert result.score == pytest.approx(0.75 * 3 / 7)
    assert result.shared_states == frozenset()


def test_measure_duplication_group_of_three(eurasia: RegistrySnapshot) -> None:
    # Only counter-narcotics is shared by all three: min 0.5; max over 5 functions = 5.
    result = measure_duplication(eurasia, ["nato", "csto", "sco"], day=DAY)

    assert result.functional == pytest.approx(0.5 / 5)
    assert [s.function for s in result.shared_functions] == ["counter-narcotics"]
    assert result.shared_functions[0].common_weight == 0.5


def test_measure_duplication_function_weight_one_ignores_members(
    eurasia: RegistrySnapshot,
) -> None:
    result = measure_duplication(eurasia, ["csto", "sco"], day=DAY, function_weight=1.0)

    assert result.score == 0.25


@pytest.mark.parametrize(
    ("organizations", "kwargs", "error", "code", "argument"),
    [
        (["csto"], {}, InvalidArgumentError, "invalid_argument", "organizations"),
        (["csto", "csto"], {}, InvalidArgumentError, "invalid_argument", "organizations"),
        (["csto", "osce"], {}, UnknownOrganizationError, "unknown_organization", "organizations"),
        (
            ["csto", "sco"],
            {"function_weight": 1.5},
            InvalidArgumentError,
            "invalid_argument",
            "function_weight",
        ),
    ],
)
def test_measure_duplication_invalid(
    eurasia: RegistrySnapshot,
    organizations: list[str],
    kwargs: dict[str, Any],
    error: type[AnalysisError],
    code: str,
    argument: str,
) -> None:
    with pytest.raises(error) as caught:
        measure_duplication(eurasia, organizations, day=DAY, **kwargs)

    assert (caught.value.code, caught.value.argument) == (code, argument)


def test_duplication_ranking_orders_pairs(eurasia: RegistrySnapshot) -> None:
    ranking = duplication_ranking(eurasia, day=DAY)

    # nato-csto 0.3214 > csto-sco 0.3125 > nato-sco (cn 0.5 / 4.5 * 0.75 = 0.0833)
    assert [r.organizations for r in ranking] == [
        ("csto", "nato"),
        ("csto", "sco"),
        ("nato", "sco"),
    ]
    assert ranking[2].score == pytest.approx(0.75 * 0.5 / 4.5)
    assert [r.organizations for r in duplication_ranking(eurasia, day=DAY, min_score=0.32)] == [
        ("csto", "nato")
    ]


def test_function_matrix_layout(eurasia: RegistrySnapshot) -> None:
    matrix = function_matrix(eurasia)

    assert matrix.functions == (
        "collective-defence",
        "counter-narcotics",
        "counter-terrorism",
        "crisis-management",
        "economic",
    )
    assert matrix.row("sco") == {
        "counter-narcotics": 0.5,
        "counter-terrorism": 1.0,
        "economic": 1.0,
    }


mandate_sets = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]),
    st.dictionaries(
        st.sampled_from(["f1", "f2", "f3", "f4"]), st.sampled_from(["core", "secondary"])
    ),
    min_size=2,
)


@settings(max_examples=60, deadline=None)
@given(mandate_sets, st.data())
def test_duplication_symmetric_and_bounded(
    mandates: dict[str, dict[str, str]], data: st.DataObject
) -> None:
    snapshot = RegistrySnapshot.from_rows(
        organizations=[{"slug": org, "bloc": "x"} for org in mandates],
        memberships=[
            {"organization": org, "state": state, "status": "member", "start": "2000"}
            for org in mandates
            for state in data.draw(st.lists(st.sampled_from(["KAZ", "RUS", "USA"]), unique=True))
        ],
        mandates=[
            {"organization": org, "function": function, "weight": weight}
            for org, items in mandates.items()
            for function, weight in items.items()
        ],
        valid_until=date(2030, 12, 31),
    )
    first, second = sorted(mandates)[:2]

    forward = measure_duplication(snapshot, [first, second], day=DAY)
    backward = measure_duplication(snapshot, [second, first], day=DAY)

    assert forward.score == backward.score
    assert 0.0 <= forward.functional <= 1.0
    assert 0.0 <= forward.membership <= 1.0
    assert 0.0 <= forward.score <= 1.0

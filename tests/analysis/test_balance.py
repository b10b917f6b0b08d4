"""Multi-vector balance: weighting of engagements, entropy index, HHI and trend."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.analysis.balance import balance_index, balance_series, herfindahl, trend_slope
from sideline.analysis.errors import AnalysisError
from sideline.analysis.snapshot import RegistrySnapshot

PILLARS = [{"slug": s} for s in ("russia", "china", "us", "eu")]


def _registry(*engagements: tuple[str, str, str, str, float]) -> RegistrySnapshot:
    """Engagements of KAZ as (date, end, kind, pillars, weight)."""
    return RegistrySnapshot.from_rows(
        organizations=[],
        memberships=[],
        engagements=[
            {
                "id": f"e{n}",
                "state": "KAZ",
                "date": d,
                "end": e,
                "kind": k,
                "pillars": p,
                "weight": str(w),
            }
            for n, (d, e, k, p, w) in enumerate(engagements)
        ],
        pillars=PILLARS,
        valid_until=date(2030, 12, 31),
    )


def test_balance_series_hand_computed() -> None:
    # 2010: summit with russia+china (weight 2 -> 1 each) and an agreement with the eu
    #       in force 2010-2011 (weight 2): russia 1, china 1, us 0, eu 2; T = 4.
    #       shares 1/4 1/4 0 1/2; B = -(2 * 1/4 ln 1/4 + 1/2 ln 1/2) / ln 4 = 0.75;
    #       HHI = 1/16 + 1/16 + 1/4 = 0.375.
    # 2011: only the agreement: eu 1 -> B = 0, HHI = 1.
    # 2012: the agreement ended on 2012-01-01, so nothing: no shares.
    snapshot = _registry(
        ("2010-05", "", "summit", "russia china", 2),
        ("2010-03-01", "2012-01-01", "agreement", "eu", 2),
    )

    series = balance_series(snapshot, "KAZ", start=2010, end=2012)

    first, second, third = series.years
    assert first.weights == {"russia": 1.0, "china": 1.0, "us": 0.0, "eu": 2.0}
    assert first.shares == {"russia": 0.25, "china": 0.25, "us": 0.0, "eu": 0.5}
    assert first.index == 0.75
    assert first.hhi == 0.375
    assert (second.index, second.hhi) == (0.0, 1.0)
    assert (third.shares, third.index, third.hhi) == (None, None, None)
    assert series.trend == -0.75


def test_balance_series_ongoing_membership_and_half_life() -> None:
    # A membership (ongoing kind) with russia from 2010; a point event with the us in 2010.
    # Half-life 1 year: the us event weighs 1 in 2010, 0.5 in 2011, 0.25 in 2012.
    snapshot = _registry(
        ("2010", "", "membership", "russia", 1),
        ("2010", "", "event", "us", 1),
    )

    plain = balance_series(snapshot, "KAZ", start=2010, end=2012)
    decayed = balance_series(snapshot, "KAZ", start=2010, end=2012, half_life=1.0)

    assert [y.weights["us"] for y in plain.years] == [1.0, 0.0, 0.0]
    assert [y.weights["russia"] for y in plain.years] == [1.0, 1.0, 1.0]
    assert [y.weights["us"] for y in decayed.years] == [1.0, 0.5, 0.25]
    # 2011 with decay: shares 2/3, 1/3 -> HHI 5/9.
    assert decayed.years[1].hhi == pytest.approx(5 / 9)


def test_balance_series_unknown_state_and_bad_periods() -> None:
    snapshot = _registry(("2010", "", "event", "us", 1))

    cases: list[tuple[dict[str, object], str, str]] = [
        ({"state": "XXX"}, "unknown_state", "state 'XXX' is not in the registry"),
        ({"start": 2012, "end": 2010}, "empty_period", "start 2012 is after end 2010"),
        ({"start": 1990}, "date_out_of_range", "start 1990 is outside the data (2010 to 2030)"),
        ({"pillars": ["us"]}, "invalid_argument", "the balance index needs at least two pillars"),
        (
            {"pillars": ["us", "india"]},
            "unknown_pillar",
            "pillar 'india' is not among the pillars ['russia', 'china', 'us', 'eu']",
        ),
        ({"half_life": 0}, "invalid_argument", "half_life 0 must be above 0"),
    ]
    for overrides, code, message in cases:
        arguments: dict[str, object] = {"state": "KAZ", "start": 2010, "end": 2012, **overrides}
        state = arguments.pop("state")
        with pytest.raises(AnalysisError) as caught:
            balance_series(snapshot, state, **arguments)  # type: ignore[arg-type]  # per case
        assert (caught.value.code, str(caught.value)) == (code, message)


def test_balance_index_and_herfindahl_worked_examples() -> None:
    # Three pillars, shares 1/2 1/4 1/4: H = (1/2 ln 2 + 2 * 1/4 ln 4) / ln 3 = 1.5 ln 2 / ln 3
    assert balance_index([0.5, 0.25, 0.25]) == pytest.approx(1.5 * math.log(2) / math.log(3))
    assert herfindahl([0.5, 0.25, 0.25]) == 0.375
    assert balance_index([1.0, 0.0, 0.0]) == 0.0


def test_trend_slope_needs_two_points() -> None:
    assert trend_slope([(2000, 0.5)]) is None
    assert trend_slope([(2000, 1.0), (2002, 0.0)]) == -0.5


@given(st.integers(min_value=2, max_value=12))
def test_equal_shares_entropy_one_and_hhi_inverse(n: int) -> None:
    shares = [1.0 / n] * n

    assert balance_index(shares) == pytest.approx(1.0)
    assert herfindahl(shares) == pytest.approx(1.0 / n)


@given(
    st.lists(st.floats(min_value=0, max_value=100), min_size=2, max_size=8).filter(
        lambda w: sum(w) > 1e-6
    )
)
def test_index_and_hhi_bounds(weights: list[float]) -> None:
    total = sum(weights)
    shares = [w / total for w in weights]

    assert -1e-9 <= balance_index(shares) <= 1.0 + 1e-9
    assert 1.0 / len(shares) - 1e-9 <= herfindahl(shares) <= 1.0 + 1e-9


@settings(max_examples=30, deadline=None)
@given(st.permutations(["russia", "china", "us", "eu"]))
def test_balance_series_invariant_under_pillar_order(order: list[str]) -> None:
    snapshot = _registry(
        ("2010", "", "summit", "russia china", 2),
        ("2010", "2012", "agreement", "eu", 1),
        ("2011", "", "event", "us", 3),
    )

    reference = balance_series(snapshot, "KAZ", start=2010, end=2011)
    reordered = balance_series(snapshot, "KAZ", start=2010, end=2011, pillars=order)

    assert [y.index for y in reordered.years] == [y.index for y in reference.years]
    assert [y.hhi for y in reordered.years] == [y.hhi for y in reference.years]

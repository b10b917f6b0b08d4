"""The scores are the proper scoring rules' values: checked against brute force and by hand."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideline.prevention.scoring import (
    brier,
    crps,
    last_forecast,
    score_forecaster,
    score_rule,
    window,
    zero_forecast,
)
from sideline.prevention.series import MonthTable, month_index


def brute_force_crps(observed: float, ensemble: list[float]) -> float:
    """∫ (F(x) − 1{observed ≤ x})² dx for the ensemble's step function, interval by interval."""
    points = sorted({*ensemble, observed})
    total = 0.0
    for left, right in itertools.pairwise(points):
        forecast = sum(m <= left for m in ensemble) / len(ensemble)
        outcome = 1.0 if observed <= left else 0.0
        total += (forecast - outcome) ** 2 * (right - left)
    return total


counts = st.integers(min_value=0, max_value=500).map(float)


@settings(max_examples=200)
@given(observed=counts, ensemble=st.lists(counts, min_size=1, max_size=12))
def test_crps_equals_the_brute_force_integral(observed: float, ensemble: list[float]) -> None:
    assert crps([observed], [ensemble])[0] == pytest.approx(brute_force_crps(observed, ensemble))


def test_crps_of_a_point_forecast_is_the_absolute_error() -> None:
    assert crps([36.0, 0.0], [[0.0], [0.0]]) == [36.0, 0.0]


@settings(max_examples=100)
@given(outcome=st.integers(0, 1), p=st.floats(0, 1))
def test_brier_is_the_squared_error(outcome: int, p: float) -> None:
    assert brier([outcome], [p])[0] == pytest.approx((p - outcome) ** 2)


def actuals() -> MonthTable:
    # Kyrgyzstan: deaths in April 2021 only; the cutoff (October 2020) saw 2 deaths.
    return MonthTable.from_values(
        {"KGZ": {month_index(2021, 4): 36.0, month_index(2020, 10): 2.0}},
        first=month_index(2000, 1),
        last=month_index(2023, 12),
    )


def test_zero_and_last_on_a_window_by_hand() -> None:
    zero = score_forecaster(
        "zero", zero_forecast, actuals=actuals(), year=2021, scope="x", states=["KGZ"]
    )
    last = score_forecaster(
        "last", last_forecast, actuals=actuals(), year=2021, scope="x", states=["KGZ"]
    )

    assert zero is not None
    assert last is not None
    assert (zero.n, zero.crps, zero.brier) == (12, 3.0, pytest.approx(1 / 12))
    # |36 - 2| once and |0 - 2| eleven times; "any deaths" said every month, right once.
    assert last.crps == pytest.approx((34 + 11 * 2) / 12)
    assert last.brier == pytest.approx(11 / 12)


def test_given_draws_are_scored_and_missing_ones_leave_the_state_out() -> None:
    months = window(2021).months
    draws = {("KGZ", m): [0.0, 36.0] for m in months}

    score = score_forecaster(
        "boot", draws, actuals=actuals(), year=2021, scope="x", states=["KGZ", "TJK"]
    )

    assert score is not None
    assert score.n == 12
    assert score.brier == pytest.approx(0.25)


def test_a_rule_is_scored_as_yes_or_no_and_skipped_where_not_applicable() -> None:
    always = score_rule(
        "always", lambda s, at: True, actuals=actuals(), year=2021, scope="x", states=["KGZ"]
    )
    never_applies = score_rule(
        "n/a", lambda s, at: None, actuals=actuals(), year=2021, scope="x", states=["KGZ"]
    )

    assert always is not None
    assert always.brier == pytest.approx(11 / 12)
    assert always.crps is None
    assert never_applies is None


def test_window_has_the_challenge_s_three_month_gap() -> None:
    w = window(2018)

    assert (w.cutoff, w.months[0], w.months[-1]) == (
        month_index(2017, 10),
        month_index(2018, 1),
        month_index(2018, 12),
    )

"""The multi-vector balance of the five Central Asian states, side by side."""

from __future__ import annotations

import csv

import pytest
from django.test import Client

from sideline.analysis.balance import balance_series
from sideline.analysis.snapshot import load_snapshot_from_package
from sideline.registry.package import BUNDLED_PACKAGE

FIVE = ("KAZ", "KGZ", "TJK", "TKM", "UZB")


def test_every_central_asian_state_has_sourced_engagements() -> None:
    with (BUNDLED_PACKAGE / "engagements.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    counts = {state: sum(1 for row in rows if row["state"] == state) for state in FIVE}
    assert all(count >= 12 for count in counts.values()), counts
    assert all(row["source"] for row in rows if row["state"] in FIVE)


def test_balances_of_the_five_side_by_side() -> None:
    snapshot = load_snapshot_from_package(BUNDLED_PACKAGE)

    years = {
        state: balance_series(snapshot, state, start=2020, end=2020).years[0] for state in FIVE
    }

    assert all(year.index is not None for year in years.values())
    # Turkmenistan, neutral, is in neither the SCO nor the CSTO: no weight on China.
    assert years["TKM"].weights["china"] == 0
    assert all(years[state].weights["china"] > 0 for state in ("KAZ", "KGZ", "TJK", "UZB"))
    # Uzbekistan left the CSTO in 2012; Kyrgyzstan and Tajikistan are in it and weigh
    # Russia more.
    assert years["UZB"].weights["russia"] < years["KGZ"].weights["russia"]


@pytest.mark.parametrize("state", FIVE)
def test_balance_api_answers_for_each_state(client: Client, registry: None, state: str) -> None:
    response = client.get(f"/api/analysis/balance/{state}?from=2015&to=2020")

    assert response.status_code == 200
    assert len(response.json()["years"]) == 6

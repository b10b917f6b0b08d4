"""Score the prevention signals and the baselines on the ViEWS challenge windows 2018–2023.

One command, from the reference data::

    SIDELINE_REFERENCE_DATA=/work/shared/data .venv/bin/python bench/prevention_scores.py

Prints the machine, the data sizes, then one table: forecaster or rule × window × scope
(global; Central Asia; Central Asia and Afghanistan), with the mean CRPS of the monthly
death counts and the mean Brier score of "any deaths in the month" (both through
``scoringrules``; lower is better), over ``n`` state-months. Forecasts are made from
the data to October of the year before, as in the challenge.

* ``zero``, ``last``, ``base_rate`` (the state's last 120 months as an ensemble): ours,
  every scope;
* ``views_zero``, ``views_last``, ``views_boot``, ``views_conflictology``: the
  challenge's official benchmark draws, published for the ten states of Central Asia and
  its neighbours only, so they have no global row;
* the rules of :mod:`sideline.prevention.signals` as yes/no forecasts of "any deaths"
  (Brier only); ``neighbour_fighting`` applies to the neighbour table's states only.

The actuals are UCDP GED state-based deaths per country-month as aggregated by ViEWS
(the file also holds the challenge's actuals). Benchmarks never assert; they report.
Finally the time of one full scoring (median of three) is printed.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

import sideline
from sideline.prevention.codes import bundled_codes
from sideline.prevention.formats import read_conflict_file
from sideline.prevention.scoring import (
    SCOPES,
    WINDOWS,
    Score,
    base_rate_forecast,
    last_forecast,
    score_forecaster,
    score_rule,
    zero_forecast,
)
from sideline.prevention.series import MonthTable
from sideline.prevention.signals import above_base_rate, neighbour_fighting, new_conflict_year

_BENCHMARK_NAMES = {
    "zero": "views_zero",
    "last": "views_last",
    "boot": "views_boot",
    "Conflictology": "views_conflictology",
}


def _views_draws(path: Path) -> dict[str, dict[int, dict[tuple[str, int], list[float]]]]:
    """benchmark -> window year -> (state, month index) -> draws."""
    codes = bundled_codes()
    table = pq.read_table(
        path, columns=["benchmark", "window", "month_id", "country_id", "outcome"]
    ).to_pydict()
    found: dict[str, dict[int, dict[tuple[str, int], list[float]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for bench, window, month_id, country_id, outcome in zip(
        table["benchmark"],
        table["window"],
        table["month_id"],
        table["country_id"],
        table["outcome"],
        strict=True,
    ):
        state = codes.iso3_of_views(int(country_id)) or str(country_id)
        found[_BENCHMARK_NAMES[bench]][int(window[1:])][(state, 1980 * 12 + month_id - 1)].append(
            float(outcome)
        )
    return found


def score_all(conflict: Path) -> tuple[list[Score], dict[str, int]]:
    months = read_conflict_file(conflict / "ucdp_views_cm" / "ged_cm_sb_1990-01_2024-07_global.csv")
    actuals = MonthTable.from_state_values(months.values)
    records = read_conflict_file(conflict / "ucdp_other" / "peacesciencer_ucdp_acd.csv").conflicts
    draws = _views_draws(
        conflict
        / "views_competition_2023"
        / "views_benchmarks_draws_centralasia_neighbours.parquet"
    )
    states = sorted({v.state for v in months.values})
    rules = {
        "rule_above_base_rate": lambda s, at: above_base_rate(actuals, s, at=at).raised,
        "rule_new_conflict_year": lambda s, at: new_conflict_year(records, s, at=at).raised,
        "rule_neighbour_fighting": lambda s, at: neighbour_fighting(actuals, s, at=at).raised,
    }
    scores: list[Score] = []
    for scope, chosen in SCOPES.items():
        scope_states = list(chosen) if chosen is not None else states
        for year in WINDOWS:
            for name, forecaster in (
                ("zero", zero_forecast),
                ("last", last_forecast),
                ("base_rate", base_rate_forecast),
            ):
                score = score_forecaster(
                    name, forecaster, actuals=actuals, year=year, scope=scope, states=scope_states
                )
                if score is not None:
                    scores.append(score)
            if chosen is not None:
                for name, by_window in draws.items():
                    score = score_forecaster(
                        name,
                        by_window.get(year, {}),
                        actuals=actuals,
                        year=year,
                        scope=scope,
                        states=scope_states,
                    )
                    if score is not None:
                        scores.append(score)
            for name, rule in rules.items():
                score = score_rule(
                    name, rule, actuals=actuals, year=year, scope=scope, states=scope_states
                )
                if score is not None:
                    scores.append(score)
    sizes = {
        "country-months": len(months.values),
        "states": len(states),
        "conflict-years": len(records),
    }
    return scores, sizes


def main() -> int:
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root or not (Path(root) / "conflict").is_dir():
        print(
            "set SIDELINE_REFERENCE_DATA to the shared data folder (holding conflict/)",
            file=sys.stderr,
        )
        return 2
    conflict = Path(root) / "conflict"
    times = []
    scores: list[Score] = []
    sizes: dict[str, int] = {}
    for _ in range(3):
        start = time.perf_counter()
        scores, sizes = score_all(conflict)
        times.append(time.perf_counter() - start)
    print(
        f"sideline {sideline.__version__}, Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}"
    )
    print("data: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
    print()
    print(
        f"| {'forecast or rule':<24} | window | {'scope':<24} | {'n':>6} | {'CRPS':>8} | {'Brier':>6} |"
    )
    print(f"|{'-' * 26}|--------|{'-' * 26}|{'-' * 8}|{'-' * 10}|{'-' * 8}|")
    for s in sorted(scores, key=lambda s: (list(SCOPES).index(s.scope), s.name, s.window)):
        crps = f"{s.crps:8.3f}" if s.crps is not None else f"{'—':>8}"
        print(
            f"| {s.name:<24} | {s.window:>6} | {s.scope:<24} | {s.n:>6} | {crps} | {s.brier:6.4f} |"
        )
    print()
    print(f"one full scoring: median {statistics.median(times):.2f} s over {len(times)} runs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Fixtures: the reference conflict data, a small monthly file, broken copies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.conftest import reference_data

CENTRAL = "ucdp_views_cm/ged_cm_sb_centralasia_neighbours.csv"


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def conflict_data() -> Path:
    """The reference folder ``conflict/`` (skips when SIDELINE_REFERENCE_DATA is unset)."""
    return reference_data() / "conflict"


def monthly_csv(rows: list[tuple[int, int, int, float]]) -> str:
    """A country-month file in ViEWS' layout from (views_id, year, month, deaths)."""
    lines = ["country_id,month_id,country,gwcode,isoab,year,month,ucdp_ged_sb_best_sum"]
    for views_id, year, month, deaths in rows:
        lines.append(f"{views_id},{(year - 1980) * 12 + month},x,0,XXX,{year},{month},{deaths}")
    return "\n".join(lines) + "\n"

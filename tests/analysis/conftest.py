"""Small hand-made registries shared by the analysis tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from sideline.analysis.snapshot import RegistrySnapshot


def make_snapshot(
    members: dict[str, str],
    *,
    blocs: dict[str, str] | None = None,
    start: str = "2000",
    mandates: dict[str, str] | None = None,
    valid_until: date = date(2030, 12, 31),
) -> RegistrySnapshot:
    """Build a snapshot: ``members`` maps an organization to space-separated member states.

    ``mandates`` maps an organization to space-separated ``function:weight`` items.
    """
    blocs = blocs or {}
    return RegistrySnapshot.from_rows(
        organizations=[{"slug": org, "bloc": blocs.get(org, org)} for org in members],
        memberships=[
            {"organization": org, "state": state, "status": "member", "start": start}
            for org, states in members.items()
            for state in states.split()
        ],
        mandates=[
            {"organization": org, "function": item.split(":")[0], "weight": item.split(":")[1]}
            for org, items in (mandates or {}).items()
            for item in items.split()
        ],
        valid_until=valid_until,
    )


@pytest.fixture
def make_registry() -> Callable[..., RegistrySnapshot]:
    """Return :func:`make_snapshot` to tests that build their own registry."""
    return make_snapshot


@pytest.fixture
def eurasia() -> RegistrySnapshot:
    """Three organizations: CSTO and SCO overlap, NATO overlaps neither."""
    return make_snapshot(
        {
            "csto": "ARM BLR KAZ KGZ RUS TJK",
            "sco": "CHN KAZ KGZ RUS TJK UZB",
            "nato": "USA CAN TUR",
        },
        blocs={"csto": "eurasian", "sco": "shanghai", "nato": "euro_atlantic"},
        mandates={
            "csto": "collective-defence:core counter-narcotics:core counter-terrorism:secondary",
            "sco": "counter-terrorism:core counter-narcotics:secondary economic:core",
            "nato": "collective-defence:core counter-narcotics:secondary crisis-management:core",
        },
    )

"""Facts the bundled dataset must show, read straight from src/sideline/data/*.csv."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sideline
from sideline.analysis.bridges import bridge_states
from sideline.analysis.overlap import membership_overlap
from sideline.analysis.snapshot import RegistrySnapshot, load_snapshot_from_package
from sideline.analysis.suggest import suggest_meeting_requests

PACKAGE = Path(sideline.__file__).parent / "data"


def _snapshot(*needed: str) -> RegistrySnapshot:
    # The dataset ships with the package: a missing file must fail these tests, not skip them.
    return load_snapshot_from_package(PACKAGE)


def test_bundled_kazakhstan_among_top_bridge_states_2015() -> None:
    snapshot = _snapshot()

    ranking = bridge_states(snapshot, day=date(2015, 1, 1))

    top = [b.state for b in ranking[:5]]
    assert "KAZ" in top, f"top bridge states in 2015 are {top}"


def test_bundled_csto_and_sco_share_member_states_2015() -> None:
    snapshot = _snapshot()

    overlap = membership_overlap(snapshot, "csto", "sco", day=date(2015, 1, 1))

    assert {"KAZ", "KGZ", "RUS", "TJK"} <= overlap.shared


def test_bundled_nato_and_csto_share_no_member_state_2013() -> None:
    snapshot = _snapshot()

    overlap = membership_overlap(snapshot, "nato", "csto", day=date(2013, 1, 1))

    assert overlap.shared == frozenset()


def test_bundled_suggestions_include_nato_csto_counter_narcotics() -> None:
    snapshot = _snapshot("mandates.csv")

    requests = suggest_meeting_requests(snapshot, day=date(2013, 1, 1))

    ids = [request["id"] for request in requests]
    assert "dup-csto-nato-counter-narcotics" in ids, f"suggested: {ids}"

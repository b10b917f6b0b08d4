"""Reads for the analysis: a snapshot of the registry, and each analysis as of a date.

The registry tables become one :class:`~sideline.analysis.snapshot.RegistrySnapshot`
with five queries (organizations, memberships, mandates, engagements, pillars) whatever
the size of the registry; the pure cores do the rest. Every function here takes an
optional ``snapshot`` so that a page or a command that runs several analyses builds it
once; without one they use :func:`current_snapshot`, which keeps the last snapshot in
process memory for as long as the registry's version (one aggregate query) and the day
stay the same. The decoded vote matrix is kept the same way, per imported data set.

The package's modules: `snapshots` (the snapshot and its cache), `reports` (each
analysis as of a date), `votes` (the UN General Assembly's votes).
"""

from __future__ import annotations

from sideline.analysis.selectors.reports import (
    BridgeReport,
    OverlapReport,
    OverlapRow,
    balance_report,
    bridge_report,
    duplication_report,
    overlap_report,
    planner_instance,
    states_with_engagements,
    suggestion_report,
)
from sideline.analysis.selectors.snapshots import build_snapshot, current_snapshot
from sideline.analysis.selectors.votes import (
    FIRST_SESSION_YEAR,
    VotingReport,
    cached_vote_table,
    session_of_year,
    vote_dataset,
    vote_table,
    voting_report,
    year_of_session,
)

__all__ = [
    "FIRST_SESSION_YEAR",
    "BridgeReport",
    "OverlapReport",
    "OverlapRow",
    "VotingReport",
    "balance_report",
    "bridge_report",
    "build_snapshot",
    "cached_vote_table",
    "current_snapshot",
    "duplication_report",
    "overlap_report",
    "planner_instance",
    "session_of_year",
    "states_with_engagements",
    "suggestion_report",
    "vote_dataset",
    "vote_table",
    "voting_report",
    "year_of_session",
]

"""The UN General Assembly votes: the imported data set, its decoded table (kept per
process, per data set) and a state's agreement with each pillar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from sideline.analysis.errors import DateOutOfRangeError, EmptyPeriodError
from sideline.analysis.models import RollCall, VoteDataset
from sideline.analysis.voting import ALL_PILLARS, PILLAR_STATES, VoteTable, state_alignment
from sideline.registry.models import (
    Membership,
)

__all__ = [
    "FIRST_SESSION_YEAR",
    "VotingReport",
    "cached_vote_table",
    "session_of_year",
    "vote_dataset",
    "vote_table",
    "voting_report",
    "year_of_session",
]

#: Session *s* of the General Assembly opens in September of year 1945 + *s*.
FIRST_SESSION_YEAR = 1945


# --- UN General Assembly votes ----------------------------------------------------------


def year_of_session(session: int) -> int:
    """Return the year in which General Assembly ``session`` opens (74 → 2019)."""
    return FIRST_SESSION_YEAR + session


def session_of_year(year: int) -> int:
    """Return the General Assembly session that opens in ``year`` (2019 → 74)."""
    return year - FIRST_SESSION_YEAR


def vote_dataset() -> VoteDataset | None:
    """Return the imported roll-call data set, or None before any import."""
    return VoteDataset.objects.order_by("-imported_at", "-id").first()


def vote_table(dataset: VoteDataset) -> VoteTable:
    """Rebuild the roll calls × states vote matrix of ``dataset`` with one query."""
    rows = list(
        RollCall.objects.filter(dataset=dataset)
        .order_by("session", "date", "rcid")
        .values_list("rcid", "session", "date", "votes")
    )
    states = tuple(dataset.state_list)
    text = "".join(votes for _, _, _, votes in rows).encode("ascii")
    # One character per vote ("0"–"3"): subtracting "0" gives the core's codes.
    matrix = (np.frombuffer(text, dtype=np.uint8) - ord("0")).astype(np.int8)
    return VoteTable(
        rcids=np.array([rcid for rcid, _, _, _ in rows], dtype=np.int64),
        sessions=np.array([session for _, session, _, _ in rows], dtype=np.int64),
        dates=np.array([day.isoformat() for _, _, day, _ in rows], dtype="datetime64[D]"),
        states=states,
        votes=matrix.reshape(len(rows), len(states)),
    )


_vote_cache: tuple[tuple[int, datetime], VoteTable] | None = None


def cached_vote_table(dataset: VoteDataset) -> VoteTable:
    """Return :func:`vote_table` of ``dataset``, decoded once per process.

    The table is keyed on the data set's id and import time, so a new import (a new
    data set) replaces it; only the latest table is kept. Its arrays are read-only:
    requests share them.
    """
    global _vote_cache
    key = (dataset.pk, dataset.imported_at)
    cached = _vote_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    table = vote_table(dataset)
    for array in (table.rcids, table.sessions, table.dates, table.votes):
        array.setflags(write=False)
    _vote_cache = (key, table)
    return table


@dataclass(frozen=True)
class VotingReport:
    """A state's agreement with each pillar's UNGA votes, session by session."""

    state: str
    pillars: tuple[str, ...]
    sessions: tuple[int, ...]  # sessions in which the state's agreement is known
    agreement: dict[str, dict[int, float]]  # pillar -> session -> agreement in [0, 1]

    def rows(self) -> list[dict[str, object]]:
        """Return one JSON-ready row per session, oldest first."""
        return [
            {
                "session": session,
                "year": year_of_session(session),
                **{pillar: self.agreement[pillar].get(session) for pillar in self.pillars},
            }
            for session in self.sessions
        ]


def _eu_members() -> dict[str, tuple[date, date | None]]:
    return {
        state: (start, end)
        for state, start, end in Membership.objects.filter(
            organization__slug="eu", status="member", state__isnull=False
        ).values_list("state__code", "start_date", "end_date")
    }


def voting_report(
    *,
    dataset: VoteDataset,
    state: str,
    start: int | None = None,
    end: int | None = None,
    table: VoteTable | None = None,
) -> VotingReport:
    """Return ``state``'s agreement with the US, Russia, China and the EU by session.

    ``start`` and ``end`` are years; session *s* counts in year 1945 + *s*, the year it
    opens. ``eu`` is the plurality of the EU's member states (taken from the registry's
    ``eu`` memberships); it is left out when the registry has none.

    Raises:
        UnknownStateError: the state has no votes in the data.
        EmptyPeriodError: ``start`` is after ``end``.
        DateOutOfRangeError: the years reach outside the data's sessions.
    """
    table = table if table is not None else cached_vote_table(dataset)
    first, last = table.session_range
    chosen_start = first if start is None else session_of_year(start)
    chosen_end = last if end is None else session_of_year(end)
    if chosen_start > chosen_end:
        raise EmptyPeriodError(
            f"from {year_of_session(chosen_start)} is after to {year_of_session(chosen_end)}",
            argument="from",
            value=year_of_session(chosen_start),
        )
    for argument, session in (("from", chosen_start), ("to", chosen_end)):
        if not first <= session <= last:
            raise DateOutOfRangeError(
                f"{argument} {year_of_session(session)} is outside the vote data "
                f"({year_of_session(first)} to {year_of_session(last)})",
                argument=argument,
                value=year_of_session(session),
            )
    table.column(state)  # an unknown state is reported even when the period is empty
    eu_members = _eu_members()
    pillars = ALL_PILLARS if eu_members else tuple(p for p in ALL_PILLARS if p != "eu")
    # Agreement is computed roll call by roll call and state by state, so the chosen
    # sessions' rows and the columns of the state and the references alone give the
    # same scores; the core then works on a sliver of the matrix. Rows are sorted by
    # session, so the period is one slice.
    low = int(np.searchsorted(table.sessions, chosen_start, side="left"))
    high = int(np.searchsorted(table.sessions, chosen_end, side="right"))
    wanted = {state, *PILLAR_STATES.values(), *eu_members}
    columns = [i for i, code in enumerate(table.states) if code in wanted]
    period = VoteTable(
        rcids=table.rcids[low:high],
        sessions=table.sessions[low:high],
        dates=table.dates[low:high],
        states=tuple(table.states[i] for i in columns),
        votes=table.votes[low:high, columns],
    )
    agreement = (
        state_alignment(period, state, pillars=pillars, eu_members=eu_members)
        if high > low
        else {pillar: {} for pillar in pillars}
    )
    sessions = sorted({session for series in agreement.values() for session in series})
    return VotingReport(state=state, pillars=pillars, sessions=tuple(sessions), agreement=agreement)

"""Writes for the analysis: importing UN General Assembly roll calls."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction

from sideline.analysis.models import RollCall, VoteDataset
from sideline.analysis.unvotes import ProgressCallback, load_unvotes
from sideline.analysis.vote_bundle import BUNDLED_VOTES, read_vote_bundle
from sideline.analysis.voting import VoteTable

__all__ = ["ImportSummary", "import_bundled_unvotes", "import_unvotes"]

logger = logging.getLogger(__name__)

_BATCH = 500


@dataclass(frozen=True)
class ImportSummary:
    """What an import stored."""

    roll_calls: int
    votes: int
    states: int
    sessions: tuple[int, int]

    def __str__(self) -> str:
        return (
            f"{self.roll_calls} roll calls, {self.votes} votes of {self.states} states, "
            f"sessions {self.sessions[0]} to {self.sessions[1]}"
        )


def import_unvotes(directory: Path, *, progress: ProgressCallback | None = None) -> ImportSummary:
    """Read Voeten's roll calls from ``directory`` and replace the stored votes, atomically.

    ``directory`` holds ``roll_calls.csv`` and ``unvotes.csv`` in the layout of the
    ``unvotes`` package (see :mod:`sideline.analysis.unvotes`). The previous import, if
    any, is deleted in the same transaction, so a failed import leaves it in place.

    Args:
        directory: the folder with the two files.
        progress: called as ``progress(rows_done, rows_total)`` while the vote rows
            are read.

    Raises:
        VoteDataError: a file is missing or not in the expected layout; nothing is written.
    """
    table = load_unvotes(Path(directory), progress=progress)
    summary = _store(table, source=str(directory))
    logger.info("UN votes imported from %s: %s", directory, summary)
    return summary


def import_bundled_unvotes(*, only_if_empty: bool = True) -> ImportSummary | None:
    """Store the compact copy of the UN votes that ships with Sideline.

    Args:
        only_if_empty: leave an existing import in place (``sideline init`` is safe to
            run again, and a fuller data set imported by hand must survive it).

    Returns:
        What was stored, or None when votes were already there.

    Raises:
        VoteDataError: the bundled file is missing or damaged; nothing is written.
    """
    if only_if_empty and VoteDataset.objects.exists():
        return None
    summary = _store(read_vote_bundle(), source=f"bundled: {BUNDLED_VOTES.name}")
    logger.info("UN votes imported from the bundled copy: %s", summary)
    return summary


def _store(table: VoteTable, *, source: str) -> ImportSummary:
    """Replace the stored votes with ``table``, in one transaction."""
    # One character per vote, in the dataset's column order (see analysis.models).
    characters = (table.votes.astype(np.uint8) + ord("0")).tobytes().decode("ascii")
    width = len(table.states)
    with transaction.atomic():
        VoteDataset.objects.all().delete()
        first, last = table.session_range if len(table.rcids) else (0, 0)
        dataset = VoteDataset.objects.create(
            source=source,
            states=" ".join(table.states),
            roll_call_count=len(table.rcids),
            vote_count=int(np.count_nonzero(table.votes)),
            first_session=first,
            last_session=last,
        )
        RollCall.objects.bulk_create(
            (
                RollCall(
                    dataset=dataset,
                    rcid=int(rcid),
                    session=int(session),
                    date=day.item(),
                    votes=characters[row * width : (row + 1) * width],
                )
                for row, (rcid, session, day) in enumerate(
                    zip(table.rcids, table.sessions, table.dates, strict=True)
                )
            ),
            batch_size=_BATCH,
        )
    summary = ImportSummary(
        roll_calls=dataset.roll_call_count,
        votes=dataset.vote_count,
        states=width,
        sessions=(first, last),
    )
    return summary

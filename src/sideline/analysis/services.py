"""Writes for the analysis: importing UN General Assembly roll calls."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.db import transaction

from sideline.analysis.models import RollCall, VoteDataset
from sideline.analysis.voting import ProgressCallback, load_unvotes

__all__ = ["ImportSummary", "import_unvotes"]

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
    ``unvotes`` package (see :mod:`sideline.analysis.voting`). The previous import, if
    any, is deleted in the same transaction, so a failed import leaves it in place.

    Args:
        directory: the folder with the two files.
        progress: called as ``progress(rows_done, rows_total)`` while the vote rows
            are read.

    Raises:
        VoteDataError: a file is missing or not in the expected layout; nothing is written.
    """
    table = load_unvotes(Path(directory), progress=progress)
    # One character per vote, in the dataset's column order (see analysis.models).
    characters = (table.votes.astype(np.uint8) + ord("0")).tobytes().decode("ascii")
    width = len(table.states)
    with transaction.atomic():
        VoteDataset.objects.all().delete()
        first, last = table.session_range if len(table.rcids) else (0, 0)
        dataset = VoteDataset.objects.create(
            source=str(directory),
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
    logger.info("UN votes imported from %s: %s", directory, summary)
    return summary

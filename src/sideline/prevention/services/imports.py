"""Importing conflict data: read every file, then replace the stored data of their kinds
in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from sideline.prevention import formats
from sideline.prevention.bundle import bundled_paths
from sideline.prevention.errors import ConflictDataError
from sideline.prevention.models import ConflictYear, Dataset, StateValue

__all__ = ["MAX_FILES", "ImportSummary", "import_bundled", "import_conflict_files"]

logger = logging.getLogger(__name__)

MAX_FILES = 10
_BATCH = 2000

_SOURCES = {
    "ViEWS UCDP GED country-month": (
        "UCDP Georeferenced Event Dataset, state-based deaths (best estimate), "
        "aggregated per country-month by ViEWS",
        "UCDP data CC BY 4.0",
    ),
    "ViEWS forecast country-month": ("ViEWS fatalities forecasts", "ViEWS CC BY-NC 4.0"),
    "ViEWS forecast country-year": ("ViEWS country-year forecasts", "ViEWS CC BY-NC 4.0"),
    "UCDP/PRIO Armed Conflict Dataset": ("UCDP/PRIO Armed Conflict Dataset", "CC BY 4.0"),
    "Sideline country-year": (
        "UCDP Georeferenced Event Dataset, state-based deaths, summed per state and year",
        "UCDP data CC BY 4.0",
    ),
    "Our World in Data country-year": (
        "UCDP Georeferenced Event Dataset via Our World in Data",
        "CC BY 4.0",
    ),
}


@dataclass(frozen=True)
class ImportSummary:
    files: tuple[formats.ConflictFile, ...]

    def __str__(self) -> str:
        parts = []
        for f in self.files:
            span = f"{f.span[0]} to {f.span[1]}" if f.span else "no periods"
            skipped = f", {len(f.skipped)} entities skipped (not states)" if f.skipped else ""
            parts.append(f"{f.name}: {f.rows} rows of {f.kind} ({f.layout}), {span}{skipped}")
        return "; ".join(parts)


def _store(data: formats.ConflictFile, *, bundled: bool) -> None:
    source, licence = _SOURCES[data.layout]
    Dataset.objects.filter(kind=data.kind).delete()
    span = data.span or ("", "")
    dataset = Dataset.objects.create(
        kind=data.kind,
        name=data.name[:255],
        layout=data.layout,
        source=source,
        licence=licence,
        sha256=data.sha256,
        rows=data.rows,
        first_period=span[0],
        last_period=span[1],
        bundled=bundled,
    )
    StateValue.objects.bulk_create(
        (
            StateValue(
                dataset=dataset, state=v.state, year=v.year, month=v.month or 0, value=v.value
            )
            for v in data.values
        ),
        batch_size=_BATCH,
    )
    ConflictYear.objects.bulk_create(
        (
            ConflictYear(
                dataset=dataset,
                conflict_id=c.conflict_id,
                year=c.year,
                states=" ".join(c.states)[:200],
                intensity=c.intensity,
                conflict_type=c.conflict_type,
                episode_start=c.episode_start,
                episode_end=c.episode_end,
            )
            for c in data.conflicts
        ),
        batch_size=_BATCH,
    )


def import_conflict_files(
    paths: Sequence[Path],
    *,
    progress: Callable[[str, int, int], None] | None = None,
    bundled: bool = False,
) -> ImportSummary:
    """Read every file, then replace the stored data of their kinds in one transaction.

    Args:
        paths: one to :data:`MAX_FILES` CSV files in the layouts of
            :mod:`sideline.prevention.formats`.
        progress: called as ``progress(file_name, rows_done, rows_total)``.
        bundled: the files are the product's bundled data.

    Raises:
        ConflictDataError: too many files, two files of one kind, or a defect in a file
            (naming file, row and field); nothing is written then.
    """
    if not paths:
        raise ConflictDataError("give at least one file", code="no_files")
    if len(paths) > MAX_FILES:
        raise ConflictDataError(
            f"{len(paths)} files is over the limit of {MAX_FILES}; import them in turns",
            code="too_many_files",
        )
    read: list[formats.ConflictFile] = []
    for path in paths:
        report = (
            (lambda done, total, name=Path(path).name: progress(name, done, total))
            if progress
            else None
        )
        data = formats.read_conflict_file(Path(path), progress=report)
        twin = next((f for f in read if f.kind == data.kind), None)
        if twin is not None:
            raise ConflictDataError(
                f"holds {data.kind} like {twin.name}; import one file of each kind",
                file=data.name,
                code="duplicate_kind",
            )
        read.append(data)
    with transaction.atomic():
        for data in read:
            _store(data, bundled=bundled)
    summary = ImportSummary(tuple(read))
    logger.info("conflict data imported: %s", summary)
    return summary


def import_bundled() -> ImportSummary:
    """Import the bundled yearly deaths and conflict-years."""
    return import_conflict_files(bundled_paths(), bundled=True)

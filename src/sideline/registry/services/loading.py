"""Loading a data package, with the curated corrections laid over it, and applying
corrections to the registry as it is."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sideline.registry.curation_rows import (
    Conflict,
    CorrectionRows,
    TableChanges,
    diff_tables,
    overlay,
)
from sideline.registry.models import (
    Engagement,
    Forum,
    ForumSession,
    Function,
    Mandate,
    Membership,
    Organization,
    Relation,
    Source,
    State,
)
from sideline.registry.package import (
    DataIssue,
    PackageError,
    bundled_created,
    read_package,
    registry_schemas,
)
from sideline.registry.package_rules import check_consistency
from sideline.registry.package_tables import Row, check_cell
from sideline.registry.services.corrections import approved_corrections
from sideline.registry.services.export import registry_tables
from sideline.registry.services.writing import Progress, write_tables

__all__ = ["LoadSummary", "apply_corrections", "check_tables", "load_package"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadSummary:
    """What a load left in the registry, what it changed, and what it kept curated."""

    counts: dict[str, int]
    changes: dict[str, TableChanges] = field(default_factory=dict)
    conflicts: list[Conflict] = field(default_factory=list)
    dry_run: bool = False

    def __str__(self) -> str:
        return ", ".join(f"{count} {name}" for name, count in self.counts.items())

    def report(self) -> list[str]:
        """Return one line per table that changed, then one per conflict, for the CLI."""
        lines = [
            f"{table}: {len(c.added)} added, {len(c.changed)} changed, {len(c.removed)} removed"
            for table, c in self.changes.items()
            if c
        ] or ["no change"]
        lines += [f"kept curated: {conflict}" for conflict in self.conflicts]
        return lines


def check_tables(tables: dict[str, list[Row]]) -> list[DataIssue]:
    """Return every defect of ``tables``: their cells and the rules across rows.

    Each defect names the table as its file and the row's position (from 2, under the
    header) as its line.
    """
    schemas = registry_schemas()
    issues: list[DataIssue] = []
    for name, rows in tables.items():
        fields = {spec["name"]: spec for spec in schemas.get(name, {}).get("fields", [])}
        for line, row in enumerate(rows, start=2):
            row["_line"] = str(line)
            for column, spec in fields.items():
                problem = check_cell(row.get(column, ""), spec)
                if problem:
                    issues.append(DataIssue(name, line, column, "invalid_cell", problem))
    issues += check_consistency(
        {n: rows for n, rows in tables.items() if n != "states"},
        {n: n for n in tables},
        today=bundled_created(),
    )
    for rows in tables.values():
        for row in rows:
            row.pop("_line", None)
    return sorted(issues)


@transaction.atomic
def load_package(
    directory: Path | None = None, *, progress: Progress | None = None, dry_run: bool = False
) -> LoadSummary:
    """Check a data package and make the registry equal to it, in one transaction.

    Rows are matched on their keys (slugs, codes, ids) so that records elsewhere that
    point at an organization or a session keep pointing at it; rows absent from the
    package are removed. Approved corrections are laid over the package's rows first
    (``registry/curation_rows.py``): a load never undoes a curator's correction, and
    a bundled row that contradicts one is reported as a conflict.

    Args:
        dry_run: compute the same summary and write nothing (the transaction is rolled
            back).

    Raises:
        PackageError: the package has defects, or the corrections laid over it make
            one; nothing is written.
    """
    package = read_package(directory)
    tables = {name: [dict(row) for row in rows] for name, rows in package.tables.items()}
    tables["sources"] = tables.get("sources", []) + tables.pop("sources_activity", [])
    corrections = approved_corrections()
    conflicts = overlay(tables, corrections)
    if corrections:
        issues = check_tables(tables)
        if issues:
            raise PackageError(
                [
                    DataIssue(
                        i.file,
                        i.line,
                        i.field,
                        i.code,
                        f"with the curated corrections: {i.message}",
                    )
                    for i in issues
                ]
            )
    before = registry_tables()
    write_tables(tables, progress or (lambda _message: None))
    changes = diff_tables(before, registry_tables())
    summary = LoadSummary(
        counts={
            "organizations": Organization.objects.count(),
            "states": State.objects.count(),
            "memberships": Membership.objects.count(),
            "relations": Relation.objects.count(),
            "functions": Function.objects.count(),
            "mandates": Mandate.objects.count(),
            "forums": Forum.objects.count(),
            "sessions": ForumSession.objects.count(),
            "engagements": Engagement.objects.count(),
            "sources": Source.objects.count(),
        },
        changes=changes,
        conflicts=conflicts,
        dry_run=dry_run,
    )
    if dry_run:
        transaction.set_rollback(True)
    else:
        logger.info("registry loaded: %s", summary)
    return summary


def apply_corrections(corrections: list[CorrectionRows]) -> list[Conflict]:
    """Lay ``corrections`` over the registry as it is and write the result.

    Runs in the caller's transaction. Returns the conflicts: rows that are no longer
    what a correction found when it was proposed.

    Raises:
        PackageError: the corrected registry would break a rule; nothing is written.
    """
    tables = registry_tables()
    tables.pop("states")
    conflicts = overlay(tables, corrections)
    if conflicts:
        return conflicts
    issues = check_tables(tables)
    if issues:
        raise PackageError(issues)
    write_tables(tables, lambda _message: None)
    return []

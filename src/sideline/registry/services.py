"""Writes to the registry: loading a data package (with the curated corrections laid over
it), applying corrections, and exporting the registry as a package."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from sideline.registry.curation_rows import (
    Conflict,
    CorrectionRows,
    TableChanges,
    diff_tables,
    overlay,
)
from sideline.registry.dates import PartialDate
from sideline.registry.enums import CorrectionStatus
from sideline.registry.models import (
    Correction,
    Engagement,
    Forum,
    ForumSession,
    Function,
    Mandate,
    Membership,
    Organization,
    Pillar,
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
    state_names,
)
from sideline.registry.package_rules import check_consistency, referenced_states
from sideline.registry.package_tables import Row, check_cell

__all__ = [
    "LoadSummary",
    "apply_corrections",
    "approved_corrections",
    "check_tables",
    "correction_rows",
    "curated_source_row",
    "export_package",
    "load_package",
    "registry_tables",
]

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


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


def _first_day(text: str) -> date | None:
    return PartialDate.parse(text).first_day if text else None


def approved_corrections() -> list[CorrectionRows]:
    """Return the approved corrections as rows, in the order they were approved."""
    return [
        correction_rows(c)
        for c in Correction.objects.filter(status=CorrectionStatus.APPROVED).order_by(
            "reviewed_at", "pk"
        )
    ]


def correction_rows(correction: Correction) -> CorrectionRows:
    """Return a correction as the rows the overlay lays down, with its source row."""
    return CorrectionRows(
        number=correction.pk,
        table=correction.table,
        action=correction.action,
        before=correction.before,
        after=correction.after,
        source_row=curated_source_row(correction),
    )


def curated_source_row(correction: Correction) -> dict[str, str]:
    """Return the ``sources`` row that the correction's citation becomes."""
    citation = correction.citation
    is_url = citation.startswith(("http://", "https://"))
    return {
        "id": correction.source_key,
        "title": citation,
        "publisher": "Sideline curation",
        # A citation without an address points at the correction's own page.
        "url": citation if is_url else f"/corrections/{correction.pk}/",
        "accessed": correction.proposed_at.date().isoformat(),
        "note": correction.reason,
    }


def registry_tables() -> dict[str, list[Row]]:
    """Return the registry's rows as the data package writes them, states included."""
    tables = _export_rows()
    tables["states"] = [
        {
            "code": s.code,
            "name_en": s.name_en,
            "name_ru": s.name_ru,
            "historical": str(s.historical),
        }
        for s in State.objects.order_by("code")
    ]
    return tables


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
    _write_tables(tables, progress or (lambda _message: None))
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
    _write_tables(tables, lambda _message: None)
    return []


def _write_tables(tables: dict[str, list[Row]], say: Progress) -> None:
    """Make the registry's tables equal to ``tables`` (package rows, checked)."""

    def rows(name: str) -> list[Row]:
        return tables.get(name, [])

    say("sources")
    sources = _upsert(
        Source,
        "key",
        {
            row["id"]: {
                "title": row["title"],
                "publisher": row["publisher"],
                "url": row["url"],
                "accessed": date.fromisoformat(row["accessed"]) if row["accessed"] else None,
                "note": row["note"],
            }
            for name in ("sources", "sources_activity")
            for row in rows(name)
        },
        prune=False,
    )
    say("states")
    states = _upsert(State, "code", _state_rows(tables), prune=False)
    say("organizations")
    _upsert(
        Pillar,
        "slug",
        {
            row["slug"]: {"name_en": row["name_en"], "name_ru": row["name_ru"]}
            for row in rows("pillars")
        },
    )
    organizations = _upsert(
        Organization,
        "slug",
        {
            row["slug"]: {
                "abbreviation_en": row["abbreviation_en"],
                "abbreviation_ru": row["abbreviation_ru"],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "founded": row["founded"],
                "dissolved": row["dissolved"],
                "headquarters": row["headquarters"],
                "bloc": row["bloc"],
                "pillars": row["pillars"],
                "url": row["url"],
                "source": sources[row["source"]],
            }
            for row in rows("organizations")
        },
    )
    for row in rows("organizations"):
        successor = organizations.get(row["successor"]) if row["successor"] else None
        Organization.objects.filter(pk=organizations[row["slug"]].pk).update(successor=successor)

    say("memberships")
    Membership.objects.all().delete()
    Membership.objects.bulk_create(
        Membership(
            organization=organizations[row["organization"]],
            state=states[row["state"]] if row["state"] else None,
            participant_organization=(
                organizations[row["participant_organization"]]
                if row["participant_organization"]
                else None
            ),
            status=row["status"],
            start=row["start"],
            end=row["end"],
            start_date=PartialDate.parse(row["start"]).first_day,
            end_date=_first_day(row["end"]),
            source=sources[row["source"]],
            note=row["note"],
        )
        for row in rows("memberships")
    )
    say("relations")
    Relation.objects.all().delete()
    Relation.objects.bulk_create(
        Relation(
            key=row["id"],
            organization=organizations[row["organization"]],
            counterpart=organizations[row["counterpart"]],
            kind=row["kind"],
            title=row["title"],
            signed=row["signed"],
            in_force=row["in_force"],
            ended=row["ended"],
            start_date=PartialDate.parse(row["in_force"] or row["signed"]).first_day,
            end_date=_first_day(row["ended"]),
            reference=row["reference"],
            source=sources[row["source"]],
            note=row["note"],
        )
        for row in rows("relations")
    )
    say("mandates")
    functions = _upsert(
        Function,
        "slug",
        {
            row["slug"]: {
                key: row[key] for key in ("name_en", "name_ru", "description_en", "description_ru")
            }
            for row in rows("functions")
        },
    )
    Mandate.objects.all().delete()
    Mandate.objects.bulk_create(
        Mandate(
            organization=organizations[row["organization"]],
            function=functions[row["function"]],
            weight=row["weight"],
            basis=row["basis"],
            source=sources[row["source"]],
        )
        for row in rows("mandates")
    )
    say("forums")
    forums = _upsert(
        Forum,
        "slug",
        {
            row["slug"]: {
                "organization": organizations[row["organization"]],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "level": row["level"],
                "rrule": row["rrule"],
                "dtstart": date.fromisoformat(row["dtstart"]),
                "duration_days": int(row["duration_days"]),
                "timezone": row["timezone"],
                "source": sources[row["source"]],
            }
            for row in rows("forums")
        },
    )
    sessions = _upsert(
        ForumSession,
        "key",
        {
            row["id"]: {
                "forum": forums[row["forum"]],
                "start": date.fromisoformat(row["start"]),
                "end": date.fromisoformat(row["end"]),
                "city": row["city"],
                "country": states[row["country"]],
                "timezone": row["timezone"],
                "status": row["status"],
                "source": sources[row["source"]],
            }
            for row in rows("sessions")
        },
    )
    for row in rows("sessions"):
        sessions[row["id"]].attendees.set(
            [organizations[slug] for slug in row["attendees"].split()]
        )
    say("engagements")
    _upsert(
        Engagement,
        "key",
        {
            row["id"]: {
                "state": states[row["state"]],
                "date": row["date"],
                "end": row["end"],
                "kind": row["kind"],
                "title_en": row["title_en"],
                "title_ru": row["title_ru"],
                "pillars": row["pillars"],
                "category": row["category"],
                "weight": float(row["weight"]) if row["weight"] else 1.0,
                "source": sources[row["source"]],
            }
            for row in rows("engagements")
        },
    )


def _state_rows(tables: dict[str, list[Row]]) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for code in referenced_states(tables):
        names = state_names(code)
        assert names is not None  # read_package refused unknown codes.
        rows[code] = {"name_en": names[0], "name_ru": names[1], "historical": names[2]}
    return rows


def _upsert(
    model: Any, key: str, rows: dict[str, dict[str, Any]], *, prune: bool = True
) -> dict[str, Any]:
    """Make the table hold ``rows`` (keyed on ``key``), returning the instances by key."""
    existing = {getattr(obj, key): obj for obj in model.objects.all()}
    result: dict[str, Any] = {}
    to_create = []
    to_update = []
    for value, fields in rows.items():
        obj = existing.get(value)
        if obj is None:
            obj = model(**{key: value}, **fields)
            to_create.append(obj)
        else:
            changed = False
            for name, new in fields.items():
                if getattr(obj, name) != new:
                    setattr(obj, name, new)
                    changed = True
            if changed:
                to_update.append(obj)
        result[value] = obj
    model.objects.bulk_create(to_create)
    if to_update:
        field_names = sorted({name for fields in rows.values() for name in fields})
        model.objects.bulk_update(to_update, field_names)
    if prune:
        stale = [value for value in existing if value not in rows]
        if stale:
            model.objects.filter(**{f"{key}__in": stale}).delete()
    return result


def _export_rows() -> dict[str, list[dict[str, str]]]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    sources = [
        {
            "id": s.key,
            "title": s.title,
            "publisher": s.publisher,
            "url": s.url,
            "accessed": text(s.accessed),
            "note": s.note,
        }
        for s in Source.objects.order_by("key")
    ]
    return {
        "sources": sources,
        "sources_activity": [],
        "organizations": [
            {
                "slug": o.slug,
                "abbreviation_en": o.abbreviation_en,
                "abbreviation_ru": o.abbreviation_ru,
                "name_en": o.name_en,
                "name_ru": o.name_ru,
                "founded": o.founded,
                "dissolved": o.dissolved,
                "successor": o.successor.slug if o.successor else "",
                "headquarters": o.headquarters,
                "bloc": o.bloc,
                "pillars": o.pillars,
                "url": o.url,
                "source": o.source.key,
            }
            for o in Organization.objects.select_related("successor", "source").order_by("slug")
        ],
        "memberships": [
            {
                "organization": m.organization.slug,
                "state": m.state.code if m.state else "",
                "participant_organization": (
                    m.participant_organization.slug if m.participant_organization else ""
                ),
                "status": m.status,
                "start": m.start,
                "end": m.end,
                "source": m.source.key,
                "note": m.note,
            }
            for m in Membership.objects.select_related(
                "organization", "state", "participant_organization", "source"
            ).order_by(
                "organization__slug",
                "state__code",
                "participant_organization__slug",
                "start_date",
                "status",
            )
        ],
        "relations": [
            {
                "id": r.key,
                "organization": r.organization.slug,
                "counterpart": r.counterpart.slug,
                "kind": r.kind,
                "title": r.title,
                "signed": r.signed,
                "in_force": r.in_force,
                "ended": r.ended,
                "reference": r.reference,
                "source": r.source.key,
                "note": r.note,
            }
            for r in Relation.objects.select_related(
                "organization", "counterpart", "source"
            ).order_by("start_date", "key")
        ],
        "pillars": [
            {"slug": p.slug, "name_en": p.name_en, "name_ru": p.name_ru}
            for p in Pillar.objects.order_by("slug")
        ],
        "functions": [
            {
                "slug": f.slug,
                "name_en": f.name_en,
                "name_ru": f.name_ru,
                "description_en": f.description_en,
                "description_ru": f.description_ru,
            }
            for f in Function.objects.order_by("slug")
        ],
        "mandates": [
            {
                "organization": m.organization.slug,
                "function": m.function.slug,
                "weight": m.weight,
                "basis": m.basis,
                "source": m.source.key,
            }
            for m in Mandate.objects.select_related("organization", "function", "source").order_by(
                "organization__slug", "function__slug"
            )
        ],
        "forums": [
            {
                "slug": f.slug,
                "organization": f.organization.slug,
                "name_en": f.name_en,
                "name_ru": f.name_ru,
                "level": f.level,
                "rrule": f.rrule,
                "dtstart": f.dtstart.isoformat(),
                "duration_days": str(f.duration_days),
                "timezone": f.timezone,
                "source": f.source.key,
            }
            for f in Forum.objects.select_related("organization", "source").order_by("slug")
        ],
        "sessions": [
            {
                "id": s.key,
                "forum": s.forum.slug,
                "start": s.start.isoformat(),
                "end": s.end.isoformat(),
                "city": s.city,
                "country": s.country.code,
                "timezone": s.timezone,
                "attendees": " ".join(sorted(o.slug for o in s.attendees.all())),
                "status": s.status,
                "source": s.source.key,
            }
            for s in ForumSession.objects.select_related("forum", "country", "source")
            .prefetch_related("attendees")
            .order_by("start", "key")
        ],
        "engagements": [
            {
                "id": e.key,
                "state": e.state.code,
                "date": e.date,
                "end": e.end,
                "kind": e.kind,
                "title_en": e.title_en,
                "title_ru": e.title_ru,
                "pillars": e.pillars,
                "category": e.category,
                "weight": f"{e.weight:g}",
                "source": e.source.key,
            }
            for e in Engagement.objects.select_related("state", "source").order_by(
                "state__code", "date", "key"
            )
        ],
    }


def _json_value(value: str, kind: str) -> str | int | float | None:
    """Type a cell as Frictionless reads a JSON table: numbers as numbers, empty as null."""
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return value


def export_package(directory: Path, *, fmt: str = "csv") -> dict[str, int]:
    """Write the registry as a data package (CSV or JSON resources) into ``directory``.

    All sources go to ``sources``; the package's split of sources into two files is
    an authoring convenience that an export need not keep. A JSON table is a list of
    rows whose first row is the header, so that an empty table still names its
    columns (Frictionless cannot read an empty list of objects).

    Returns:
        The number of rows written per resource.

    Raises:
        OSError: the folder or a file cannot be written.
    """
    from sideline.registry.package import BUNDLED_PACKAGE

    descriptor = json.loads((BUNDLED_PACKAGE / "datapackage.json").read_text(encoding="utf-8"))
    tables = _export_rows()
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for resource in descriptor["resources"]:
        rows = tables[resource["name"]]
        fields = resource["schema"]["fields"]
        columns = [spec["name"] for spec in fields]
        if fmt == "json":
            resource["path"] = f"{resource['name']}.json"
            resource["format"] = "json"
            resource["mediatype"] = "application/json"
            kinds = [spec.get("type", "string") for spec in fields]
            table = [columns] + [
                [
                    _json_value(str(row[column]), kind)
                    for column, kind in zip(columns, kinds, strict=True)
                ]
                for row in rows
            ]
            (directory / resource["path"]).write_text(
                json.dumps(table, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
        else:
            with (directory / resource["path"]).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
        counts[resource["name"]] = len(rows)
    (directory / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return counts

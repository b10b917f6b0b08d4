"""The registry as a data package: its rows as the package writes them, and the export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sideline.registry.models import (
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
from sideline.registry.package_tables import Row

__all__ = ["export_package", "registry_tables"]


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

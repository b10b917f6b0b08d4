"""Reads of curation: the facts a curator may correct, proposals waiting for review."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet

from sideline.registry.curation_rows import TABLES, changed_columns, key_text, row_key
from sideline.registry.enums import CorrectionStatus
from sideline.registry.models import Correction
from sideline.registry.services import registry_tables

__all__ = [
    "diff_rows",
    "organization_facts",
    "pending_corrections",
    "propose_query",
    "reviewed_corrections",
]


def propose_query(table: str, row: dict[str, str]) -> str:
    """Return the query string that names ``row`` on the proposal form."""
    return urlencode(dict(zip(TABLES[table].key, row_key(table, row), strict=True)))


def organization_facts(slug: str) -> dict[str, list[tuple[str, str, str]]]:
    """Return, per table, the rows about the organization: (fact, query, values)."""
    tables = registry_tables()
    forums = {row["slug"] for row in tables["forums"] if row["organization"] == slug}
    chosen = {
        "organizations": [r for r in tables["organizations"] if r["slug"] == slug],
        "memberships": [r for r in tables["memberships"] if r["organization"] == slug],
        "mandates": [r for r in tables["mandates"] if r["organization"] == slug],
        "forums": [r for r in tables["forums"] if r["slug"] in forums],
        "sessions": [r for r in tables["sessions"] if r["forum"] in forums],
    }
    return {
        table: [
            (key_text(table, row), propose_query(table, row), _summary(table, row)) for row in rows
        ]
        for table, rows in chosen.items()
    }


def pending_corrections() -> QuerySet[Correction]:
    return Correction.objects.filter(status=CorrectionStatus.PROPOSED).select_related("proposed_by")


def reviewed_corrections(limit: int = 50) -> QuerySet[Correction]:
    return (
        Correction.objects.exclude(status=CorrectionStatus.PROPOSED)
        .select_related("proposed_by", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def diff_rows(correction: Correction) -> list[tuple[str, str, str]]:
    """Return (column, before, after) for each column the correction changes."""
    return [
        (column, correction.before.get(column, ""), correction.after.get(column, ""))
        for column in changed_columns(correction.before, correction.after)
    ]


def _summary(table: str, row: dict[str, str]) -> str:
    text = " · ".join(row[c] for c in TABLES[table].editable if row.get(c))
    return text if len(text) <= 160 else text[:159] + "…"

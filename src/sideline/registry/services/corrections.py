"""The approved corrections as the rows the loader lays over a package."""

from __future__ import annotations

from sideline.registry.curation_rows import CorrectionRows
from sideline.registry.enums import CorrectionStatus
from sideline.registry.models import Correction

__all__ = ["approved_corrections", "correction_rows", "curated_source_row"]


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

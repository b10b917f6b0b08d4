"""Keep what peers did wrong, with its evidence, for the operator and the record pages.

One row per peer, organization and code (:class:`~sideline.record.models.PeerIncident`),
counted and dated each time it is seen again. Transient codes are resolved by the next
clean pull of that log; the others prove hostility with signed evidence and stay open
until an operator resolves them (``sideline federation resolve``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from sideline.record.models import Peer, PeerIncident

if TYPE_CHECKING:
    from sideline.record.sync import SyncReport

__all__ = [
    "EVIDENCE_MAX_BYTES",
    "HOSTILE",
    "TRANSIENT",
    "note_incident",
    "open_incidents",
    "record_incidents",
    "resolve_incidents",
]

# A peer does not answer, sends garbage, or stopped listing a log: may be an outage.
TRANSIENT = frozenset({"unanswered", "unreadable", "withheld_log"})
# Shown by signed evidence (or by the peer's own list of logs): never an outage.
HOSTILE = frozenset(
    {
        "fork",
        "split_view",
        "rollback",
        "bad_signature",
        "not_entitled",
        "withheld_entries",
        "own_origin",
        "origin_collision",
    }
)
# Evidence is signed notes and the odd entry: a hostile peer must not fill the disk.
EVIDENCE_MAX_BYTES = 256 * 1024


def note_incident(
    peer: Peer, *, organization: str, code: str, message: str, evidence: bytes = b""
) -> PeerIncident:
    """Record that ``peer`` did ``code`` (again); reopen it if it was resolved."""
    evidence = evidence[:EVIDENCE_MAX_BYTES]
    message = message[:2000]
    with transaction.atomic():
        incident, created = PeerIncident.objects.select_for_update().get_or_create(
            peer=peer,
            organization=organization,
            code=code,
            defaults={"message": message, "evidence": evidence},
        )
        if not created:
            incident.message = message
            # The first evidence is kept: it is what the peer signed when first caught.
            if not incident.evidence and evidence:
                incident.evidence = evidence
            incident.count = F("count") + 1
            incident.resolved_at = None
            incident.save()
    return incident


def resolve_incidents(
    peer: Peer, *, organization: str | None = None, codes: frozenset[str] | None = None
) -> int:
    """Mark the open incidents of ``peer`` (of one organization, of some codes) resolved."""
    incidents = PeerIncident.objects.filter(peer=peer, resolved_at__isnull=True)
    if organization is not None:
        incidents = incidents.filter(organization=organization)
    if codes is not None:
        incidents = incidents.filter(code__in=codes)
    return incidents.update(resolved_at=timezone.now())


def record_incidents(peer: Peer, report: SyncReport) -> None:
    """Keep the incidents a sync found; resolve the transient ones of logs read cleanly."""
    seen = {(i.organization, i.code) for i in report.incidents}
    for incident in report.incidents:
        note_incident(
            peer,
            organization=incident.organization,
            code=incident.code,
            message=incident.message,
            evidence=incident.evidence,
        )
    for slug in report.clean:
        codes = frozenset(c for c in TRANSIENT if (slug, c) not in seen)
        resolve_incidents(peer, organization=slug, codes=codes)


def open_incidents() -> QuerySet[PeerIncident]:
    """Return the incidents not resolved, newest first, with their peers."""
    return PeerIncident.objects.filter(resolved_at__isnull=True).select_related("peer")

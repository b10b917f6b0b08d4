"""The federation of this node: join peers, pull from them, say how each one fares.

The peers and the keys pinned for them live in the federation file
(:mod:`sideline.record.federation_file`); what happened with each lives in the
database (:class:`PeerState`, :class:`PeerIncident`, the replicas). ``sideline
federation`` and the follower (:mod:`sideline.record.follower`) both go through here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from sideline.node import hosted_organizations
from sideline.record.federation_file import (
    Federation,
    FederationPeer,
    load_federation,
    save_federation,
)
from sideline.record.incidents import HOSTILE, note_incident, open_incidents, resolve_incidents
from sideline.record.mirror import peer_client, read_peer_logs
from sideline.record.models import Peer, PeerState, PushHint, Replica
from sideline.record.selectors import replica_alerts
from sideline.record.sync import SyncReport, describe_waiting_keys, sync_peer
from sideline.record.transport import PeerError

__all__ = [
    "JoinResult",
    "LogLag",
    "PeerStatus",
    "federation_path",
    "join_peer",
    "load",
    "peer_status",
    "pull_peer",
]

logger = logging.getLogger(__name__)


def federation_path() -> Path:
    """Return the federation file's path: ``SIDELINE_FEDERATION_FILE`` or the data dir's."""
    configured: Path | None = settings.FEDERATION.file
    return configured if configured is not None else Path(settings.DATA_DIR) / "federation.json"


def load() -> Federation:
    """Return the federation file's content (no peers when there is no file).

    Raises:
        FederationFileError: the file is not a federation file.
    """
    return load_federation(federation_path())


def _canonical(jwk: object) -> str:
    return json.dumps(jwk, sort_keys=True, separators=(",", ":"))


def _for_sync(entry: FederationPeer) -> FederationPeer:
    """Return ``entry`` with its encryption keys as the strings replicas compare."""
    organizations = {
        slug: {**keys, "encryption_keys": [_canonical(k) for k in keys["encryption_keys"]]}
        for slug, keys in entry.organizations.items()
    }
    return replace(entry, organizations=organizations)


def _pinned(replica: Replica) -> dict[str, list[object]]:
    return {
        "log_keys": list(replica.log_keys),
        "organization_keys": list(replica.entry_keys),
        "witness_keys": list(replica.witness_keys),
        "encryption_keys": [json.loads(k) for k in replica.encryption_keys],
    }


@dataclass
class JoinResult:
    url: str
    organizations: list[str]
    report: SyncReport
    refused: list[str] = field(default_factory=list)


def join_peer(*, url: str) -> JoinResult:
    """Add the node at ``url`` to the federation file, pinning what it publishes; pull it.

    The operator's ``join`` is the trust on first use: the keys published now are
    written to the file (``federation peers`` prints them for checking with the peer's
    operator). A peer joined again keeps the keys pinned before; organizations it now
    publishes are added with their keys. A log under an organization this node hosts
    is never joined.

    Raises:
        PeerError: ``url`` is not a node's URL, or its list of logs cannot be read.
        FederationFileError: the federation file cannot be read.
    """
    client = peer_client(url)
    logs = read_peer_logs(client)
    hosted = hosted_organizations()
    federation = load()
    entry = federation.peer(client.base)
    if entry is None:
        entry = FederationPeer(url=client.base)
        federation.peers.append(entry)
    refused = []
    for info in logs:
        slug = info["organization"]
        if slug in hosted:
            refused.append(slug)
            continue
        if slug not in entry.organizations:
            entry.organizations[slug] = {
                "log_keys": list(info["log_keys"]),
                "organization_keys": list(info["organization_keys"]),
                "witness_keys": list(info["witness_keys"]),
                "encryption_keys": list(info["encryption_keys"]),
            }
    save_federation(federation_path(), federation)
    peer, _ = Peer.objects.get_or_create(url=client.base)
    for slug in entry.organizations:
        # The operator has now entitled it: no longer an incident.
        resolve_incidents(peer, organization=slug, codes=frozenset({"not_entitled"}))
    report = pull_peer(entry)
    return JoinResult(client.base, sorted(entry.organizations), report, refused)


def pull_peer(entry: FederationPeer, *, accept_keys: bool = False) -> SyncReport:
    """Pull every log ``entry`` is entitled to; keep how it went in :class:`PeerState`.

    A peer that cannot be read at all is an ``unanswered`` incident (resolved by the
    next pull that reads it). With ``accept_keys`` the keys approved are written back
    to the federation file.
    """
    now = timezone.now()
    peer, _ = Peer.objects.get_or_create(url=entry.url)
    state, _ = PeerState.objects.get_or_create(peer=peer)
    state.last_attempt = now
    try:
        report = sync_peer(url=entry.url, accept_keys=accept_keys, federation=_for_sync(entry))
    except PeerError as exc:
        state.failures += 1
        state.last_error = str(exc)[:2000]
        state.save()
        note_incident(peer, organization="", code="unanswered", message=str(exc))
        report = SyncReport(failures=[str(exc)])
        return report
    resolve_incidents(peer, organization="", codes=frozenset({"unanswered"}))
    if report.failures:
        state.failures += 1
        state.last_error = "; ".join(report.failures)[:2000]
    else:
        state.failures, state.last_error, state.last_success = 0, "", now
    state.save()
    if accept_keys:
        _write_back_keys(entry.url)
    return report


def _write_back_keys(url: str) -> None:
    """Write the keys approved here for ``url``'s logs into the federation file."""
    federation = load()
    entry = federation.peer(url)
    if entry is None:
        return
    for replica in Replica.objects.filter(peer__url=url):
        if replica.organization in entry.organizations:
            entry.organizations[replica.organization] = _pinned(replica)
    save_federation(federation_path(), federation)


@dataclass(frozen=True)
class LogLag:
    """One peer log as this node holds it against what the peer last claimed."""

    organization: str
    size: int
    claimed: int
    state: str

    @property
    def lag(self) -> int:
        return max(0, self.claimed - self.size)


@dataclass
class PeerStatus:
    url: str
    organizations: list[str]
    logs: list[LogLag]
    last_success: datetime | None
    last_error: str
    problems: list[str]

    @property
    def failing(self) -> bool:
        return bool(self.problems)


def _log_lags(peer: Peer | None, entry: FederationPeer, now: datetime) -> list[LogLag]:
    replicas = {r.organization: r for r in Replica.objects.filter(peer=peer)} if peer else {}
    hints = {h.replica_id: h.size for h in PushHint.objects.filter(replica__in=replicas.values())}
    lags = []
    for slug in sorted(entry.organizations):
        replica = replicas.get(slug)
        if replica is None:
            lags.append(LogLag(slug, 0, 0, "never pulled"))
            continue
        claimed = max(replica.size, replica.served_size or 0, hints.get(replica.pk, 0))
        if replica.refused:
            state = f"REFUSED: {replica.problem}"
        elif not replica.trusted:
            state = f"UNTRUSTED: {replica.problem}"
        else:
            state = "trusted"
        for alert in replica_alerts(replica, now=now) if replica.trusted else []:
            state += f", ALERT: {alert}"
        if replica.pending_keys and replica.trusted:
            state += f", key(s) waiting for approval: {describe_waiting_keys(replica)}"
        lags.append(LogLag(slug, replica.size, claimed, state))
    return lags


def peer_status(*, now: datetime | None = None) -> list[PeerStatus]:
    """Return how each peer of the federation file fares; ``problems`` fail the status.

    A peer fails when one of its logs is forked, refused or untrusted, rolled back or
    frozen, has keys waiting for approval, when it has not been pulled successfully for
    ``SIDELINE_FEDERATION_STALE_AFTER`` seconds (stale), or when it has an open
    incident that signed evidence proves (fork, split view, rollback, withheld
    entries, a key it is not entitled to …).
    """
    now = now or timezone.now()
    stale_after = timedelta(seconds=settings.FEDERATION.stale_after)
    incidents = list(open_incidents())
    result = []
    for entry in load().peers:
        peer = Peer.objects.filter(url=entry.url).first()
        state = PeerState.objects.filter(peer=peer).first() if peer else None
        lags = _log_lags(peer, entry, now)
        problems = []
        last_success = state.last_success if state else None
        if last_success is None or now - last_success > stale_after:
            since = f"since {last_success:%Y-%m-%d %H:%M:%S} UTC" if last_success else "ever"
            problems.append(
                f"stale: not pulled successfully {since} (SIDELINE_FEDERATION_STALE_AFTER "
                f"{settings.FEDERATION.stale_after:g} s)"
                + (f"; last error: {state.last_error}" if state and state.last_error else "")
            )
        for lag in lags:
            if lag.state != "trusted":
                problems.append(f"{lag.organization}: {lag.state}")
        for incident in incidents:
            if incident.peer_id == (peer.pk if peer else None) and incident.code in HOSTILE:
                problems.append(
                    f"{incident.code} {incident.organization}: {incident.message} "
                    f"(seen {incident.count}×, evidence kept)"
                )
        result.append(
            PeerStatus(
                url=entry.url,
                organizations=sorted(entry.organizations),
                logs=lags,
                last_success=last_success,
                last_error=state.last_error if state else "",
                problems=list(dict.fromkeys(problems)),
            )
        )
    return result

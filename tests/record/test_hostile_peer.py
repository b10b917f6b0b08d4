"""Attacks by a peer, served by the test itself (tests/record/fake_peer.py): a log
under this node's own origin, made-up witnesses, rollback, freeze, garbage tiles,
oversized and slow bodies, paths as organization names, malformed peer URLs."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from sideline.record.checkpoint import count_cosignatures
from sideline.record.models import Log, Peer, Replica, WitnessState
from sideline.record.selectors import (
    checkpoint_bytes,
    latest_checkpoint,
    quorum_for,
    witness_owners,
    witness_verifiers,
)
from sideline.record.services import (
    add_checkpoint,
    append_entry,
    rotate_key,
    witness_round,
)
from sideline.record.sync import sync_peer, verify_source
from tests.record.fake_peer import FakeLog, FakePeer, dribble, endless


@pytest.fixture
def peer() -> Iterator[FakePeer]:
    server = FakePeer()
    yield server
    server.close()


@pytest.fixture
def node(minimal_registry: Path) -> dict[str, Log]:
    """This node: NATO and CSTO logs, witnessed by each other."""
    for i in range(2):
        append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{i}")
    append_entry(organization="csto", kind="meeting.created", subject="meeting/9")
    witness_round()
    return {log.slug: log for log in Log.objects.select_related("organization")}


def _record(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("record", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _failing(*args: str) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("record", *args, stdout=StringIO(), stderr=err)
    return caught.value, err.getvalue()


# -- 1. a log under this node's own origin ---------------------------------------------


def test_sync_of_a_peer_publishing_our_origin_refuses_it_and_cosigns_nothing(
    node: dict[str, Log], peer: FakePeer, client: Client
) -> None:
    nato = node["nato"]
    forged = FakeLog("nato", nato.origin, entries=7)
    peer.serve(forged)
    states = list(WitnessState.objects.values_list("witness_id", "origin", "size"))

    error, stderr = _failing("sync", peer.url)
    after_sync = list(WitnessState.objects.values_list("witness_id", "origin", "size"))
    status, _ = _failing("status")
    append_entry(organization="nato", kind="meeting.created", subject="meeting/3")
    after = witness_round()
    page = client.get("/record/").content.decode()

    assert str(error) == "1 ALERT(s) about this peer (see above)"
    assert (
        f"nato: {peer.url} publishes a log under {nato.origin}, the origin of nato's log "
        "hosted here; refused: nothing of it is read, pinned or cosigned"
    ) in stderr
    assert after_sync == states
    assert Replica.objects.get().log_keys == []
    assert "refused for their origin" in str(status)
    assert after.refused == []
    assert "nato" in after.accepted
    assert nato.origin in page
    assert peer.url in page


def test_a_witness_here_never_cosigns_a_peer_checkpoint_of_a_log_hosted_here(
    node: dict[str, Log], peer: FakePeer
) -> None:
    # A replica pinned by older code under our own origin, still marked trusted.
    nato = node["nato"]
    forged = FakeLog("nato", nato.origin, entries=9)
    Replica.objects.create(
        peer=Peer.objects.create(url=peer.url),
        organization="nato",
        origin=nato.origin,
        log_keys=[forged.log_vkey],
        root_hash=b"\0" * 32,
    )
    body = b"old 0\n\n" + forged.checkpoint(9)

    response = add_checkpoint(witness="csto", body=body)

    assert (response.status, response.code) == (403, "no_verified_signature")


# -- 2. witness quorum -----------------------------------------------------------------


def _outside_count(client: Client, tmp_path: Path, slug: str) -> int:
    """Count the cosignatures of ``slug``'s checkpoint as an outside verifier does,
    from what the node serves (a mirror folder written from its own responses)."""
    (tmp_path / "logs.json").write_bytes(client.get("/record/logs").content)
    folder = tmp_path / slug
    folder.mkdir()
    (folder / "checkpoint").write_bytes(client.get(f"/record/{slug}/checkpoint").content)
    report = {v.organization: v.report for v in verify_source(str(tmp_path), quorum=0)}[slug]
    assert report.cosignatures is not None
    return len(report.cosignatures.owners)


def test_witness_keys_published_by_a_peer_never_count_toward_quorum(
    node: dict[str, Log], peer: FakePeer, client: Client, tmp_path: Path, settings: object
) -> None:
    made_up = [FakeLog(f"w{i}", f"evil.example/record/w{i}", entries=1) for i in range(4)]
    peer.serve(*made_up)
    sync_peer(url=peer.url)
    checkpoint = latest_checkpoint(node["nato"])
    assert checkpoint is not None
    text = checkpoint_bytes(checkpoint).decode().split("\n\n")[0] + "\n"
    from sideline.record.checkpoint import parse_checkpoint_text

    body = parse_checkpoint_text(text)
    lines = "".join(log.cosigner.cosign(body, timestamp=1).line() for log in made_up)

    pushed = client.post(
        "/record/nato/cosignatures",
        data=checkpoint_bytes(checkpoint) + lines.encode(),
        content_type="text/plain",
    )
    checkpoint.refresh_from_db()
    local = count_cosignatures(
        checkpoint_bytes(checkpoint),
        witnesses=witness_verifiers(node["nato"]),
        quorum=quorum_for(node["nato"]),
        owners=witness_owners(node["nato"]),
    )

    assert pushed.status_code == 403
    assert Replica.objects.filter(witness_keys=[]).count() == 4
    assert len(local.owners) == _outside_count(client, tmp_path, "nato") == 1


def test_witness_keys_of_a_configured_organization_are_pinned_on_first_use(
    node: dict[str, Log], peer: FakePeer, settings: object
) -> None:
    peers = settings.RECORD_PEERS  # type: ignore[attr-defined]
    settings.RECORD_PEERS = dataclasses.replace(peers, witnesses=("sco",))  # type: ignore[attr-defined]
    sco, other = FakeLog("sco", "c.example/record/sco"), FakeLog("osce", "c.example/record/osce")
    peer.serve(sco, other)

    sync_peer(url=peer.url)

    replicas = {r.organization: r for r in Replica.objects.all()}
    assert replicas["sco"].witness_keys == [sco.witness_vkey]
    assert replicas["osce"].witness_keys == []
    assert replicas["osce"].pending_keys == {"witness_keys": [other.witness_vkey]}


def test_a_rotated_witness_key_counts_once_for_its_organization(
    node: dict[str, Log], settings: object
) -> None:
    settings.RECORD_QUORUM = 2  # type: ignore[attr-defined]
    append_entry(organization="nato", kind="meeting.created", subject="meeting/5")
    witness_round()  # csto's first key cosigns size 3
    rotate_key(organization="csto", purpose="witness")
    witness_round()  # csto's new key: the same checkpoint, now cosigned twice by csto
    checkpoint = latest_checkpoint(node["nato"])
    assert checkpoint is not None

    result = count_cosignatures(
        checkpoint_bytes(checkpoint),
        witnesses=witness_verifiers(node["nato"]),
        quorum=2,
        owners=witness_owners(node["nato"]),
    )

    assert (len(result.valid), result.owners, result.met) == (2, ("csto",), False)
    assert not checkpoint.accepted


# -- 3. rollback, freeze and garbage ---------------------------------------------------


def test_a_peer_serving_an_older_checkpoint_is_named_in_sync_and_status(
    node: dict[str, Log], peer: FakePeer
) -> None:
    log = FakeLog("sco", "c.example/record/sco", entries=5)
    peer.serve(log)
    sync_peer(url=peer.url)
    peer.serve(log, sizes={"sco": 3})

    error, stderr = _failing("sync", peer.url)
    status, _ = _failing("status")

    assert str(error) == "1 ALERT(s) about this peer (see above)"
    assert f"sco: {peer.url} served checkpoint 3 of c.example/record/sco, older than " in stderr
    assert "rolled back or frozen: c.example/record/sco @ " in str(status)
    assert Replica.objects.get().size == 5


def test_a_peer_serving_the_same_checkpoint_too_long_is_named(
    node: dict[str, Log], peer: FakePeer, settings: object
) -> None:
    peers = settings.RECORD_PEERS  # type: ignore[attr-defined]
    settings.RECORD_PEERS = dataclasses.replace(peers, stale_after_hours=24)  # type: ignore[attr-defined]
    peer.serve(FakeLog("sco", "c.example/record/sco"))
    sync_peer(url=peer.url)
    fresh = sync_peer(url=peer.url)
    Replica.objects.update(advanced_at=timezone.now() - timedelta(hours=25))

    frozen = sync_peer(url=peer.url)
    status, _ = _failing("status")

    assert fresh.alerts == []
    assert len(frozen.alerts) == 1
    assert "unchanged since" in frozen.alerts[0]
    assert "more than 24 hours (SIDELINE_RECORD_STALE_AFTER)" in frozen.alerts[0]
    assert "rolled back or frozen" in str(status)


def test_a_corrupted_tile_is_a_retryable_failure_not_a_fork(
    node: dict[str, Log], peer: FakePeer
) -> None:
    log = FakeLog("sco", "c.example/record/sco", entries=3)
    peer.serve(log)
    sync_peer(url=peer.url)
    log.append(2)
    peer.serve(log)
    tile = "/record/sco/tile/0/000.p/5"
    honest = peer.routes[tile]
    assert isinstance(honest, bytes)
    peer.routes[tile] = bytes(len(honest))  # zeros: the right length, the wrong hashes

    garbled = sync_peer(url=peer.url)
    peer.routes[tile] = honest
    retried = sync_peer(url=peer.url)

    replica = Replica.objects.get()
    assert garbled.forks == []
    assert len(garbled.failures) == 1
    assert "the tiles served do not give the root of checkpoint 5" in garbled.failures[0]
    assert (retried.forks, retried.failures, retried.new_entries) == ([], [], {"sco": 2})
    assert (replica.trusted, replica.size) == (True, 5)


def test_a_fork_needs_two_signed_inconsistent_checkpoints(
    node: dict[str, Log], peer: FakePeer
) -> None:
    log = FakeLog("sco", "c.example/record/sco", entries=3)
    peer.serve(log)
    sync_peer(url=peer.url)
    log.leaves[1] = FakeLog("sco", "c.example/record/sco", entries=1).leaves[0]
    log.append(2)
    peer.serve(log)

    report = sync_peer(url=peer.url)

    replica = Replica.objects.get()
    assert report.forks == ["sco"]
    assert not replica.trusted
    assert replica.checkpoints.filter(evidence=True).count() == 2


# -- 4. bounded reads ------------------------------------------------------------------


def test_an_endless_logs_list_is_cut_at_the_size_limit(
    node: dict[str, Log], peer: FakePeer, settings: object
) -> None:
    peers = settings.RECORD_PEERS  # type: ignore[attr-defined]
    settings.RECORD_PEERS = dataclasses.replace(peers, peer_max_bytes=100_000)  # type: ignore[attr-defined]
    peer.routes["/record/logs"] = endless

    error, _ = _failing("sync", peer.url)

    assert str(error) == (
        f"{peer.url}/record/logs: the answer is larger than the limit of 100000 bytes "
        "(SIDELINE_RECORD_PEER_MAX_BYTES)"
    )


def test_an_oversized_tile_is_refused_without_reading_it_all(
    node: dict[str, Log], peer: FakePeer
) -> None:
    log = FakeLog("sco", "c.example/record/sco", entries=3)
    peer.serve(log)
    sync_peer(url=peer.url)
    log.append(2)
    peer.serve(log)
    peer.routes["/record/sco/tile/0/000.p/5"] = endless

    report = sync_peer(url=peer.url)

    assert report.forks == []
    assert "the answer is larger than the limit of 8192 bytes" in report.failures[0]


def test_a_slow_peer_meets_the_total_deadline(
    node: dict[str, Log], peer: FakePeer, settings: object
) -> None:
    peers = settings.RECORD_PEERS  # type: ignore[attr-defined]
    settings.RECORD_PEERS = dataclasses.replace(peers, sync_deadline=0.3)  # type: ignore[attr-defined]
    peer.routes["/record/logs"] = dribble

    error, _ = _failing("sync", peer.url)

    assert str(error) == (
        f"{peer.url}/record/logs: the deadline of 0.3 s for this peer passed "
        "(SIDELINE_RECORD_SYNC_DEADLINE)"
    )


# -- 5. mirror confinement and origin collisions ---------------------------------------


@pytest.mark.parametrize("name", ["../x", "/etc", "..", "a/b", ".hidden"])
def test_mirror_refuses_an_organization_name_that_is_a_path(
    node: dict[str, Log], peer: FakePeer, tmp_path: Path, name: str
) -> None:
    log = FakeLog("sco", "c.example/record/sco")
    peer.serve(log)
    listed = peer.routes["/record/logs"]
    assert isinstance(listed, bytes)
    peer.routes["/record/logs"] = listed.replace(b'"sco"', f'"{name}"'.encode())

    error, _ = _failing("mirror", peer.url, str(tmp_path / "m"))

    assert "is not a slug (letters, digits, - and _)" in str(error)
    assert not (tmp_path / "m").exists()


def test_two_peers_claiming_one_origin_collide(node: dict[str, Log], peer: FakePeer) -> None:
    peer.serve(FakeLog("sco", "c.example/record/sco"))
    sync_peer(url=peer.url)
    second = FakePeer()
    try:
        second.serve(FakeLog("sco", "c.example/record/sco"))
        report = sync_peer(url=second.url)
    finally:
        second.close()

    assert report.alerts == [
        f"sco: {second.url} publishes a log under c.example/record/sco with other log keys "
        f"than {peer.url}, which published it first; refused"
    ]
    assert Replica.objects.get(peer__url=second.url).refused == "origin_collision"


# -- 6. malformed peers: one line, non-zero, no traceback ------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_ROUTES = {
    "html": b"<html><body>not a node</body></html>",
    "bad-utf8": b"\xff\xfe[\x80]",
    "huge-number": b"[" + b"9" * 5000 + b"]",
    "not-a-list": b'{"logs": []}',
    "list-of-numbers": b"[1, 2, 3]",
    "missing-fields": b'[{"organization": "sco"}]',
    "keys-not-strings": (
        b'[{"organization": "sco", "origin": "c/record/sco", "path": "/record/sco",'
        b' "log_keys": [1], "organization_keys": [], "witness_keys": []}]'
    ),
    "deep-nesting": b"[" * 100_000,
}
_URLS = [
    "ftp://127.0.0.1/",
    "b.example",
    "http://",
    "http://127.0.0.1:99999",
    "http://127.0.0.1:0",
    "http://user@127.0.0.1",
    "http://127.0.0.1/?q=1",
    "http://exa mple.org",
    "javascript:alert(1)",
    "file:///etc/passwd",
]


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("action", ["sync", "mirror", "verify"])
@pytest.mark.parametrize("case", [*_URLS, "closed-port", *_ROUTES])
def test_a_malformed_peer_is_one_line_and_a_non_zero_exit(
    peer: FakePeer, tmp_path: Path, action: str, case: str
) -> None:
    if case == "closed-port":
        url = f"http://127.0.0.1:{_closed_port()}"
    elif case in _ROUTES:
        peer.routes["/record/logs"] = _ROUTES[case]
        url = peer.url
    else:
        url = case
    extra = [str(tmp_path / "m")] if action == "mirror" else []

    error, stderr = _failing(action, url, *extra)

    assert error.returncode in {1, 2}
    assert "\n" not in str(error)
    assert str(error)
    assert "Traceback" not in stderr


def test_a_peer_checkpoint_of_a_huge_size_is_refused(
    node: dict[str, Log], peer: FakePeer, tmp_path: Path
) -> None:
    log = FakeLog("sco", "c.example/record/sco")
    peer.serve(log)
    from sideline.record.checkpoint import Checkpoint
    from sideline.record.note import parse_signer_key, sign_note

    huge = Checkpoint(log.origin, 10**30, b"\1" * 32).text()
    peer.routes["/record/sco/checkpoint"] = sign_note(
        huge, signers=[parse_signer_key(log.log_skey)]
    )

    report = sync_peer(url=peer.url)
    error, _ = _failing("mirror", peer.url, str(tmp_path / "m"))

    assert "at most 4294967296 entries" in report.failures[0]
    assert "is above the limit of 4294967296" in str(error)

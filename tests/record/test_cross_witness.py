"""Two real nodes witness each other: A hosts CSTO's log, B hosts NATO's, each a
`sideline serve` subprocess with its own data directory, SQLite database, origin host
and keys, and a quorum of one. After `record sync` in both directions each node's
checkpoint carries the other node's cosignature, verifiable with the witness key the
other node publishes, and is accepted."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sideline.record.checkpoint import count_cosignatures, parse_cosigner_key
from sideline.record.models import Replica
from sideline.record.sync import sync_peer
from tests.record.second_node import SIDELINE, Node, start_node
from tests.registry.package_factory import write_package

SEED = """
from pathlib import Path
from sideline.registry.services import load_package
from sideline.record.services import append_entry, checkpoint_log
load_package(Path({package!r}))
for i in range({count}):
    append_entry(organization={org!r}, kind="meeting.created", subject=f"meeting/{{i}}")
checkpoint_log(organization={org!r})
"""


def _node(directory: Path, *, host: str, org: str, count: int) -> Node:
    node = Node(directory / host)
    node.env.update(SIDELINE_RECORD_HOST=host, SIDELINE_RECORD_QUORUM="1")
    node.env["SIDELINE_KEY_PASSPHRASE"] = f"{host}-passphrase"
    package = write_package(directory / f"{host}-package")
    node.run("migrate", "-v", "0")
    node.shell(SEED.format(package=str(package), org=org, count=count))
    node.start()
    return node


@pytest.fixture(scope="module")
def nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    directory = tmp_path_factory.mktemp("cross")
    a = _node(directory, host="a.example", org="csto", count=2)
    b = _node(directory, host="b.example", org="nato", count=3)
    yield a, b
    a.stop()
    b.stop()


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def _record(node: Node, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SIDELINE, "record", *args],
        env=node.env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_two_nodes_cosign_each_other_after_syncing_both_ways(nodes: tuple[Node, Node]) -> None:
    a, b = nodes
    before = _record(a, "status").stdout

    a_to_b = _record(a, "sync", b.url)
    b_to_a = _record(b, "sync", a.url)

    assert before.splitlines()[0] == "csto     size 2, checkpoint 2, accepted -"
    # A's witness cosigns B's checkpoint, but B does not know A's witness key yet, and
    # B's witness does not know A's log yet: nothing is exchanged on the first sync.
    assert a_to_b.stdout == (f"synced {b.url}: 3 new entries, 0 cosignatures received, 0 given\n")
    assert a_to_b.stderr.startswith(
        "nato: the peer refused our cosignatures: HTTP 403: unknown_witness_key: "
        "'a.example/record/csto/witness'"
    )
    # B learnt A's keys: its witness cosigns A's checkpoint (pushed), and A's witness
    # cosigns B's submitted checkpoint (pulled).
    assert (b_to_a.stdout, b_to_a.stderr) == (
        f"synced {a.url}: 2 new entries, 1 cosignatures received, 1 given\n",
        "",
    )
    logs = {n: json.loads(_get(f"{n.url}/record/logs"))[0] for n in (a, b)}
    for node, other in ((a, b), (b, a)):
        served = _get(f"{node.url}/record/{logs[node]['organization']}/checkpoint")
        result = count_cosignatures(
            served, witnesses=[parse_cosigner_key(logs[other]["witness_key"])], quorum=1
        )
        assert result.met, node.url
        assert result.valid == (
            f"{other.env['SIDELINE_RECORD_HOST']}/record/{logs[other]['organization']}/witness"
            f"+{parse_cosigner_key(logs[other]['witness_key']).key_id:08x}",
        )
    assert _record(a, "status").stdout.splitlines()[0] == (
        "csto     size 2, checkpoint 2, accepted 2"
    )
    assert _record(b, "status").stdout.splitlines()[0] == (
        "nato     size 3, checkpoint 3, accepted 3"
    )
    for node, other, entries in ((a, b, 2), (b, a, 3)):
        alone = _record(node, "verify", node.url, "--quorum", "1")
        witnessed = _record(node, "verify", node.url, "--witnesses", other.url)
        assert (alone.returncode, alone.stderr.split(": ")[1]) == (1, "quorum_not_met")
        assert (witnessed.returncode, witnessed.stdout) == (
            0,
            f"OK: 1 logs, {entries} entries, {entries} entry signatures, cosignature quorum met\n",
        )


ROTATE = """
from sideline.record.services import rotate_key
rotate_key(organization="nato", purpose="witness")
"""


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[Node]:
    node = start_node(tmp_path)
    yield node
    node.stop()


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_a_witness_key_added_after_the_first_sync_waits_for_the_operator(peer: Node) -> None:
    sync_peer(url=peer.url)
    pinned = Replica.objects.get(organization="nato").witness_keys
    peer.shell(ROTATE)
    rotated = json.loads(_get(f"{peer.url}/record/logs"))
    new_key = next(x for x in rotated if x["organization"] == "nato")["witness_key"]

    refused = sync_peer(url=peer.url)
    kept = Replica.objects.get(organization="nato").witness_keys
    accepted = sync_peer(url=peer.url, accept_keys=True)

    assert refused.problems == [
        f"nato: {peer.url} publishes key(s) waiting for approval here: witness key {new_key}; "
        f"check them with the peer's operator, then run "
        f"`sideline record sync {peer.url} --accept-keys`"
    ]
    assert kept == pinned
    assert accepted.problems == []
    assert Replica.objects.get(organization="nato").witness_keys == [*pinned, new_key]

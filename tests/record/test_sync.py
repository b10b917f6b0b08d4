"""Two nodes on loopback: this test process and a `sideline serve` subprocess (node B)
with its own data directory, SQLite database and origin host. B forks a log; this
node's sync detects it. Also mirror and verify over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sideline.record.models import Replica, ReplicaCheckpoint
from sideline.record.sync import sync_peer
from tests.record.second_node import Node, start_node

# Rewrites NATO's log on node B from scratch: same keys, other entries. Only an
# operator with the database and the keys can do this, which is what a fork is.
FORK = """
from sideline.record.merkle import EMPTY_ROOT
from sideline.record.models import Cosignature, Log, LogCheckpoint, RecordEntry, TreeNode, WitnessState
from sideline.record.services import append_entry, witness_round
log = Log.objects.get(organization__slug="nato")
Cosignature.objects.filter(checkpoint__log=log).delete()
LogCheckpoint.objects.filter(log=log).delete()
RecordEntry.objects.filter(log=log).delete()
TreeNode.objects.filter(log=log).delete()
WitnessState.objects.filter(origin=log.origin).delete()
Log.objects.filter(pk=log.pk).update(size=0, root_hash=EMPTY_ROOT, frontier=b"")
for i in range(5):
    append_entry(organization="nato", kind="decision.approved", subject=f"forged/{i}")
witness_round()
"""


@pytest.fixture
def node_b(tmp_path: Path) -> Iterator[Node]:
    """A node of one's own, for a test that changes it."""
    node = start_node(tmp_path)
    yield node
    node.stop()


@pytest.fixture(scope="module")
def shared_node_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """One node for the tests that only read it (starting one costs seconds)."""
    node = start_node(tmp_path_factory.mktemp("shared"))
    yield node
    node.stop()


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_sync_detects_a_fork_of_a_peer_log(node_b: Node, client: Client) -> None:
    first = sync_peer(url=node_b.url)
    node_b.shell(FORK)

    second = sync_peer(url=node_b.url)

    assert (first.new_entries, first.forks) == ({"csto": 1, "nato": 3}, [])
    assert (second.new_entries, second.forks) == ({}, ["nato"])
    nato = Replica.objects.get(organization="nato")
    assert (nato.trusted, nato.size) == (False, 3)
    assert nato.problem.startswith("fork: 3 -> 5")
    evidence = ReplicaCheckpoint.objects.filter(replica=nato, evidence=True).order_by("size")
    assert [c.size for c in evidence] == [3, 5]
    assert Replica.objects.get(organization="csto").trusted is True
    with pytest.raises(CommandError) as caught:
        call_command("record", "status")
    assert str(caught.value) == (
        f"1 peer log(s) forked or untrusted: b.example/record/nato @ {node_b.url}"
    )
    assert b'data-testid="fork-alert"' in client.get("/record/").content


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_sync_twice_without_change_adds_nothing(shared_node_b: Node) -> None:
    sync_peer(url=shared_node_b.url)

    again = sync_peer(url=shared_node_b.url)

    assert (again.new_entries, again.forks, again.problems) == ({}, [], [])
    assert Replica.objects.filter(trusted=True).count() == 2


@pytest.mark.slow
@pytest.mark.usefixtures("db")
def test_mirror_then_verify_directory_and_url(shared_node_b: Node, tmp_path: Path) -> None:
    mirror_dir = tmp_path / "mirror"
    out = _call("mirror", shared_node_b.url, str(mirror_dir))
    from_dir = _call("verify", str(mirror_dir))
    from_url = _call("verify", shared_node_b.url)

    assert out == f"mirrored 2 logs, 4 entries, into {mirror_dir}\n"
    expected = "OK: 2 logs, 4 entries, 4 entry signatures, cosignature quorum met\n"
    assert (from_dir, from_url) == (expected, expected)


@pytest.mark.slow
@pytest.mark.usefixtures("db")
def test_verify_mirror_with_a_flipped_entry_byte_names_log_index_reason(
    shared_node_b: Node, tmp_path: Path
) -> None:
    mirror_dir = tmp_path / "mirror"
    _call("mirror", shared_node_b.url, str(mirror_dir))
    bundle = mirror_dir / "nato" / "tile" / "entries" / "000.p" / "3"
    data = bytearray(bundle.read_bytes())
    data[-60] ^= 0x01
    bundle.write_bytes(bytes(data))

    errors = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("record", "verify", str(mirror_dir), stdout=StringIO(), stderr=errors)

    assert str(caught.value) == "1 of 2 logs failed verification"
    assert errors.getvalue() == (
        "FAILED nato at index 2: tile_mismatch: entry 2 does not hash to its tile\n"
    )


def _call(*args: str) -> str:
    out = StringIO()
    call_command("record", *args, stdout=out)
    return out.getvalue()

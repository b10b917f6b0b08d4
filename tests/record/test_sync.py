"""Two nodes on loopback: this test process and a `sideline serve` subprocess (node B)
with its own data directory, SQLite database and origin host. B forks a log; this
node's sync detects it. Also mirror and verify over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sideline.record.models import Replica, ReplicaCheckpoint
from sideline.record.sync import sync_peer
from tests.registry.package_factory import write_package

SIDELINE = str(Path(sys.executable).with_name("sideline"))

SEED = """
from pathlib import Path
from sideline.registry.services import load_package
from sideline.record.services import append_entry, witness_round
load_package(Path({package!r}))
append_entry(organization="csto", kind="meeting.created", subject="meeting/1")
for i in range(3):
    append_entry(organization="nato", kind="meeting.created", subject=f"meeting/{{i}}")
witness_round()
"""

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


class Node:
    """A second Sideline node in a subprocess."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SIDELINE_", "DJANGO_"))
        }
        self.env.update(
            SIDELINE_DATA_DIR=str(directory / "data"),
            SIDELINE_SECRET_KEY="node-b-secret-key-for-tests-only-long-enough",
            SIDELINE_KEY_PASSPHRASE="node-b-passphrase",
            SIDELINE_RECORD_HOST="b.example",
            SIDELINE_RECORD_WITNESSES="nato,csto",
        )
        self.server: subprocess.Popen[str] | None = None
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [SIDELINE, *args], env=self.env, capture_output=True, text=True, check=True, timeout=120
        )

    def shell(self, code: str) -> None:
        self.run("shell", "-c", code)

    def start(self) -> None:
        self.server = subprocess.Popen(
            [SIDELINE, "serve", "--port", str(self.port), "--threads", "2"],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.server.stdout is not None
        self.server.stdout.readline()  # "Sideline is serving at …", printed before binding
        for _ in range(200):
            try:
                with urllib.request.urlopen(f"{self.url}/record/logs", timeout=5):
                    return
            except OSError:
                time.sleep(0.05)  # waiting for the socket to open, not timing anything
        raise RuntimeError("node B did not start")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)


def _started_node(directory: Path) -> Node:
    node = Node(directory / "b")
    package = write_package(directory / "b-package")
    node.run("migrate", "-v", "0")
    node.shell(SEED.format(package=str(package)))
    node.start()
    return node


@pytest.fixture
def node_b(tmp_path: Path) -> Iterator[Node]:
    """A node of one's own, for a test that changes it."""
    node = _started_node(tmp_path)
    yield node
    node.stop()


@pytest.fixture(scope="module")
def shared_node_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """One node for the tests that only read it (starting one costs seconds)."""
    node = _started_node(tmp_path_factory.mktemp("shared"))
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

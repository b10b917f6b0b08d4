"""The keys of a peer's logs are pinned: the first sync trusts what the peer publishes,
and a log, entry or witness key it adds later verifies nothing here until the operator
approves it with `sideline record sync PEER_URL --accept-keys`. Node B is a real
`sideline serve` subprocess (see test_sync.py) whose keys the tests rotate."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sideline.record.checkpoint import generate_cosigner_key
from sideline.record.models import Peer, Replica
from sideline.record.note import generate_signer_key
from sideline.record.sync import _pin_keys, sync_peer
from tests.record.second_node import SIDELINE, Node, start_node

ROTATE_AND_APPEND = """
from sideline.record.services import append_entry, rotate_key, witness_round
rotate_key(organization="nato", purpose={purpose!r})
for i in range(2):
    append_entry(organization="nato", kind="meeting.created", subject=f"later/{{i}}")
witness_round()
"""

# Rotates every key of NATO's log on node B and deletes the old ones, so that B no
# longer publishes them.
ROTATE_ALL_AND_FORGET = """
from sideline.record.models import LogKey
from sideline.record.services import rotate_key
for purpose in ("log", "entry", "witness"):
    rotate_key(organization="nato", purpose=purpose)
LogKey.objects.filter(log__organization__slug="nato", active=False).delete()
"""


@pytest.fixture
def peer(tmp_path: Path) -> Iterator[Node]:
    node = start_node(tmp_path)
    yield node
    node.stop()


def _published(url: str) -> dict[str, dict[str, Any]]:
    with urllib.request.urlopen(f"{url}/record/logs", timeout=30) as response:
        return {x["organization"]: x for x in json.loads(response.read())}


def _pin_then_rotate(peer: Node, *, purpose: str, published_as: str) -> tuple[str, str]:
    """Sync (pinning B's keys), then have B rotate NATO's key of ``purpose`` and sign two
    more entries and a checkpoint; return the old and the new key."""
    sync_peer(url=peer.url)
    old_key = _published(peer.url)["nato"][published_as]
    peer.shell(ROTATE_AND_APPEND.format(purpose=purpose))
    return old_key, _published(peer.url)["nato"][published_as]


def _record(*args: str) -> tuple[str, str]:
    """Run ``sideline record …`` in-process; return stdout and stderr."""
    out, err = StringIO(), StringIO()
    call_command("record", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _failing_status() -> tuple[str, str]:
    """Run ``sideline record status``, which must fail; return stdout and the error."""
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("record", "status", stdout=out)
    return out.getvalue(), str(caught.value)


def _waiting(url: str, keys: str) -> str:
    return (
        f"nato: {url} publishes key(s) waiting for approval here: {keys}; check them with "
        f"the peer's operator, then run `sideline record sync {url} --accept-keys`"
    )


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_first_sync_pins_every_key_the_peer_publishes(peer: Node) -> None:
    report = sync_peer(url=peer.url)

    published = _published(peer.url)
    pinned = {
        r.organization: (r.log_keys, r.entry_keys, r.witness_keys, r.pending_keys)
        for r in Replica.objects.all()
    }
    assert (report.new_entries, report.problems) == ({"csto": 1, "nato": 3}, [])
    assert pinned == {
        org: (info["log_keys"], info["organization_keys"], info["witness_keys"], {})
        for org, info in published.items()
    }
    assert _record("status") == (
        f"csto     @ {peer.url}: size 1, trusted\nnato     @ {peer.url}: size 3, trusted\n",
        "",
    )


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_entries_signed_by_a_new_entry_key_wait_for_the_operator(peer: Node) -> None:
    old_key, new_key = _pin_then_rotate(peer, purpose="entry", published_as="organization_key")

    held = _record("sync", peer.url)
    nato = Replica.objects.get(organization="nato")
    stored = (nato.trusted, nato.size, nato.entries.count(), nato.checkpoints.count())
    status = _failing_status()
    accepted = _record("sync", peer.url, "--accept-keys")

    assert held == (
        f"synced {peer.url}: 0 new entries, 0 cosignatures received, 0 given\n",
        _waiting(peer.url, f"entry key {new_key}") + "\n"
        "nato: checkpoint 5 held back: only an entry key waiting for approval signed "
        "entry 3; the replica stays at size 3 until the key is approved\n",
    )
    # Not a fork: the replica stays trusted, at its last verified checkpoint.
    assert stored == (True, 3, 3, 1)
    assert (nato.entry_keys, nato.pending_keys) == ([old_key], {"entry_keys": [new_key]})
    assert status == (
        f"csto     @ {peer.url}: size 1, trusted\n"
        f"nato     @ {peer.url}: size 3, trusted, key(s) waiting for approval: "
        f"entry key {new_key}; check them with the peer's operator, then run "
        f"`sideline record sync {peer.url} --accept-keys`\n",
        f"1 peer log(s) with keys waiting for approval: b.example/record/nato @ {peer.url}",
    )
    assert accepted == (f"synced {peer.url}: 2 new entries, 0 cosignatures received, 0 given\n", "")
    nato.refresh_from_db()
    assert (nato.size, nato.entries.count(), nato.checkpoints.count()) == (5, 5, 2)
    assert (nato.entry_keys, nato.pending_keys) == ([old_key, new_key], {})


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_a_checkpoint_signed_by_a_new_log_key_waits_for_the_operator(peer: Node) -> None:
    old_key, new_key = _pin_then_rotate(peer, purpose="log", published_as="log_key")

    held = sync_peer(url=peer.url)
    nato = Replica.objects.get(organization="nato")
    stored = (nato.trusted, nato.size, nato.checkpoints.count())
    status = _failing_status()
    accepted = sync_peer(url=peer.url, accept_keys=True)

    assert (held.new_entries, held.forks, held.problems) == (
        {},
        [],
        [
            _waiting(peer.url, f"log key {new_key}"),
            "nato: checkpoint held back: only a log key waiting for approval signed it; "
            "the replica stays at size 3 until the key is approved",
        ],
    )
    assert stored == (True, 3, 1)
    assert status[1] == (
        f"1 peer log(s) with keys waiting for approval: b.example/record/nato @ {peer.url}"
    )
    assert (accepted.new_entries, accepted.problems) == ({"nato": 2}, [])
    nato.refresh_from_db()
    assert (nato.size, nato.log_keys, nato.pending_keys) == (5, [old_key, new_key], {})


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_accept_keys_approves_only_keys_shown_before_and_the_old_flag_still_works(
    peer: Node,
) -> None:
    sync_peer(url=peer.url)
    peer.shell(
        'from sideline.record.services import rotate_key\nrotate_key(organization="nato", purpose="witness")'
    )
    new_key = _published(peer.url)["nato"]["witness_key"]

    # The operator cannot have checked a key that no sync had shown yet.
    unseen = sync_peer(url=peer.url, accept_keys=True)
    still_waiting = Replica.objects.get(organization="nato").pending_keys
    deprecated = _record("sync", peer.url, "--accept-witness-keys")

    assert unseen.problems == [_waiting(peer.url, f"witness key {new_key}")]
    assert still_waiting == {"witness_keys": [new_key]}
    assert deprecated == (
        f"synced {peer.url}: 0 new entries, 0 cosignatures received, 0 given\n",
        "--accept-witness-keys is deprecated: use --accept-keys, which it now means\n",
    )
    nato = Replica.objects.get(organization="nato")
    assert (nato.witness_keys[-1], nato.pending_keys) == (new_key, {})


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_keys_stay_pinned_when_the_peer_stops_publishing_them(peer: Node) -> None:
    sync_peer(url=peer.url)
    old = Replica.objects.get(organization="nato")
    peer.shell(ROTATE_ALL_AND_FORGET)
    new = _published(peer.url)["nato"]

    waiting = sync_peer(url=peer.url)
    kept = Replica.objects.get(organization="nato")
    sync_peer(url=peer.url, accept_keys=True)
    approved = Replica.objects.get(organization="nato")

    assert waiting.problems == [
        _waiting(
            peer.url,
            f"log key {new['log_key']}, entry key {new['organization_key']}, "
            f"witness key {new['witness_key']}",
        )
    ]
    assert (kept.log_keys, kept.entry_keys, kept.witness_keys) == (
        old.log_keys,
        old.entry_keys,
        old.witness_keys,
    )
    assert (approved.log_keys, approved.entry_keys, approved.witness_keys) == (
        [*old.log_keys, new["log_key"]],
        [*old.entry_keys, new["organization_key"]],
        [*old.witness_keys, new["witness_key"]],
    )
    assert (approved.trusted, approved.size, approved.pending_keys) == (True, 3, {})


# -- a user's mistakes ---------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_sync_of_an_unreachable_url_is_one_line_and_leaves_no_peer() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"

    with pytest.raises(CommandError) as caught:
        _record("sync", url)

    assert (str(caught.value), caught.value.returncode) == (
        f"{url}/record/logs: cannot connect: [Errno 111] Connection refused",
        1,
    )
    assert Peer.objects.count() == 0


class _NotSideline(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>a web site</html>")

    def log_message(self, *args: Any) -> None:
        pass  # keeps the test output clean


@pytest.mark.usefixtures("db")
def test_sync_of_a_server_that_is_not_a_sideline_node_is_one_line() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NotSideline)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with pytest.raises(CommandError) as caught:
            _record("sync", url)
    finally:
        server.shutdown()
        server.server_close()

    assert str(caught.value) == f"{url}/record/logs is not JSON: is {url} a Sideline node?"


@pytest.mark.usefixtures("db")
@pytest.mark.parametrize("action", [("sync",), ("mirror",)])
def test_sync_or_mirror_of_something_not_a_url_is_a_usage_error(
    action: tuple[str], tmp_path: Path
) -> None:
    extra = [str(tmp_path / "mirror")] if action == ("mirror",) else []
    with pytest.raises(CommandError) as caught:
        _record(*action, "b.example", *extra)

    assert (str(caught.value), caught.value.returncode) == (
        "b.example is not an http(s) URL of a Sideline node",
        2,
    )
    assert not (tmp_path / "mirror").exists()


def test_sync_with_an_unknown_flag_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [SIDELINE, "record", "sync", "http://127.0.0.1:9", "--accept-all-keys"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("SIDELINE_", "DJANGO_"))},
            "SIDELINE_DATA_DIR": str(tmp_path / "data"),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "sideline record: error: unrecognized arguments: --accept-all-keys"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.slow
@pytest.mark.usefixtures("minimal_registry")
def test_verify_pinned_uses_the_keys_approved_here_not_those_published(peer: Node) -> None:
    with pytest.raises(CommandError, match="no keys pinned here for") as never_synced:
        _record("verify", peer.url, "--pinned")
    _old_key, new_key = _pin_then_rotate(peer, purpose="entry", published_as="organization_key")

    as_published = _record("verify", peer.url)
    err = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("record", "verify", peer.url, "--pinned", stdout=StringIO(), stderr=err)
    _record("sync", peer.url)
    _record("sync", peer.url, "--accept-keys")
    approved = _record("verify", peer.url, "--pinned")

    assert f"run `sideline record sync {peer.url}` first" in str(never_synced.value)
    assert as_published[0].startswith("OK: 2 logs, 6 entries")
    assert str(failed.value) == "1 of 2 logs failed verification"
    assert err.getvalue().startswith("FAILED nato at index 3: unknown_key: ")
    assert new_key not in Replica.objects.get(organization="csto").entry_keys
    assert approved[0].startswith("OK: 2 logs, 6 entries")


@pytest.mark.usefixtures("db")
def test_verify_pinned_of_a_mirror_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "logs.json").write_text("[]", encoding="utf-8")

    with pytest.raises(CommandError, match="--pinned needs the URL of a node"):
        _record("verify", str(tmp_path), "--pinned")


def test_a_malformed_published_key_is_ignored_and_named() -> None:
    _signer, log_key = generate_signer_key("b.example/record/nato")
    _cosigner, witness_key = generate_cosigner_key("b.example/witness/nato")
    replica = Replica(organization="nato", origin="b.example/record/nato")
    info = {
        "log_keys": [log_key, "not a key"],
        "organization_keys": ["nato+zzzz+AAAA"],
        "witness_keys": [witness_key, log_key],
    }

    malformed = _pin_keys(replica, info, accept=False, trust_witnesses=True)

    assert (replica.log_keys, replica.entry_keys, replica.witness_keys) == (
        [log_key],
        [],
        [witness_key],
    )
    assert replica.pending_keys == {}
    assert [line.split(" (ignored)")[0] for line in malformed] == [
        "malformed log key 'not a key'",
        "malformed entry key 'nato+zzzz+AAAA'",
        f"malformed witness key {log_key!r}",
    ]

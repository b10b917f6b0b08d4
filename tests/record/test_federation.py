"""The federation file, `sideline federation`, push, and bad peers served by the test
itself (tests/record/fake_peer.py): slow or silent, forked, rolled back, withholding,
signing with keys it is not entitled to. Each is named in `federation status` and the
record pages, its evidence kept, and nothing of this node's state changes."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from sideline.federation.ops import build_op
from sideline.meetings import projection
from sideline.meetings.models import Meeting
from sideline.record import follower, push
from sideline.record.federation import join_peer, load, peer_status, pull_peer
from sideline.record.federation_file import (
    FederationFileError,
    FederationPeer,
    load_federation,
    parse_federation,
)
from sideline.record.models import Peer, PeerIncident, PeerState, PushHint, Replica, ReplicaEntry
from sideline.record.push import PUSH_MAX_BYTES, RateLimiter
from tests.record.fake_peer import FakeLog, FakePeer, answers, dribble


@pytest.fixture
def peer() -> Iterator[FakePeer]:
    server = FakePeer()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def federation_file(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "federation.json"
    settings.FEDERATION = dataclasses.replace(settings.FEDERATION, file=path, stale_after=300)
    # This node is NATO's; the peers host the others (the test registry holds them all).
    settings.SIDELINE_ORGANIZATIONS = ("nato",)
    return path


@pytest.fixture
def csto() -> FakeLog:
    return FakeLog("csto", "csto.test/record/csto", entries=3)


def _federation(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("federation", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _incidents() -> list[tuple[str, str]]:
    return sorted(
        PeerIncident.objects.filter(resolved_at__isnull=True).values_list("organization", "code")
    )


def _replica_state() -> list[tuple[str, int, bool]]:
    return sorted(Replica.objects.values_list("organization", "size", "trusted"))


# -- the federation file ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "f.json: not a JSON object"),
        ("{", "f.json: not JSON: Expecting property name enclosed in double quotes"),
        (
            '{"schema": "sideline.federation/1", "peers": [{"url": "ftp://x"}]}',
            "f.json: peers[0].url: ftp://x is not an http(s) URL of a Sideline node",
        ),
        (
            '{"schema": "sideline.federation/1", "peers": [{"url": "http://a", '
            '"organizations": {"../x": {}}}]}',
            "f.json: peers[0].organizations: '../x' is not a slug",
        ),
        (
            '{"schema": "sideline.federation/1", "peers": [{"url": "http://a", '
            '"organizations": {"nato": {"log_keys": "k"}}}]}',
            "f.json: peers[0].organizations.nato.log_keys: not a list of at most 100 key strings",
        ),
        (
            '{"schema": "sideline.federation/1", "peers": [{"url": "http://a", '
            '"organizations": {"nato": {"secret": []}}}]}',
            "f.json: peers[0].organizations.nato.secret: unknown field; the key lists are "
            "log_keys, organization_keys, witness_keys, encryption_keys",
        ),
        (
            '{"schema": "sideline.federation/1", "peers": [{"url": "http://a"}, '
            '{"url": "http://a/"}]}',
            "f.json: peer http://a is listed twice",
        ),
    ],
)
def test_federation_file_refuses_bad_content_naming_the_field(text: str, message: str) -> None:
    with pytest.raises(FederationFileError) as caught:
        parse_federation(text.encode(), source="f.json")

    assert str(caught.value).startswith(message)


@pytest.mark.usefixtures("db")
def test_federation_command_with_a_broken_file_is_one_line(federation_file: Path) -> None:
    federation_file.write_text('{"schema": "nope"}')

    with pytest.raises(CommandError) as caught:
        _federation("status")

    assert (
        str(caught.value) == f"{federation_file}: schema: 'nope' is not \"sideline.federation/1\""
    )


# -- join, peers, status, sync ---------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_join_pins_the_published_keys_in_the_file_and_pulls(
    peer: FakePeer, csto: FakeLog, federation_file: Path
) -> None:
    peer.serve(csto)

    out, _ = _federation("join", peer.url)

    assert out.startswith(f"joined {peer.url} for csto (keys pinned in {federation_file};")
    assert f"pulled {peer.url}: 3 new entries" in out
    entry = load_federation(federation_file).peers[0]
    assert entry.organizations["csto"] == {
        "log_keys": [csto.log_vkey],
        "organization_keys": [csto.entry_vkey],
        "witness_keys": [csto.witness_vkey],
        "encryption_keys": [csto.encryption_jwk],
    }
    replica = Replica.objects.get()
    assert (replica.size, replica.witness_keys) == (3, [csto.witness_vkey])
    assert replica.encryption_keys == [
        json.dumps(csto.encryption_jwk, sort_keys=True, separators=(",", ":"))
    ]
    status, _ = _federation("status")
    assert status.splitlines()[1] == "  csto     size 3, peer claims 3, lag 0: trusted"
    peers, _ = _federation("peers")
    assert f"    encryption key: {csto.encryption_jwk['kid']}" in peers


@pytest.mark.usefixtures("db")
def test_status_shows_lag_and_fails_on_a_stale_peer(
    peer: FakePeer, csto: FakeLog, settings: Any
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    csto.append(4)
    peer.serve(csto)
    hint = csto.checkpoint(7)
    assert push.receive_push(hint).status == 202
    settings.FEDERATION = dataclasses.replace(settings.FEDERATION, stale_after=0.000001)

    with pytest.raises(CommandError) as caught:
        _federation("status")

    assert str(caught.value) == f"1 peer(s) failing: {peer.url}"
    [status] = peer_status()
    assert [(log.size, log.claimed, log.lag) for log in status.logs] == [(3, 7, 4)]
    assert status.problems[0].startswith("stale: not pulled successfully since")


@pytest.mark.usefixtures("db")
def test_encryption_key_changed_by_a_peer_waits_for_approval(
    peer: FakePeer, csto: FakeLog, federation_file: Path
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    first = Replica.objects.get().encryption_keys
    old_jwk = csto.encryption_jwk
    swapped = FakeLog("csto", "x/record/csto")
    csto.encryption_jwk = swapped.encryption_jwk
    peer.serve(csto)

    _federation("sync")
    held = Replica.objects.get()
    with pytest.raises(CommandError):
        _federation("status")
    _federation("sync", "--accept-keys")

    assert held.encryption_keys == first
    assert held.pending_keys == {
        "encryption_keys": [
            json.dumps(swapped.encryption_jwk, sort_keys=True, separators=(",", ":"))
        ]
    }
    pinned = load_federation(federation_file).peers[0].organizations["csto"]["encryption_keys"]
    assert pinned == [old_jwk, swapped.encryption_jwk]


@pytest.mark.usefixtures("db")
def test_keys_pinned_in_the_file_beat_what_the_peer_publishes(
    peer: FakePeer, csto: FakeLog, federation_file: Path
) -> None:
    """An operator who pinned the keys by another channel is not fooled by a server
    that publishes and signs with other keys at the first pull."""
    impostor = FakeLog("csto", "csto.test/record/csto")
    federation_file.write_text(
        json.dumps(
            {
                "schema": "sideline.federation/1",
                "peers": [
                    {
                        "url": peer.url,
                        "organizations": {
                            "csto": {
                                "log_keys": [csto.log_vkey],
                                "organization_keys": [csto.entry_vkey],
                                "witness_keys": [csto.witness_vkey],
                            }
                        },
                    }
                ],
            }
        )
    )
    peer.serve(impostor)

    report = pull_peer(load().peers[0])

    replica = Replica.objects.get()
    assert (replica.size, replica.log_keys) == (0, [csto.log_vkey])
    assert replica.pending_keys["log_keys"] == [impostor.log_vkey]
    assert report.problems[-1] == (
        "csto: checkpoint held back: only a log key waiting for approval signed it; the "
        "replica stays at size 0 until the key is approved"
    )


# -- bad peers ---------------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_peer_that_never_answers_is_unanswered_and_stale(federation_file: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    federation_file.write_text(
        json.dumps(
            {"schema": "sideline.federation/1", "peers": [{"url": dead, "organizations": {}}]}
        )
    )

    with pytest.raises(CommandError) as caught:
        _federation("sync")
    with pytest.raises(CommandError):
        _federation("status")

    assert str(caught.value) == f"1 peer(s) failed to sync: {dead}"
    assert _incidents() == [("", "unanswered")]
    [status] = peer_status()
    assert "cannot connect" in status.problems[0]


@pytest.mark.usefixtures("db")
def test_slow_peer_is_cut_off_by_the_deadline_and_named(
    peer: FakePeer, csto: FakeLog, settings: Any
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    settings.RECORD_PEERS = dataclasses.replace(
        settings.RECORD_PEERS, peer_timeout=0.5, sync_deadline=1.0
    )
    csto.append(2)
    peer.serve(csto)
    peer.routes["/record/csto/checkpoint"] = dribble

    report = pull_peer(load().peers[0])

    assert report.failures[0].startswith("csto: ")
    assert ("csto", "unreadable") in _incidents()
    assert _replica_state() == [("csto", 3, True)]


@pytest.mark.usefixtures("db")
def test_rollback_is_named_with_its_signed_evidence(peer: FakePeer, csto: FakeLog) -> None:
    csto.append(2)
    peer.serve(csto)
    join_peer(url=peer.url)
    peer.serve(csto, sizes={"csto": 2})

    pull_peer(load().peers[0])

    incident = PeerIncident.objects.get(code="rollback")
    assert bytes(incident.evidence) == csto.checkpoint(2)
    assert _replica_state() == [("csto", 5, True)]
    assert peer_status()[0].failing


@pytest.mark.usefixtures("db")
def test_fork_is_named_and_the_replica_keeps_what_it_verified(
    peer: FakePeer, csto: FakeLog
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    csto.leaves[1] = csto.leaves[0]
    csto.append(2)
    peer.serve(csto)

    pull_peer(load().peers[0])

    assert ("csto", "fork") in _incidents()
    assert _replica_state() == [("csto", 3, False)]
    assert "fork" in " ".join(peer_status()[0].problems)


@pytest.mark.usefixtures("db")
def test_entries_signed_by_a_key_the_peer_is_not_entitled_to(peer: FakePeer, csto: FakeLog) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    other = FakeLog("csto", "csto.test/record/csto", entries=0)
    csto.entry_skey = other.entry_skey  # the server signs with a key nobody approved
    csto.append(2)
    peer.serve(csto)

    pull_peer(load().peers[0])

    assert ("csto", "bad_signature") in _incidents()
    assert _replica_state() == [("csto", 3, False)]
    assert ReplicaEntry.objects.count() == 3


@pytest.mark.usefixtures("db")
def test_log_of_an_organization_the_peer_is_not_entitled_to_is_not_read(
    peer: FakePeer, csto: FakeLog
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    nato = FakeLog("osce", "csto.test/record/osce", entries=2)
    peer.serve(csto, nato)

    report = pull_peer(load().peers[0])

    assert report.alerts[0].startswith(
        f"osce: {peer.url} publishes a log of osce, which the federation file does not entitle"
    )
    assert ("osce", "not_entitled") in _incidents()
    assert _replica_state() == [("csto", 3, True)]

    join_peer(url=peer.url)  # the operator checked: it hosts the OSCE now

    assert ("osce", "not_entitled") not in _incidents()
    assert _replica_state() == [("csto", 3, True), ("osce", 2, True)]


@pytest.mark.usefixtures("db")
def test_peer_withholding_one_organizations_log_is_named(peer: FakePeer, csto: FakeLog) -> None:
    nato = FakeLog("osce", "csto.test/record/osce", entries=2)
    peer.serve(csto, nato)
    join_peer(url=peer.url)
    peer.serve(csto)

    pull_peer(load().peers[0])

    assert _incidents() == [("osce", "withheld_log")]
    assert _replica_state() == [("csto", 3, True), ("osce", 2, True)]

    peer.serve(csto, nato)
    pull_peer(load().peers[0])

    assert _incidents() == []


@pytest.mark.usefixtures("db")
def test_peer_withholding_entries_it_pushed_is_named_with_both_notes(
    peer: FakePeer, csto: FakeLog
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    csto.append(3)
    pushed = csto.checkpoint(6)
    peer.serve(csto, sizes={"csto": 4})

    push.receive_push(pushed)
    pull_peer(load().peers[0])

    incident = PeerIncident.objects.get(code="withheld_entries")
    assert bytes(incident.evidence) == pushed + b"\n" + csto.checkpoint(4)
    assert _replica_state() == [("csto", 4, True)]
    assert peer_status()[0].failing


@pytest.mark.usefixtures("db")
def test_split_view_between_push_and_pull_is_a_fork(peer: FakePeer, csto: FakeLog) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    shown_to_others = FakeLog("csto", "csto.test/record/csto", entries=0)
    shown_to_others.log_skey = csto.log_skey
    shown_to_others.leaves = [*csto.leaves, csto.leaves[0]]
    csto.append(1)
    peer.serve(csto)

    push.receive_push(shown_to_others.checkpoint(4))
    pull_peer(load().peers[0])

    assert ("csto", "split_view") in _incidents()
    assert _replica_state() == [("csto", 4, False)]


@pytest.mark.usefixtures("db")
def test_record_pages_name_the_incidents(peer: FakePeer, csto: FakeLog, client: Client) -> None:
    csto.append(1)
    peer.serve(csto)
    join_peer(url=peer.url)
    peer.serve(csto, sizes={"csto": 1})
    pull_peer(load().peers[0])

    page = client.get("/record/").content.decode()

    assert 'data-testid="peer-incidents"' in page
    assert f"<code>rollback</code> csto @ {peer.url}" in page


# -- push ---------------------------------------------------------------------------


@pytest.mark.usefixtures("db")
def test_push_answers(peer: FakePeer, csto: FakeLog, client: Client) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    csto.append(1)
    stranger = FakeLog("csto", "csto.test/record/csto", entries=4)
    unknown = FakeLog("osce", "osce.test/record/osce", entries=1)

    def post(body: bytes) -> tuple[int, str]:
        response = client.post("/record/push", data=body, content_type="text/plain")
        return response.status_code, response.content.decode().split(":")[0]

    assert post(b"hello") == (400, "bad_request")
    assert post(stranger.checkpoint(4)) == (403, "bad_signature")
    assert post(unknown.checkpoint(1)) == (404, "unknown_log")
    assert post(b"x" * (PUSH_MAX_BYTES + 1)) == (413, "too_large")
    assert post(csto.checkpoint(2)) == (200, "up_to_date")
    assert post(csto.checkpoint(4)) == (202, "pull_scheduled")
    assert post(csto.checkpoint(3)) == (200, "up_to_date")
    assert client.get("/record/push").status_code == 405
    # A push only schedules a pull: nothing of the log was read or trusted.
    assert PushHint.objects.get().size == 4
    assert _replica_state() == [("csto", 3, True)]


@pytest.mark.usefixtures("db")
def test_push_rate_is_limited_per_origin(
    peer: FakePeer, csto: FakeLog, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    peer.serve(csto)
    join_peer(url=peer.url)
    monkeypatch.setattr(push, "LIMITER", RateLimiter())
    settings.FEDERATION = dataclasses.replace(settings.FEDERATION, push_rate=3)

    answers = [push.receive_push(csto.checkpoint(3)).code for _ in range(5)]

    assert answers == ["up_to_date"] * 3 + ["rate_limited"] * 2


# -- pushes owed to a peer (follower._Pushes) ----------------------------------------


_TAKEN = (202, b"pull_scheduled: will pull\n")


def _push_answers(peer: FakePeer, *replies: tuple[int, bytes]) -> list[bytes]:
    """Make ``peer`` answer its pushes with ``replies``; return what it is sent."""
    handler, received = answers(*replies)
    peer.routes["/record/push"] = handler
    return received


@pytest.fixture
def pushes(peer: FakePeer, settings: Any) -> follower._Pushes:
    settings.FEDERATION = dataclasses.replace(settings.FEDERATION, tick=0.5, pull_interval=3600)
    return follower._Pushes(peer.url)


@pytest.mark.usefixtures("db")
def test_push_the_peer_cannot_take_yet_is_tried_again_after_a_backoff(
    peer: FakePeer, csto: FakeLog, pushes: follower._Pushes, caplog: Any
) -> None:
    state = PeerState.objects.create(peer=Peer.objects.create(url=peer.url))
    received = _push_answers(
        peer, (404, b"unknown_log: no log 'csto.test/record/csto' is followed here\n"), _TAKEN
    )
    pushes.add("csto.test/record/csto", csto.checkpoint(3))

    pushes.deliver(100.0)
    pushes.deliver(100.4)  # before the backoff ends: nothing sent
    kept = (dict(pushes.pending), pushes.next_attempt, len(received))
    pushes.deliver(100.5)

    assert kept == ({"csto.test/record/csto": csto.checkpoint(3)}, 100.5, 1)
    assert received == [csto.checkpoint(3)] * 2
    assert (pushes.pending, pushes.failures, pushes.next_attempt) == ({}, 0, 0.0)
    state.refresh_from_db()
    assert state.last_push_sent is not None
    assert (
        f"{peer.url} did not take the push of csto.test/record/csto size 3: 404 unknown_log: "
        "no log 'csto.test/record/csto' is followed here" in caplog.text
    )
    assert f"push to {peer.url} delivered after 1 failed attempt(s)" in caplog.text


@pytest.mark.usefixtures("db")
def test_push_to_a_peer_that_is_down_backs_off_doubling_up_to_a_minute(
    csto: FakeLog, settings: Any, caplog: Any
) -> None:
    settings.FEDERATION = dataclasses.replace(settings.FEDERATION, tick=0.5, pull_interval=3600)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    pushes = follower._Pushes(url)
    pushes.add("csto.test/record/csto", csto.checkpoint(3))

    backoffs = []
    for _ in range(9):
        pushes.deliver(pushes.next_attempt)
        backoffs.append(pushes.backoff)

    assert backoffs == [0.5, 1, 2, 4, 8, 16, 32, 60, 60]
    assert list(pushes.pending) == ["csto.test/record/csto"]
    assert f"push of csto.test/record/csto size 3 to {url} failed: " in caplog.text
    assert "Connection refused" in caplog.text


@pytest.mark.usefixtures("db")
def test_push_refused_for_good_is_logged_with_the_answer_and_not_tried_again(
    peer: FakePeer, csto: FakeLog, pushes: follower._Pushes, caplog: Any
) -> None:
    received = _push_answers(peer, (403, b"bad_signature: no log key pinned here signed it\n"))
    pushes.add("csto.test/record/csto", csto.checkpoint(3))

    pushes.deliver(0.0)
    pushes.deliver(10.0)

    assert (len(received), pushes.pending, pushes.failures) == (1, {}, 0)
    assert (
        f"{peer.url} refused the push of csto.test/record/csto size 3: 403 bad_signature: no "
        "log key pinned here signed it; not tried again (its scheduled pull still comes)"
    ) in caplog.text


@pytest.mark.usefixtures("db")
def test_push_owed_sends_only_the_newest_checkpoint_of_a_log(
    peer: FakePeer, csto: FakeLog, pushes: follower._Pushes
) -> None:
    received = _push_answers(peer, _TAKEN)
    pushes.add("csto.test/record/csto", csto.checkpoint(2))
    pushes.add("csto.test/record/csto", csto.checkpoint(3))

    pushes.deliver(0.0)

    assert received == [csto.checkpoint(3)]


@pytest.mark.usefixtures("db")
def test_push_goes_out_while_a_projection_holds_the_nodes_projection_lock(
    peer: FakePeer, csto: FakeLog, pushes: follower._Pushes
) -> None:
    # The cause of the sovereign meeting's timeout on PostgreSQL: a worker sent its pushes
    # only between its pulls, and a pull waits for this lock while another peer's
    # projection runs; the node stopped before its newest checkpoint went out.
    received = _push_answers(peer, _TAKEN)
    worker = follower._Worker(FederationPeer(url=peer.url), threading.Event())
    worker.push("csto.test/record/csto", csto.checkpoint(3))

    with follower._projection_lock:
        worker.pushes.deliver(0.0)

    assert received == [csto.checkpoint(3)]


def test_rate_limiter_window_slides() -> None:
    limiter = RateLimiter()

    first = [limiter.allow("a", rate=2, now=t) for t in (0.0, 1.0, 2.0)]
    later = [limiter.allow("a", rate=2, now=60.5), limiter.allow("b", rate=2, now=2.0)]

    assert (first, later) == ([True, True, False], [True, True])


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "SIDELINE_FEDERATION_PULL_INTERVAL",
            "soon",
            "SIDELINE_FEDERATION_PULL_INTERVAL: 'soon' is not a number more than 0; "
            "unset it for the default (30)",
        ),
        (
            "SIDELINE_FEDERATION_PUSH_RATE",
            "0",
            "SIDELINE_FEDERATION_PUSH_RATE: '0' is not a number more than 0; "
            "unset it for the default (120)",
        ),
        (
            "SIDELINE_FEDERATION_FOLLOWER",
            "maybe",
            "SIDELINE_FEDERATION_FOLLOWER: 'maybe' is neither on nor off; "
            "unset it to run the follower inside `sideline serve`",
        ),
    ],
)
def test_federation_variables_refuse_bad_values(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, message: str
) -> None:
    from sideline.config import ConfigurationError, load_federation_config

    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError) as caught:
        load_federation_config()

    assert str(caught.value) == message


def test_federation_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sideline.config import load_federation_config

    monkeypatch.setenv("SIDELINE_FEDERATION_FILE", str(tmp_path / "f.json"))
    monkeypatch.setenv("SIDELINE_FEDERATION_FOLLOWER", "off")
    monkeypatch.setenv("SIDELINE_FEDERATION_TICK", "0.25")

    config = load_federation_config()

    assert (config.file, config.follower, config.tick) == (tmp_path / "f.json", False, 0.25)


# -- the meetings' projection after a pull: peers' meetings become rows here ----------

PEER_MEETING = "csto/m-1"


@pytest.fixture
def joined(peer: FakePeer, registry: None, monkeypatch: pytest.MonkeyPatch) -> FakeLog:
    """The CSTO's log, joined while it is still empty; no projection owed yet."""
    monkeypatch.setattr(follower, "_projection_owed", False)
    log = FakeLog("csto", "csto.test/record/csto", entries=0)
    peer.serve(log)
    join_peer(url=peer.url)
    return log


def _append_meeting_create(log: FakeLog) -> None:
    op = build_op(
        kind="meeting.create",
        actor="csto",
        role="delegate",
        prev=None,
        after=(),
        object_id=PEER_MEETING,
        args={
            "date": "2013-09-24",
            "timezone": "Europe/Moscow",
            "cohost": None,
            "participants": ["nato"],
            "public": True,
        },
        clear={"title": "Border talks"},
    )
    log.append_op(op)


def _broken_rebuild(**kwargs: Any) -> Any:
    raise RuntimeError("disk full")


def _worker() -> follower._Worker:
    return follower._Worker(load().peers[0], threading.Event())


def test_worker_pull_bringing_a_peers_meeting_create_makes_the_meeting_a_row(
    peer: FakePeer, joined: FakeLog
) -> None:
    assert not Meeting.objects.filter(op_id=PEER_MEETING).exists()
    _append_meeting_create(joined)
    peer.serve(joined)

    _worker()._once()

    meeting = Meeting.objects.get(op_id=PEER_MEETING)
    assert (meeting.title, meeting.host.slug) == ("Border talks", "csto")


def test_pull_of_entries_that_are_not_ops_does_not_project(
    peer: FakePeer, joined: FakeLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[bool] = []
    monkeypatch.setattr(projection, "rebuild", lambda **kw: calls.append(True))
    joined.append(2)  # entries of kind meeting.created, not ops
    peer.serve(joined)

    _worker()._once()

    assert calls == []
    assert Meeting.objects.count() == Meeting.objects.filter(op_id=None).count()


def test_failed_projection_is_logged_does_not_stop_the_worker_and_is_tried_again(
    peer: FakePeer, joined: FakeLog, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    real = projection.rebuild

    monkeypatch.setattr(projection, "rebuild", _broken_rebuild)
    _append_meeting_create(joined)
    peer.serve(joined)
    worker = _worker()

    worker._once()  # does not raise

    assert "the meetings' projection failed" in caplog.text
    assert not Meeting.objects.filter(op_id=PEER_MEETING).exists()
    monkeypatch.setattr(projection, "rebuild", real)
    worker.next_pull = 0.0  # the next pull brings nothing new, yet the projection is owed
    worker._once()
    assert Meeting.objects.filter(op_id=PEER_MEETING).exists()


def test_federation_sync_projects_the_ops_it_pulled(peer: FakePeer, joined: FakeLog) -> None:
    _append_meeting_create(joined)
    peer.serve(joined)
    out, _ = _federation("sync")

    assert "meetings: 1 difference(s) with the ops rebuilt" in out
    assert Meeting.objects.filter(op_id=PEER_MEETING).exists()


def test_federation_sync_names_a_failed_projection(
    peer: FakePeer, joined: FakeLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(projection, "rebuild", _broken_rebuild)
    _append_meeting_create(joined)
    peer.serve(joined)

    with pytest.raises(CommandError) as caught:
        _federation("sync")

    assert "the projection failed (disk full)" in str(caught.value)
    assert "sideline federation rebuild" in str(caught.value)

"""A federation of real nodes on this machine: one ``sideline serve`` per organization.

Used by ``sideline demo federation``, the multi-process tests
(``tests/federation_net/``) and ``bench/federation_net.py``. Each node is its own
process with its own data directory, keys, database (SQLite, or a PostgreSQL database
of its own) and ``SIDELINE_ORGANIZATIONS``; nodes talk only over loopback HTTP. No
Django here: the harness drives nodes as an operator would, through the ``sideline``
command, and reads them over HTTP.

Joining writes each node's federation file as ``sideline federation join`` would
(the keys each peer publishes at ``/record/logs``); the followers notice the file
change at their next tick. ``join_with_cli`` runs the real command instead.

A *scenario* is a callable taking the running :class:`LocalFederation` and a
``say`` function; :data:`SCENARIOS` names those ``sideline demo federation
--scenario`` offers: ``record`` (entries reach every node) and ``meeting`` (a meeting
created on one node becomes a row on the others).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "SCENARIOS",
    "Appender",
    "LocalFederation",
    "LocalNode",
    "NodeError",
    "free_port",
    "http_get",
    "meeting_scenario",
    "record_scenario",
]

SIDELINE = [sys.executable, "-m", "sideline.cli"]
_POLL = 0.05  # seconds between looks at a node: waiting, never measuring


# Run in each new node: its keys and log (as `sideline init --organization` makes them)
# and a signatory who may log in (as `sideline users add` makes one).
_NODE_SETUP = """
from django.core.management import call_command
from sideline.record.services import ensure_log
ensure_log(organization={organization!r})
call_command("users", "add", {username!r}, "--role", "signatory",
             "--organization", {organization!r}, "--focal-point")
"""


class NodeError(RuntimeError):
    """A node could not be set up or started, or a command failed; the text names the
    node (and its log); ``stdout`` is what the failed command printed."""

    stdout: str = ""


def free_port() -> int:
    """Return a TCP port free on loopback now (another process may take it later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def http_get(url: str, *, timeout: float = 5.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return bytes(response.read())


@dataclass
class LocalNode:
    """One organization's node: its directory, port, environment and process."""

    organization: str
    directory: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    password: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def username(self) -> str:
        return f"{self.organization}-signatory"

    @property
    def log_path(self) -> Path:
        return self.directory / "serve.log"

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        """Run ``sideline ARGS`` as this node's operator; return its stdout.

        Raises:
            NodeError: it exits non-zero (the text holds its stderr's last line).
        """
        return self._call([*SIDELINE, *args], f"sideline {' '.join(args)}", env)

    def python(self, code: str, *args: str) -> str:
        """Run ``code`` with ``args`` in this node's Python and settings; return its stdout.

        Raises:
            NodeError: it exits non-zero (the text holds its stderr's last line).
        """
        return self._call([sys.executable, "-c", code, *args], " ".join(args), None)

    def _call(self, command: list[str], label: str, env: dict[str, str] | None) -> str:
        done = subprocess.run(
            command,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            error = NodeError(f"{self.organization}: {label}: {last}")
            error.stdout = done.stdout
            raise error
        return done.stdout

    def start(self, *, timeout: float = 120.0) -> None:
        """Start ``sideline serve`` and wait until it answers ``/record/logs``.

        Raises:
            NodeError: it exits or does not answer within ``timeout`` seconds.
        """
        self.launch()
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise NodeError(f"{self.organization}: serve exited; see {self.log_path}")
            try:
                http_get(f"{self.url}/record/logs", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(_POLL)
        self.stop()
        raise NodeError(f"{self.organization}: serve did not answer; see {self.log_path}")

    def launch(self) -> None:
        """Start ``sideline serve`` without waiting for it (unless it runs already)."""
        if self.process is not None and self.process.poll() is None:
            return
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [*SIDELINE, "serve", "--port", str(self.port), "--threads", "4"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def stop(self) -> None:
        """Stop the node (SIGTERM, then SIGKILL after 30 s)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def logs(self) -> list[dict[str, Any]]:
        """Return the node's ``/record/logs``."""
        value: list[dict[str, Any]] = json.loads(http_get(f"{self.url}/record/logs"))
        return value

    def replicas(self) -> dict[str, dict[str, Any]]:
        """Return the node's replicas by organization (``/record/replicas``)."""
        rows = json.loads(http_get(f"{self.url}/record/replicas"))
        return {row["organization"]: row for row in rows}

    def checkpoint_size(self) -> int:
        """Return the size of the node's own log's latest checkpoint (0 without one)."""
        try:
            note = http_get(f"{self.url}/record/{self.organization}/checkpoint")
        except urllib.error.HTTPError:
            return 0
        return int(note.split(b"\n")[1])

    @contextmanager
    def appender(self) -> Iterator[Appender]:
        """Yield an :class:`Appender`: one long-lived process appending to this node's log."""
        appender = Appender(self)
        try:
            yield appender
        finally:
            appender.close()


_APPENDER = """
import os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
django.setup()
from sideline.record.services import NewEntry, append_entries
org = sys.argv[1]
for line in sys.stdin:
    count, prefix = line.split()
    rows = append_entries(organization=org, entries=[
        NewEntry(kind="meeting.created", subject=f"{prefix}/{i}") for i in range(int(count))])
    print(rows[-1].index + 1, flush=True)
"""


class Appender:
    """Append entries to a node's log from a process kept open (as the node's own
    services would): no start-up cost per entry, so that a benchmark times the network."""

    def __init__(self, node: LocalNode) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _APPENDER, node.organization],
            env=node.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def append(self, count: int = 1, *, prefix: str = "meeting") -> int:
        """Append ``count`` entries in one transaction; return the log's new size."""
        if self.process.stdin is None or self.process.stdout is None:
            raise NodeError("the appender has no pipes")
        self.process.stdin.write(f"{count} {prefix}\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise NodeError("the appender stopped; is the node's database set up?")
        return int(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=60)


@dataclass
class LocalFederation:
    """Nodes of ``organizations`` under ``root``; :meth:`setup`, :meth:`start`, :meth:`join`.

    ``database_url``: a PostgreSQL server URL (``postgres://user@host:port/``) gives each
    node a database of its own, ``<database_prefix>_<organization>``; without it each
    node has its own SQLite file. ``env`` adds variables to every node's environment.
    """

    organizations: list[str]
    root: Path
    ports: dict[str, int] = field(default_factory=dict)
    database_url: str | None = None
    database_prefix: str = "sideline_localnet"
    env: dict[str, str] = field(default_factory=dict)
    nodes: dict[str, LocalNode] = field(default_factory=dict)

    def _base_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SIDELINE_", "DJANGO_"))}
        others = max(0, len(self.organizations) - 1)
        env.update(
            SIDELINE_RECORD_QUORUM=str(others // 2 + 1 if others else 0),
            SIDELINE_FEDERATION_TICK="0.2",
            SIDELINE_FEDERATION_PULL_INTERVAL="5",
            SIDELINE_FEDERATION_STALE_AFTER="60",
            OPENBLAS_NUM_THREADS="1",
        )
        env.update(self.env)
        return env

    def _database(self, name: str) -> str | None:
        if self.database_url is None:
            return None
        parts = urllib.parse.urlsplit(self.database_url)
        return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))

    def _postgres(self, sql: str) -> None:
        import psycopg

        admin = self._database("postgres") or ""
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.encode())

    def setup(self, *, say: Callable[[str], None] = lambda _: None) -> None:
        """Create every node: a template database initialised once, copied per node,
        then each node's own keys and log (``sideline init --organization``)."""
        self.root.mkdir(parents=True, exist_ok=True)
        base = self._base_env()
        template_dir = self.root / "template"
        template_db = f"{self.database_prefix}_template"
        template = LocalNode("template", template_dir, 0, dict(base))
        template.env["SIDELINE_DATA_DIR"] = str(template_dir)
        template.env["SIDELINE_SECRET_KEY"] = secrets.token_urlsafe(40)
        if self.database_url is not None:
            self._postgres(f'DROP DATABASE IF EXISTS "{template_db}"')
            self._postgres(f'CREATE DATABASE "{template_db}"')
            template.env["SIDELINE_DATABASE_URL"] = self._database(template_db) or ""
        say("setting up a template node (migrate, load the registry)…")
        template.run("init", "--no-demo")
        for slug in self.organizations:
            directory = self.root / slug
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            env = dict(base)
            env.update(
                SIDELINE_DATA_DIR=str(directory),
                SIDELINE_SECRET_KEY=secrets.token_urlsafe(40),
                SIDELINE_KEY_PASSPHRASE=secrets.token_urlsafe(16),
                SIDELINE_RECORD_HOST=f"{slug}.localnet",
                SIDELINE_ORGANIZATIONS=slug,
            )
            if self.database_url is not None:
                name = f"{self.database_prefix}_{slug}"
                self._postgres(f'DROP DATABASE IF EXISTS "{name}"')
                self._postgres(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
                env["SIDELINE_DATABASE_URL"] = self._database(name) or ""
            else:
                shutil.copy(template_dir / "sideline.sqlite3", directory / "sideline.sqlite3")
            port = self.ports.get(slug) or free_port()
            self.nodes[slug] = LocalNode(slug, directory, port, env)
        say(f"setting up the nodes of {', '.join(self.organizations)} (keys, log, log-in)…")
        # One process per node, all at once: each is mostly Django starting.
        running = [
            (
                node,
                subprocess.Popen(
                    [
                        *SIDELINE,
                        "shell",
                        "-c",
                        _NODE_SETUP.format(organization=node.organization, username=node.username),
                    ],
                    env={**node.env, "SIDELINE_NEW_PASSWORD": node.password},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
            for node in self.nodes.values()
        ]
        for node, process in running:
            _, err = process.communicate(timeout=600)
            if process.returncode != 0:
                last = (err.strip().splitlines() or ["(no output)"])[-1]
                raise NodeError(f"{node.organization}: setting up the node failed: {last}")
        if self.database_url is not None:
            self._postgres(f'DROP DATABASE IF EXISTS "{template_db}"')

    def start(self, organizations: list[str] | None = None) -> None:
        """Start the nodes (all processes at once), and wait until each answers."""
        slugs = organizations or self.organizations
        for slug in slugs:
            self.nodes[slug].launch()
        for slug in slugs:
            self.nodes[slug].start()

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()

    def drop(self) -> None:
        """Stop every node and drop their PostgreSQL databases (files stay under root)."""
        self.stop()
        if self.database_url is not None:
            for slug in self.organizations:
                self._postgres(f'DROP DATABASE IF EXISTS "{self.database_prefix}_{slug}"')

    def published(self, organizations: list[str] | None = None) -> dict[str, dict[str, Any]]:
        """Return each node's own log as it publishes it at ``/record/logs``."""
        result = {}
        for slug in organizations or self.organizations:
            node = self.nodes[slug]
            for info in node.logs():
                if info["organization"] == slug:
                    result[slug] = info
        return result

    def join(self, *, among: list[str] | None = None, peers: list[str] | None = None) -> None:
        """Make each node of ``among`` follow each node of ``peers`` (default: all of
        them, each the others), writing the federation files as ``join`` would."""
        among = among or self.organizations
        peers = peers or self.organizations
        published = self.published(peers)
        for slug in among:
            entries = []
            for other in peers:
                if other == slug:
                    continue
                info = published[other]
                keys = {
                    name: list(info.get(name, []))
                    for name in ("log_keys", "organization_keys", "witness_keys", "encryption_keys")
                }
                entries.append({"url": self.nodes[other].url, "organizations": {other: keys}})
            document = {"schema": "sideline.federation/1", "peers": entries}
            path = self.nodes[slug].directory / "federation.json"
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
            temporary.replace(path)

    def join_with_cli(self, slug: str, other: str) -> str:
        """Run ``sideline federation join`` on ``slug``'s node for ``other``'s."""
        return self.nodes[slug].run("federation", "join", self.nodes[other].url)

    def wait_for(
        self, condition: Callable[[], bool], *, timeout: float = 120.0, what: str = "a condition"
    ) -> None:
        """Poll ``condition`` until true; raise after ``timeout`` seconds (generous)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (OSError, urllib.error.URLError, ValueError, KeyError):
                pass  # a node restarting, or not yet holding the replica
            time.sleep(_POLL)
        raise TimeoutError(f"{what} did not happen within {timeout:g} s")

    def replica_size(self, on: str, of: str) -> int:
        """Return how many entries of ``of``'s log the node of ``on`` holds, verified."""
        row = self.nodes[on].replicas().get(of)
        return int(row["size"]) if row and row["trusted"] else 0


def record_scenario(federation: LocalFederation, say: Callable[[str], None]) -> None:
    """Each node appends one entry; wait until every node holds every other's, verified."""
    sizes = {}
    for slug, node in federation.nodes.items():
        with node.appender() as appender:
            sizes[slug] = appender.append(1, prefix="demo")
        say(f"{slug}: appended entry {sizes[slug] - 1} to its own log")

    def holds(slug: str, other: str, size: int) -> Callable[[], bool]:
        return lambda: federation.replica_size(slug, other) >= size

    for slug in federation.nodes:
        for other, size in sizes.items():
            if other != slug:
                federation.wait_for(
                    holds(slug, other, size), what=f"{other}'s entry reaching {slug}"
                )
    say("every node holds every other node's entries, verified")


# Run in a node: its signatory creates a public meeting with the other organizations
# (as the meetings page would), or says whether a meeting is a row there.
_MEETING = """
import datetime, os, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
django.setup()
from django.contrib.auth import get_user_model
from sideline.meetings.models import Meeting
from sideline.meetings.services import create_meeting
if sys.argv[1] == "create":
    org, others = sys.argv[2], sys.argv[3].split(",")
    actor = get_user_model().objects.get(username=f"{org}-signatory")
    meeting = create_meeting(actor=actor, title="Talks across nodes", host=org,
                             participants=others, date=datetime.date(2027, 3, 1), public=True)
    print(meeting.op_id)
else:
    print(Meeting.objects.filter(op_id=sys.argv[2]).exists())
"""


def meeting_scenario(federation: LocalFederation, say: Callable[[str], None]) -> None:
    """The first node creates a public meeting with the others; wait until it is a row on
    every node (pushed, pulled, and projected by each node's follower)."""
    host, *others = federation.organizations
    op_id = federation.nodes[host].python(_MEETING, "create", host, ",".join(others)).strip()
    say(f"{host}: created meeting {op_id} with {', '.join(others)}")

    def has(slug: str) -> Callable[[], bool]:
        return lambda: federation.nodes[slug].python(_MEETING, "has", op_id).strip() == "True"

    for slug in others:
        federation.wait_for(has(slug), what=f"meeting {op_id} becoming a row on {slug}'s node")
        say(f"{slug}: meeting {op_id} is a row here")


# The scenarios `sideline demo federation --scenario` offers.
SCENARIOS: dict[str, Callable[[LocalFederation, Callable[[str], None]], None]] = {
    "meeting": meeting_scenario,
    "record": record_scenario,
}

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
--scenario`` offers: ``record`` (entries reach every node), ``meeting`` (a meeting
created on one node becomes a row on the others) and ``decision`` (a meeting of three
organizations, each acting on its own node, to agreed minutes, an adopted decision and a
commitment with progress; then a confidential meeting the third organization's node
holds nothing of).
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
    "Agent",
    "Appender",
    "LocalFederation",
    "LocalNode",
    "MeetingOutcome",
    "NodeError",
    "agents",
    "decision_scenario",
    "free_port",
    "hold_meeting",
    "http_get",
    "meeting_scenario",
    "record_scenario",
]

SIDELINE = [sys.executable, "-m", "sideline.cli"]
_POLL = 0.05  # seconds between looks at a node: waiting, never measuring
# Between looks through an agent (a query or a whole reduction on the node): slower, so
# that waiting does not load the machine it waits on; and longer, for loaded CI machines.
_AGENT_POLL, _AGENT_TIMEOUT = 0.5, 300.0


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
    node (and its log); ``stdout`` and ``stderr`` are what the failed command printed."""

    stdout: str = ""
    stderr: str = ""


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
            error.stdout, error.stderr = done.stdout, done.stderr
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
                # One process: a loopback test node needs no fork per core, and five nodes
                # forking two each exhaust PostgreSQL's 100 connections beside the tests.
                [
                    *SIDELINE,
                    "serve",
                    "--port",
                    str(self.port),
                    "--processes",
                    "1",
                    "--threads",
                    "4",
                ],
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
    def agent(self) -> Iterator[Agent]:
        """Yield an :class:`Agent`: one long-lived process acting as this node's signatory."""
        agent = Agent(self)
        try:
            yield agent
        finally:
            agent.close()

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


# Run in a node: its signatory acts through the meetings services, as the pages would,
# one JSON request a line; or it reads the node's rows and reduced state. An action the
# services refuse is answered {"error": "<code>: <message>"}.
_AGENT = """
import datetime, json, os, secrets, sys, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sideline.settings")
django.setup()
from django.contrib.auth import get_user_model
from sideline.meetings import services
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Commitment, Decision, Meeting
from sideline.oplog import reduce_node
from sideline.record.models import Log
org = sys.argv[1]

def actor():
    return get_user_model().objects.get(username=f"{org}-signatory")

def meeting(op_id):
    return Meeting.objects.get(op_id=op_id)

def show(op_id):
    found = Meeting.objects.filter(op_id=op_id).first()
    if found is None:
        return {"meeting": None}
    minutes = getattr(found, "minutes", None)
    return {
        "meeting": found.op_id,
        "participants": sorted(found.participations.values_list("organization__slug", flat=True)),
        "agenda": list(found.agenda.order_by("position").values_list("title", flat=True)),
        "minutes": minutes.status if minutes else None,
        "decisions": dict(Decision.objects.filter(meeting=found).values_list("op_id", "status")),
        "commitments": dict(
            Commitment.objects.filter(decision__meeting=found).values_list("op_id", "progress")
        ),
    }

def act(request):
    what = request["action"]
    if what == "create":
        made = services.create_meeting(
            actor=actor(), title=request["title"], host=org, participants=request["participants"],
            date=datetime.date.fromisoformat(request["date"]), public=request["public"])
        return {"meeting": made.op_id}
    if what == "agenda":
        services.set_agenda(actor=actor(), meeting=meeting(request["meeting"]), items=request["items"])
    elif what == "delegate":
        links = []
        named = services.invite_delegate(
            actor=actor(), meeting=meeting(request["meeting"]), name=request["name"],
            email=request["email"], accept_url=lambda secret: links.append(secret) or secret)
        services.accept_invitation(
            secret=links[0], username=request["username"], password=secrets.token_urlsafe(18))
        named.refresh_from_db()
        services.approve_delegate(actor=actor(), delegate=named)
        return {"delegate": named.op_id}
    elif what == "minutes":
        services.save_minutes(actor=actor(), meeting=meeting(request["meeting"]), text=request["text"])
        services.circulate_minutes(actor=actor(), meeting=meeting(request["meeting"]))
    elif what == "agree":
        services.agree_minutes(actor=actor(), meeting=meeting(request["meeting"]))
    elif what == "propose":
        made = services.propose_decision(
            actor=actor(), meeting=meeting(request["meeting"]), title=request["title"],
            text=request["text"])
        return {"decision": made.op_id}
    elif what == "respond":
        services.respond_to_decision(
            actor=actor(), decision=Decision.objects.get(op_id=request["decision"]),
            position=request["position"], reason=request.get("reason", ""))
    elif what == "commit":
        made = services.make_commitment(
            actor=actor(), decision=Decision.objects.get(op_id=request["decision"]), owner=org,
            description=request["description"], target=request["target"],
            due_date=datetime.date.fromisoformat(request["due"]))
        return {"commitment": made.op_id}
    elif what == "progress":
        services.update_progress(
            actor=actor(), commitment=Commitment.objects.get(op_id=request["commitment"]),
            percent=request["percent"], note=request.get("note", ""))
    elif what == "show":
        return show(request["meeting"])
    elif what == "state":
        _, reduction = reduce_node()
        wanted = request.get("meeting")
        return {
            "digest": reduction.digest(),
            "meeting_digest": reduction.meeting_digest(wanted) if wanted else None,
            "confidential": sorted(reduction.confidential.meetings),
            "size": Log.objects.get(organization__slug=org).size,
            "rejected": [[v.origin, v.index, v.code] for v in reduction.verdicts
                         if v.status == "rejected"],
        }
    else:
        return {"error": f"unknown action {what!r}"}
    return {}

for line in sys.stdin:
    try:
        answer = act(json.loads(line))
    except MeetingError as error:
        answer = {"error": f"{error.code}: {error}"}
    print(json.dumps(answer), flush=True)
"""


class Agent:
    """A node's signatory acting through the meetings services from a process kept open
    (one Django start-up for a whole meeting); see ``_AGENT`` for the actions."""

    def __init__(self, node: LocalNode) -> None:
        self.node = node
        self.process = subprocess.Popen(
            [sys.executable, "-c", _AGENT, node.organization],
            env=node.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __call__(self, action: str, **request: Any) -> dict[str, Any]:
        """Run ``action`` on the node; return its answer.

        Raises:
            NodeError: the services refused it (the text names the node and the code), or
                the agent stopped (its traceback is in the test's stderr).
        """
        if self.process.stdin is None or self.process.stdout is None:
            raise NodeError("the agent has no pipes")
        self.process.stdin.write(json.dumps({"action": action, **request}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise NodeError(f"{self.node.organization}: the agent stopped during {action}")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise NodeError(f"{self.node.organization}: {action}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


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
        self,
        condition: Callable[[], bool],
        *,
        timeout: float = 120.0,
        what: str = "a condition",
        poll: float = _POLL,
    ) -> None:
        """Poll ``condition`` every ``poll`` seconds until true; raise after ``timeout``
        seconds (generous)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if condition():
                    return
            except (OSError, urllib.error.URLError, ValueError, KeyError):
                pass  # a node restarting, or not yet holding the replica
            time.sleep(poll)
        raise TimeoutError(f"{what} did not happen within {timeout:g} s")

    def fill(self, organizations: list[str], per_node: int, *, timeout: float = 900.0) -> None:
        """Append ``per_node`` entries to each node of ``organizations`` (1,000 a
        transaction) and wait until each has checkpointed them (the benches' data)."""
        for slug in organizations:
            with self.nodes[slug].appender() as appender:
                done = 0
                while done < per_node:
                    batch = min(1000, per_node - done)
                    appender.append(batch, prefix="bulk")
                    done += batch

        def checkpointed(slug: str) -> Callable[[], bool]:
            return lambda: self.nodes[slug].checkpoint_size() >= per_node

        for slug in organizations:
            self.wait_for(checkpointed(slug), timeout=timeout, what=f"{slug} checkpointing")

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


@contextmanager
def agents(federation: LocalFederation) -> Iterator[dict[str, Agent]]:
    """Yield an :class:`Agent` for every node of ``federation``, closed on exit."""
    opened: dict[str, Agent] = {}
    try:
        for slug, node in federation.nodes.items():
            opened[slug] = Agent(node)
        yield opened
    finally:
        for agent in opened.values():
            agent.close()


@dataclass
class MeetingOutcome:
    """What :func:`hold_meeting` did: the objects' global identifiers and each node's
    state digest at the end (the public one; a confidential meeting's digest for one)."""

    meeting: str
    decision: str
    commitment: str | None
    digests: dict[str, str]


def hold_meeting(
    federation: LocalFederation,
    say: Callable[[str], None],
    crew: dict[str, Agent],
    *,
    host: str,
    guests: list[str],
    public: bool = True,
    down: str | None = None,
    secret: str = "",
    commitment: bool = True,
) -> MeetingOutcome:
    """Hold a meeting, each organization acting only on its own node.

    ``host`` creates it with ``guests``, sets the agenda, names a delegate (invited,
    accepting and approved on each organization's node), drafts and circulates minutes
    and proposes a decision; each participant agrees to the minutes and approves the
    decision on its own node, after waiting until that node shows them (pushed, pulled,
    projected). ``down``, a guest, is stopped once the agenda is set and started again
    after the others answered: it must catch up before it can answer. The first guest
    then makes a commitment and reports progress on its node. ``secret`` goes into the
    agenda and the decision's text (a confidential meeting's canary). Returns once the
    decision is adopted, the commitment's progress shown on every participant's node and
    their digests equal.

    Raises:
        NodeError: a node refused an act (its code); TimeoutError: a wait ran out.
    """
    participants = [host, *guests]

    def shows(slug: str, check: Callable[[dict[str, Any]], bool], what: str) -> None:
        federation.wait_for(
            lambda: check(crew[slug]("show", meeting=meeting)),
            what=f"{what} on {slug}'s node",
            poll=_AGENT_POLL,
            timeout=_AGENT_TIMEOUT,
        )

    title = "Liaison on drug routes" if public else "Quiet talks"
    meeting = crew[host](
        "create", title=title, participants=guests, date="2027-03-01", public=public
    )["meeting"]
    say(
        f"{host}: created {'public' if public else 'confidential'} meeting {meeting} with "
        f"{', '.join(guests)}"
    )
    agenda = ["Opening", f"Liaison officers {secret}".strip(), "Next steps"]
    crew[host]("agenda", meeting=meeting, items=agenda)
    for slug in guests:
        shows(slug, lambda rows: rows["agenda"] == agenda, f"meeting {meeting} and its agenda")
    say(f"{', '.join(guests)}: the meeting and its agenda are rows on their nodes")
    for slug in participants:
        crew[slug](
            "delegate",
            meeting=meeting,
            name=f"Delegate of {slug.upper()}",
            email=f"delegate-{secrets.token_hex(4)}@{slug}.localnet",
            username=f"{slug}-delegate-{secrets.token_hex(4)}",
        )
    say(f"{', '.join(participants)}: each named, and approved, its delegate on its own node")
    if down is not None:
        # Stopped once what it did has left it: the host's next ops name its delegate's
        # ops as seen, and a node that never got them could apply nothing after them
        # until it returns (a node serves only its own logs; no peer relays another's).
        size = int(crew[down]("state")["size"])

        def holds(slug: str) -> Callable[[], bool]:
            return lambda: federation.replica_size(slug, down) >= size

        for slug in federation.organizations:
            if slug != down:
                federation.wait_for(
                    holds(slug),
                    what=f"{down}'s {size} entries reaching {slug}'s node",
                    poll=_AGENT_POLL,
                    timeout=_AGENT_TIMEOUT,
                )
        federation.nodes[down].stop()
        say(f"{down}: node stopped")
    crew[host]("minutes", meeting=meeting, text=f"The participants met. {secret}".strip())
    decision = crew[host](
        "propose",
        meeting=meeting,
        title="Exchange liaison officers",
        text=f"{', '.join(p.upper() for p in participants)} exchange liaison officers on drug "
        f"routes from Afghanistan. {secret}".strip(),
    )["decision"]
    say(f"{host}: circulated the minutes and proposed decision {decision}")
    crew[host]("agree", meeting=meeting)
    crew[host]("respond", decision=decision, position="approve")
    up = [slug for slug in guests if slug != down]
    for slug in up:
        shows(slug, lambda rows: rows["decisions"].get(decision) == "proposed", "the decision")
        crew[slug]("agree", meeting=meeting)
        crew[slug]("respond", decision=decision, position="approve")
        say(f"{slug}: agreed to the minutes and approved {decision} on its own node")
    if down is not None:
        federation.nodes[down].start()
        say(f"{down}: node started again")
        shows(down, lambda rows: rows["decisions"].get(decision) == "proposed", "the decision")
        say(f"{down}: caught up (the decision proposed while it was down is a row there)")
        crew[down]("agree", meeting=meeting)
        crew[down]("respond", decision=decision, position="approve")
        say(f"{down}: agreed to the minutes and approved {decision} on its own node")
    for slug in participants:
        shows(
            slug,
            lambda rows: (
                rows["decisions"].get(decision) == "adopted" and rows["minutes"] == "agreed"
            ),
            "the decision adopted and the minutes agreed",
        )
    say(f"{decision} adopted and the minutes agreed on every participant's node")
    made = None
    if commitment:
        owner = guests[0]
        made = crew[owner](
            "commit",
            decision=decision,
            description="Second two liaison officers",
            target="Two officers in post",
            due="2027-12-31",
        )["commitment"]
        crew[owner]("progress", commitment=made, percent=40, note="One officer in post")
        for slug in participants:
            shows(
                slug,
                lambda rows: rows["commitments"].get(made) == 40,
                "the commitment's progress",
            )
        say(f"{owner}: made commitment {made} and reported 40 %, shown on every participant's node")
    key = "digest" if public else "meeting_digest"
    digests: dict[str, str] = {}

    def agree() -> bool:
        digests.clear()
        for slug in participants:
            digests[slug] = crew[slug]("state", meeting=meeting)[key]
        return len(set(digests.values())) == 1

    federation.wait_for(
        agree,
        what=f"the participants' {key}s of {meeting} agreeing",
        poll=_AGENT_POLL,
        timeout=_AGENT_TIMEOUT,
    )
    say(f"every participant's node: {key} {next(iter(digests.values()))[:16]}…")
    return MeetingOutcome(meeting, decision, made, dict(digests))


def decision_scenario(federation: LocalFederation, say: Callable[[str], None]) -> None:
    """A public meeting of the first three organizations to an adopted decision, agreed
    minutes and a commitment with progress; then a confidential one of the first two,
    which the third's node holds no row of."""
    if len(federation.organizations) < 3:
        raise NodeError("the decision scenario needs three organizations or more")
    host, first, second = federation.organizations[:3]
    with agents(federation) as crew:
        public = hold_meeting(federation, say, crew, host=host, guests=[first, second])
        say(f"{public.decision}: adopted; commitment {public.commitment} on track")
        quiet = hold_meeting(
            federation, say, crew, host=host, guests=[first], public=False, commitment=False
        )
        if crew[second]("show", meeting=quiet.meeting)["meeting"] is not None:
            raise NodeError(f"{second}: holds a row of confidential meeting {quiet.meeting}")
        say(f"{second}: holds no row of confidential meeting {quiet.meeting}")


# The scenarios `sideline demo federation --scenario` offers.
SCENARIOS: dict[str, Callable[[LocalFederation, Callable[[str], None]], None]] = {
    "decision": decision_scenario,
    "meeting": meeting_scenario,
    "record": record_scenario,
}

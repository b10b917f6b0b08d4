"""A second Sideline node in a subprocess, for the tests that talk to a real peer over
loopback: its own data directory, SQLite database and origin host (``b.example``).

``start_node`` seeds it with a small registry, entries of CSTO and NATO and a witness
round, then serves it; stop it with ``Node.stop``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.registry.package_factory import write_package

__all__ = ["SIDELINE", "Node", "start_node"]

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


def start_node(directory: Path) -> Node:
    """Start a seeded node B under ``directory`` and return it, serving."""
    node = Node(directory / "b")
    package = write_package(directory / "b-package")
    node.run("migrate", "-v", "0")
    node.shell(SEED.format(package=str(package)))
    node.start()
    return node

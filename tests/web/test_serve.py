"""``sideline serve`` forks one waitress process per core, each keeping waitress's body limit."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sideline.web.management.commands.serve import default_processes


def _environment(data: Path) -> dict[str, str]:
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "SIDELINE_DATABASE_URL"}
    }
    # A small body limit, so that the refused body is small too.
    return {**inherited, "SIDELINE_DATA_DIR": str(data), "SIDELINE_MAX_BODY_BYTES": "2048"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, str]]:
    environment = _environment(tmp_path / "data")
    migrated = subprocess.run(
        [sys.executable, "-m", "sideline.cli", "migrate", "-v0"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stderr
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sideline.cli", "serve", "--port", str(port), "--processes", "2"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        announced = server.stdout.readline().strip()
        yield server, port, announced
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=300)


def _get(port: int, path: str, *, declared: int | None = None) -> tuple[int, bytes]:
    # The children start after the announcement: retry a refused connection a bounded number
    # of times, never by the clock.
    for _ in range(200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if declared is None:
                connection.request("GET", path)
            else:
                # Only the declared length: waitress answers from the headers alone.
                connection.putrequest("POST", path)
                connection.putheader("Content-Length", str(declared))
                connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read()
        except ConnectionRefusedError:
            time.sleep(0.05)
    raise AssertionError("the server never accepted a connection")


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in found.read_text().split()] if found.exists() else []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="pre-forking needs os.fork")
def test_serve_starts_the_processes_it_names_and_stops_them_all(
    served: tuple[subprocess.Popen[str], int, str],
) -> None:
    server, port, announced = served

    status, _ = _get(port, "/record/logs")
    children = _children(server.pid)
    server.send_signal(signal.SIGTERM)
    code = server.wait(timeout=300)

    assert announced == (
        f"Sideline is serving at http://127.0.0.1:{port}/ with 2 processes of 8 threads "
        "(Ctrl+C to stop)"
    )
    assert status == 200
    assert len(children) == 2
    assert [Path(f"/proc/{child}").exists() for child in children] == [False, False]
    assert code == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="pre-forking needs os.fork")
def test_each_process_keeps_waitress_body_limit(
    served: tuple[subprocess.Popen[str], int, str],
) -> None:
    _, port, _ = served
    # The upload limit plus multipart's allowance is the larger of the two limits.
    from django.conf import settings

    from sideline.web.limits import MULTIPART_ALLOWANCE

    largest = settings.SIDELINE_MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE

    statuses = {_get(port, "/api/accounts/tokens", declared=largest + 1)[0] for _ in range(4)}

    assert statuses == {413}


def test_default_processes_is_the_cores_this_process_may_use() -> None:
    assert default_processes() == len(os.sched_getaffinity(0))

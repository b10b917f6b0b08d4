"""The README's first command: `sideline init` then `sideline serve` on a bare data folder."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_init_then_serve_lists_the_eight_organizations(tmp_path: Path) -> None:
    env = {**os.environ, "SIDELINE_DATA_DIR": str(tmp_path / "data")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("SIDELINE_DATABASE_URL", None)
    command = [sys.executable, "-m", "sideline.cli"]

    init = subprocess.run([*command, "init"], env=env, capture_output=True, text=True, timeout=600)
    assert init.returncode == 0, init.stderr
    assert "ready: run “sideline serve”" in init.stdout

    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        # e.g. "… at http://127.0.0.1:8000/ with 2 processes of 8 threads (Ctrl+C to stop)":
        # one process per core, so the count is the machine's.
        assert line.startswith(f"Sideline is serving at http://127.0.0.1:{port}/ with ")
        assert line.endswith(" threads (Ctrl+C to stop)")
        page = ""
        for _ in range(100):  # the port opens just after the line is printed
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        for abbreviation in ("UN", "OSCE", "CICA", "NATO", "CSTO", "SCO", "EU", "CIS"):
            assert f"<strong>{abbreviation}</strong>" in page
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/organizations/csto/members?as_of=2013-01-01"
        ) as response:
            assert response.status == 200
        # The bundled UN votes are imported by init: the voting analysis answers at once.
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/analysis/voting/KAZ?from=2010&to=2015"
        ) as response:
            assert response.status == 200
            assert b'"session": 65' in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)

    again = subprocess.run([*command, "init"], env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert "UN votes: kept the data set already imported" in again.stdout

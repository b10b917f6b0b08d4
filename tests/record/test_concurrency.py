"""Several processes append to one log at once; a killed appender loses nothing it
acknowledged. PostgreSQL only: the SQLite test database lives in the test process's
memory, so other processes cannot open it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sideline.record.merkle import root_from_leaf_hashes
from sideline.record.models import Log
from sideline.record.services import ensure_log
from sideline.registry.services import load_package
from tests.registry.package_factory import write_package

SIDELINE = str(Path(sys.executable).with_name("sideline"))

APPEND = """
import sys
from sideline.record.services import append_entry
for i in range({count}):
    row = append_entry(organization="nato", kind="meeting.created", subject="w{worker}/" + str(i))
    print("ack", row.index, flush=True)
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "postgres" not in os.environ.get("SIDELINE_DATABASE_URL", ""),
        reason="needs PostgreSQL: the SQLite test database is in memory, private to this process",
    ),
]


def _env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = dict(os.environ)
    env.update(SIDELINE_DATABASE_URL=url, SIDELINE_DATA_DIR=str(settings.DATA_DIR))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _spawn(worker: int, count: int) -> subprocess.Popen[str]:
    code = APPEND.format(worker=worker, count=count)
    return subprocess.Popen(
        [SIDELINE, "shell", "-v", "0", "-c", code], env=_env(), stdout=subprocess.PIPE, text=True
    )


def _check_tree() -> tuple[list[int], bool]:
    log = Log.objects.get(organization__slug="nato")
    rows = list(log.entries.order_by("index").values_list("index", "leaf_hash"))
    root = root_from_leaf_hashes(bytes(h) for _, h in rows)
    return [i for i, _ in rows], (root == bytes(log.root_hash) and log.size == len(rows))


@pytest.fixture
def nato_log(transactional_db: None, tmp_path: Path) -> None:
    load_package(write_package(tmp_path / "package"))
    ensure_log(organization="nato")
    connection.close()


@pytest.mark.usefixtures("nato_log")
def test_concurrent_appenders_never_fork_or_reuse_an_index() -> None:
    workers = [_spawn(w, 25) for w in range(4)]
    outputs = [p.communicate(timeout=300)[0] for p in workers]

    indices, consistent = _check_tree()
    acked = sorted(int(line.split()[1]) for out in outputs for line in out.splitlines())
    assert [p.returncode for p in workers] == [0, 0, 0, 0]
    assert indices == list(range(100))
    assert acked == list(range(100))
    assert consistent is True


@pytest.mark.usefixtures("nato_log")
def test_killed_appender_keeps_every_acknowledged_entry() -> None:
    process = _spawn(0, 100_000)
    assert process.stdout is not None
    acked = [int(process.stdout.readline().split()[1]) for _ in range(30)]
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    indices, consistent = _check_tree()
    after = _spawn(1, 1)
    out, _ = after.communicate(timeout=120)

    assert set(acked) <= set(indices)
    assert indices == list(range(len(indices)))
    assert consistent is True
    assert out == f"ack {len(indices)}\n"

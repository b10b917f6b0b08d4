"""Real nodes, one `sideline serve` process per organization, on loopback.

One federation per test process (pytest-xdist gives each worker its own): five nodes,
NATO, CSTO and the OSCE honest, the CIS's node, which test_nodes.py turns hostile (a
fork), and the SCO's, which test_sovereign_meeting.py turns hostile last (forged
approvals); files run in that order, so each hostile act comes after the tests that need
that node honest. Each
has its own data directory, keys, `SIDELINE_ORGANIZATIONS` and database: a SQLite file,
or, when the suite runs on PostgreSQL (`SIDELINE_DATABASE_URL`), a database of its own
on that server. Pulls are scheduled an hour apart, so that what arrives within a test
arrived by push (or by the pull a node makes when it starts).
"""

from __future__ import annotations

import os
import urllib.parse
from collections.abc import Iterator

import pytest

from sideline.record.localnet import LocalFederation

ORGANIZATIONS = ["nato", "csto", "osce", "cis", "sco"]


@pytest.fixture(scope="session")
def federation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalFederation]:
    database = os.environ.get("SIDELINE_DATABASE_URL", "")
    server, prefix = None, "localnet"
    if database.startswith("postgres"):
        parts = urllib.parse.urlsplit(database)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        server, prefix = database, f"{parts.path.strip('/')}_net_{worker}"
    net = LocalFederation(
        ORGANIZATIONS,
        tmp_path_factory.mktemp("federation_net"),
        database_url=server,
        database_prefix=prefix,
        env={
            "SIDELINE_FEDERATION_PULL_INTERVAL": "3600",
            "SIDELINE_FEDERATION_STALE_AFTER": "3600",
        },
    )
    try:
        net.setup()
        net.start()
        net.join()
        yield net
    finally:
        net.drop()

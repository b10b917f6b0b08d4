"""Shared fixtures of the record core tests."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def tlog_vectors() -> Path:
    """Return the tlog-vectors directory of the reference data, or skip."""
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; the tlog-vectors tests need it")
    return Path(root) / "tlog-vectors"


@pytest.fixture(autouse=True)
def trusted_witnesses(settings: Any) -> None:
    """Count the witnesses of the test package's organizations, as a federation that
    names them in SIDELINE_RECORD_WITNESSES does (node B in test_sync.py does too)."""
    settings.RECORD_PEERS = dataclasses.replace(settings.RECORD_PEERS, witnesses=("nato", "csto"))

"""Shared fixtures of the record core tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def tlog_vectors() -> Path:
    """Return the tlog-vectors directory of the reference data, or skip."""
    root = os.environ.get("SIDELINE_REFERENCE_DATA")
    if not root:
        pytest.skip("SIDELINE_REFERENCE_DATA is not set; the tlog-vectors tests need it")
    return Path(root) / "tlog-vectors"

"""Curators for the curation tests, made through the real accounts services."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.factories import person

# Uzbekistan's restored CSTO membership, as bundled: the fact the tests correct.
UZBEKISTAN = {
    "organization": "csto",
    "state": "UZB",
    "participant_organization": "",
    "start": "2006-08-16",
}


@pytest.fixture
def alice(registry: None) -> Any:
    return person("alice", organization=None, role="curator")


@pytest.fixture
def bob(registry: None) -> Any:
    return person("bob", organization=None, role="curator")

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # The cache outlives a test's database rollback.
    cache.clear()
    yield
    cache.clear()

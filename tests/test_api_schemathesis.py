"""Schemathesis against the in-process API: every answer must match the OpenAPI document.

Examples are few and derandomized (the "sideline" hypothesis profile of conftest.py) so
that the run is the same on every machine and short on CI's two cores; raise
``SIDELINE_SCHEMATHESIS_EXAMPLES`` locally to look harder (docs/api.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from tests.accounts.factories import person

# Findings not fixed yet, by operation: the check that reports them is skipped there (and
# only there) until the document or the server is put right. Remove an entry to see it.
# Analysis refuses a date outside the loaded data (first founding to today), a range the
# document cannot state statically, and reads an empty as_of as today.
DATA_RANGE = "dates outside the loaded data are refused; as_of= means today"
# schemathesis ignores formatMinimum/formatMaximum (the declared 1900-2200 range of a Day) and
# sends dates such as 0304-12-21, which the server refuses with 422 as the document says.
DAY_RANGE = "generated dates ignore the declared formatMinimum/formatMaximum"
BOTH = (positive_data_acceptance, negative_data_rejection)
EMPTY = "empty text or list allowed by the document, refused by the server"
KNOWN: dict[str, tuple[tuple[Any, ...], str]] = {
    "PUT /api/planner/requests/{year}/{key}": ((positive_data_acceptance,), DAY_RANGE),
    "POST /api/meetings/decisions/{decision_id}/commitments": (
        (positive_data_acceptance,),
        DAY_RANGE,
    ),
    "POST /api/meetings/commitments/{commitment_id}/sub-items": (
        (positive_data_acceptance,),
        DAY_RANGE,
    ),
    "GET /api/analysis/overlap": (BOTH, DATA_RANGE),
    "GET /api/analysis/duplication": (BOTH, DATA_RANGE),
    "GET /api/analysis/bridges": (BOTH, DATA_RANGE),
    "GET /api/analysis/network": (BOTH, DATA_RANGE),
    "GET /api/analysis/suggestions": (BOTH, DATA_RANGE),
    "GET /api/analysis/suggestions/instance": (BOTH, DATA_RANGE),
    "GET /api/analysis/balance/{state}": (BOTH, DATA_RANGE),
    "GET /api/analysis/ties": (BOTH, DATA_RANGE),
    "GET /api/analysis/relations-network": ((negative_data_rejection,), "as_of= means today"),
    "POST /api/planner/requests/{year}": ((positive_data_acceptance,), EMPTY),
    "POST /api/planner/solve": ((positive_data_acceptance,), "body declared as any object"),
    "POST /api/meetings/": ((positive_data_acceptance,), EMPTY),
    "POST /api/meetings/{meeting_id}/documents": ((positive_data_acceptance,), "file type"),
}

EXAMPLES = int(os.environ.get("SIDELINE_SCHEMATHESIS_EXAMPLES", "10"))


# Loaded at collection, when pytest-django has configured Django; reading the document
# touches no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    # As Django's test client does: a request must not close the test's connection, whose
    # transaction rolls everything back at the end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token(registry: None) -> str:
    from sideline.accounts.services import create_token

    cache.clear()  # the throttle counts per process
    user = person("schemathesis", organization=None, role="coordinator")
    return create_token(user=user, name="schemathesis")[1]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case: Any, token: str) -> None:
    known = KNOWN.get(case.operation.label)
    case.call_and_validate(
        headers={"Accept-Encoding": "identity", "Authorization": f"Bearer {token}"},
        excluded_checks=list(known[0]) if known else None,
    )

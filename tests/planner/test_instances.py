"""`planner.services.instances`: instances built from the registry and its suggestions."""

from __future__ import annotations

from sideline.planner.services import (
    suggested_requests,
)
from sideline.registry.models import ForumSession


def test_suggested_requests_2013_only_pairs_with_a_common_session(registry: None) -> None:
    suggestions = suggested_requests(year=2013)
    attended = [
        {o.slug for o in s.attendees.all()} for s in ForumSession.objects.filter(start__year=2013)
    ]

    assert suggestions
    for request in suggestions:
        pair = set(request["organizations"])  # type: ignore[call-overload]  # JSON-shaped dict
        assert any(pair <= group for group in attended)
        assert request["not_before"] == "2013-01-01"

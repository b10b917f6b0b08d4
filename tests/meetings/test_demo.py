"""The demo step is idempotent."""

from __future__ import annotations

from sideline.meetings.demo import seed
from sideline.meetings.models import Commitment, Decision, Meeting


def test_demo_seed_twice_same_rows(registry: None) -> None:
    said: list[str] = []
    seed(say=said.append)
    seed(say=said.append)

    assert (Meeting.objects.count(), Decision.objects.get().status, Commitment.objects.count()) == (
        2,
        "adopted",
        2,
    )
    assert list(Meeting.objects.order_by("pk").values_list("public", flat=True)) == [True, False]
    assert said[-1] == "demo meeting already present"

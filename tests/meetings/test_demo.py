"""The demo step is idempotent."""

from __future__ import annotations

from sideline.meetings.demo import seed
from sideline.meetings.models import Commitment, Decision, Meeting


def test_demo_seed_twice_same_rows(registry: None) -> None:
    said: list[str] = []
    seed(say=said.append)
    seed(say=said.append)

    decisions = Decision.objects.order_by("number")
    assert (Meeting.objects.count(), Commitment.objects.count()) == (2, 2)
    assert list(decisions.values_list("status", "procedure", "language")) == [
        ("adopted", "meeting", "en"),
        ("adopted", "silence", "en"),
    ]
    assert [[v["language"] for v in d.versions] for d in decisions] == [["ru"], ["ru"]]
    assert list(Meeting.objects.order_by("pk").values_list("public", flat=True)) == [True, False]
    assert [[v["language"] for v in m.versions] for m in Meeting.objects.order_by("pk")] == [
        ["ru"],
        [],
    ]
    assert said[-1] == "demo meeting already present"


def test_demo_meetings_are_made_of_ops(registry: None) -> None:
    from sideline.meetings.projection import rebuild
    from sideline.oplog import reduce_node

    seed(say=lambda _line: None)

    _, reduction = reduce_node()
    assert rebuild(check=True).differences == []
    assert {v.status for v in reduction.verdicts} == {"applied"}
    assert [m.op_id in reduction.state.meetings for m in Meeting.objects.order_by("pk")] == [
        True,
        False,  # the confidential one: only in this node's confidential state
    ]
    assert [m.op_id for m in Meeting.objects.filter(public=False)] == list(
        reduction.confidential.meetings
    )

"""Building an organization's next op: its prev, its index, and what it has seen."""

from __future__ import annotations

import hashlib

from sideline.federation.writer import LocalLogs


def test_each_op_names_its_logs_previous_op_and_every_other_head(
    logs: LocalLogs, meeting: str
) -> None:
    first = logs.logs["nato"].head
    csto = logs.act(
        "csto", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    nato = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )

    op = logs.logs["nato"].build(
        "agenda.set", meeting, role="delegate", args={}, after=logs.heads(), clear={"items": ["A"]}
    )

    assert (nato.origin, nato.index, csto.index) == ("nato", 1, 0)
    assert op.prev == hashlib.sha256(nato.data).hexdigest()
    assert op.after == (hashlib.sha256(csto.data).hexdigest(),)
    assert first != op.prev

"""Concerns as a node shows them: the reducer's concerns joined with their ops' content.

The counterpart for concerns of :mod:`sideline.federation.projection` (meetings): plain
JSON per concern, the form in which the prevention app's rows are compared and rebuilt
(:mod:`sideline.prevention.concern_projection`). Content a node cannot read projects as
``None``.

>>> from sideline.federation.projection import public_ops
>>> from sideline.federation.writer import LocalLogs
>>> logs = LocalLogs(["osce", "csto", "sco"])
>>> _ = logs.act("osce", "concern.raise", "osce/k-1", role="delegate",
...     args={"state": "KGZ", "other_state": "TJK", "severity": 3,
...           "concerned": ["csto", "sco"], "public": True},
...     clear={"title": "Troops at the Batken border", "text": "Heavy weapons moved.",
...            "sources": ["https://example.org/report-1"]})
>>> _ = logs.act("csto", "concern.endorse", "osce/k-1", role="delegate", args={},
...     clear={"note": "We see it too."})
>>> ops = {op.hash: op for op in public_ops(e.data for e in logs.entries())}
>>> concern = project_concerns(logs.reduce().state, ops)["osce/k-1"]
>>> concern["concerned"], concern["endorsements"], concern["status"]
(['csto', 'osce', 'sco'], [['csto', 'We see it too.']], 'open')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sideline.federation.ops import Op
from sideline.federation.state import SharedState

__all__ = ["project_concerns"]


def _clear(ops: Mapping[str, Op], op_hash: str | None) -> Mapping[str, Any] | None:
    op = ops.get(op_hash or "")
    return None if op is None else op.clear


def project_concerns(state: SharedState, ops: Mapping[str, Op]) -> dict[str, dict[str, Any]]:
    """Join ``state``'s concerns with the content of ``ops`` (by hash: envelopes' for
    sealed ops); endorsements in the order of their organizations' slugs."""
    found: dict[str, dict[str, Any]] = {}
    for concern_id, concern in state.concerns.items():
        clear = _clear(ops, concern.op)
        found[concern_id] = {
            "raised_by": concern.raised_by,
            "state": concern.state,
            "other_state": concern.other_state,
            "severity": concern.severity,
            "concerned": sorted(concern.concerned),
            "public": concern.public,
            "status": concern.status,
            "title": None if clear is None else clear.get("title"),
            "text": None if clear is None else clear.get("text"),
            "sources": None if clear is None else list(clear.get("sources", [])),
            "endorsements": [
                [org, (_clear(ops, op_hash) or {}).get("note", "")]
                for org, op_hash in sorted(concern.endorsements.items())
            ],
        }
    return found

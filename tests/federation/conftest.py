"""Shared fixtures of the federation core tests: four organizations' logs on one node.

``meeting`` is a public meeting NATO hosts with CSTO and OSCE; ``decision`` a proposal
of CSTO in it; ``adopted`` the same decision approved by all three; ``commitment`` one
of OSCE's under it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sideline.federation.ordering import LoggedOp
from sideline.federation.writer import LocalLogs

SEALED = {"suite": "hpke-x25519-sha256-chacha20poly1305", "sha256": "ab" * 32, "size": 120}
TEXT = {"title": "Counter-narcotics", "text": "The organizations exchange liaison officers."}


def meeting_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "date": "2013-09-24",
        "timezone": "America/New_York",
        "cohost": None,
        "participants": ["csto", "osce"],
        "public": True,
    }
    return {**args, **changes}


@pytest.fixture
def logs() -> LocalLogs:
    return LocalLogs(["nato", "csto", "osce", "sco"])


@pytest.fixture
def judge(logs: LocalLogs) -> Callable[[LoggedOp], tuple[str, str]]:
    """Return (status, code) of an entry after reducing every log."""

    def run(entry: LoggedOp) -> tuple[str, str]:
        verdict = logs.reduce().verdict_at(entry.origin, entry.index)
        assert verdict is not None
        return verdict.status, verdict.code

    return run


@pytest.fixture
def meeting(logs: LocalLogs) -> str:
    logs.act(
        "nato",
        "meeting.create",
        "nato/m-1",
        role="delegate",
        args=meeting_args(),
        clear={"title": "NATO–CSTO–OSCE talks"},
    )
    return "nato/m-1"


@pytest.fixture
def private_meeting(logs: LocalLogs) -> str:
    """A confidential meeting NATO hosts with CSTO and OSCE: its ops travel sealed."""
    logs.act_sealed(
        "nato",
        "meeting.create",
        "nato/p-1",
        meeting="nato/p-1",
        role="delegate",
        args=meeting_args(public=False),
        clear={"title": "Confidential talks"},
    )
    return "nato/p-1"


@pytest.fixture
def decision(logs: LocalLogs, meeting: str) -> str:
    logs.act(
        "csto",
        "decision.propose",
        "csto/d-1",
        role="delegate",
        args={"meeting": meeting, "amends": None},
        clear=TEXT,
    )
    return "csto/d-1"


@pytest.fixture
def text_sha256(logs: LocalLogs, decision: str) -> str:
    return logs.reduce().state.decisions[decision].text_sha256


@pytest.fixture
def adopted(logs: LocalLogs, decision: str, text_sha256: str) -> str:
    for org in ("nato", "csto", "osce"):
        logs.act(
            org,
            "decision.respond",
            decision,
            role="signatory",
            args={"position": "approve", "text_sha256": text_sha256},
        )
    return decision


@pytest.fixture
def commitment(logs: LocalLogs, adopted: str) -> str:
    logs.act(
        "osce",
        "commitment.make",
        "osce/c-1",
        role="delegate",
        args={
            "decision": adopted,
            "parent": None,
            "due": "2014-03-01",
            "timezone": None,
            "review": "2014-01-15",
            "milestones": [{"due": "2013-12-01"}, {"due": None}],
        },
        clear={
            "description": "Train border guards",
            "target": "200 officers",
            "milestones": ["Curriculum", "First course"],
        },
    )
    return "osce/c-1"

"""The shared state's canonical JSON and digest."""

from __future__ import annotations

import hashlib

import rfc8785

from sideline.federation.ops import clear_content_hash
from sideline.federation.writer import LocalLogs


def test_state_json_of_a_meeting(logs: LocalLogs, meeting: str) -> None:
    state = logs.reduce().state

    assert state.to_json()["meetings"][meeting] == {
        "host": "nato",
        "cohost": None,
        "participants": ["csto", "nato", "osce"],
        "public": True,
        "date": "2013-09-24",
        "timezone": "America/New_York",
        "content_sha256": clear_content_hash({"title": "NATO–CSTO–OSCE talks"}),
        "op": logs.logs["nato"].head,
        "forum_session": None,
        "planner_request": None,
        "agenda": None,
        "minutes": {"status": "none", "revisions": []},
        "decisions": [],
        "delegates": {},
        "documents": {},
    }


def test_digest_is_sha256_of_rfc8785_state(logs: LocalLogs, commitment: str) -> None:
    state = logs.reduce().state

    assert state.digest() == hashlib.sha256(rfc8785.dumps(state.to_json())).hexdigest()


def test_digest_changes_with_any_applied_op(logs: LocalLogs, adopted: str) -> None:
    before = logs.reduce().digest()
    logs.act("nato", "agenda.set", "nato/m-1", role="delegate", args={}, clear={"items": ["A"]})

    assert logs.reduce().digest() != before

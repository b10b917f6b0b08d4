"""Rules of decisions, commitments and calendars, each both ways, with exact codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sideline.federation.ops import clear_content_hash
from sideline.federation.ordering import LoggedOp
from sideline.federation.writer import LocalLogs

Judge = Callable[[LoggedOp], tuple[str, str]]
SEALED = {"suite": "hpke-x25519-sha256-chacha20poly1305", "sha256": "ab" * 32, "size": 120}
NEW_TEXT = {"title": "Counter-narcotics", "text": "Liaison officers, and a joint report."}


def respond(
    logs: LocalLogs, org: str, decision: str, position: str, text: str, **kw: Any
) -> LoggedOp:
    return logs.act(
        org,
        "decision.respond",
        decision,
        role=kw.pop("role", "signatory"),
        args={"position": position, "text_sha256": text},
        **kw,
    )


# Proposing


def test_participant_proposes_decision_numbered_in_meeting(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    first = logs.act(
        "osce",
        "decision.propose",
        "osce/d-1",
        role="delegate",
        args={"meeting": meeting, "amends": None},
        clear=NEW_TEXT,
    )
    second = logs.act(
        "nato",
        "decision.propose",
        "nato/d-1",
        role="signatory",
        args={"meeting": meeting, "amends": None},
        clear=NEW_TEXT,
    )

    state = logs.reduce().state

    assert (judge(first), judge(second)) == (("applied", ""), ("applied", ""))
    assert [state.decisions[d].number for d in ("osce/d-1", "nato/d-1")] == [1, 2]
    assert state.decisions["osce/d-1"].text_sha256 == clear_content_hash(NEW_TEXT)


@pytest.mark.parametrize(
    ("actor", "object_id", "args", "clear", "code"),
    [
        ("sco", "sco/d-1", {"meeting": "nato/m-1", "amends": None}, NEW_TEXT, "not_participant"),
        ("osce", "osce/d-1", {"meeting": "nato/m-9", "amends": None}, NEW_TEXT, "unknown_meeting"),
        (
            "osce",
            "osce/d-1",
            {"meeting": "nato/m-1", "amends": None},
            {"title": "T", "text": "  "},
            "text_required",
        ),
        ("osce", "nato/d-1", {"meeting": "nato/m-1", "amends": None}, NEW_TEXT, "object_not_yours"),
        (
            "osce",
            "osce/d-1",
            {"meeting": "nato/m-1", "amends": "csto/d-1"},
            NEW_TEXT,
            "amends_not_adopted",
        ),
    ],
)
def test_propose_refused(
    logs: LocalLogs,
    decision: str,
    judge: Judge,
    actor: str,
    object_id: str,
    args: dict[str, Any],
    clear: dict[str, str],
    code: str,
) -> None:
    entry = logs.act(actor, "decision.propose", object_id, role="delegate", args=args, clear=clear)

    assert judge(entry) == ("rejected", code)


def test_amendment_of_adopted_decision_accepted(
    logs: LocalLogs, adopted: str, judge: Judge
) -> None:
    entry = logs.act(
        "osce",
        "decision.propose",
        "osce/d-2",
        role="delegate",
        args={"meeting": "nato/m-1", "amends": adopted},
        clear=NEW_TEXT,
    )

    assert judge(entry) == ("applied", "")
    assert logs.reduce().state.decisions["osce/d-2"].amends == adopted


def test_propose_with_existing_identifier_refused(
    logs: LocalLogs, decision: str, judge: Judge
) -> None:
    entry = logs.act(
        "csto",
        "decision.propose",
        decision,
        role="delegate",
        args={"meeting": "nato/m-1", "amends": None},
        clear=NEW_TEXT,
    )

    assert judge(entry) == ("rejected", "object_exists")


def test_viewer_role_cannot_propose(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    entry = logs.act(
        "csto",
        "decision.propose",
        "csto/d-9",
        role=None,
        args={"meeting": meeting, "amends": None},
        clear=NEW_TEXT,
    )

    assert judge(entry) == ("rejected", "role_not_allowed")


# Answering and adoption


def test_adopted_exactly_when_every_participant_approves_same_text(
    logs: LocalLogs, decision: str, text_sha256: str
) -> None:
    statuses = []
    for org in ("nato", "csto", "osce"):
        respond(logs, org, decision, "approve", text_sha256)
        statuses.append(logs.reduce().state.decisions[decision].status)

    assert statuses == ["proposed", "proposed", "adopted"]


def test_objection_blocks_adoption_until_withdrawn(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    respond(logs, "nato", decision, "approve", text_sha256)
    respond(logs, "csto", decision, "approve", text_sha256)
    respond(logs, "osce", decision, "object", text_sha256, clear={"reason": "Too vague"})
    blocked = logs.reduce().state.decisions[decision].status
    withdraw = respond(logs, "osce", decision, "withdraw", text_sha256)
    approve = respond(logs, "osce", decision, "approve", text_sha256)

    state = logs.reduce().state

    assert blocked == "proposed"
    assert (judge(withdraw), judge(approve)) == (("applied", ""), ("applied", ""))
    assert state.decisions[decision].status == "adopted"
    assert [(a.organization, a.position) for a in state.decisions[decision].answers] == [
        ("nato", "approve"),
        ("csto", "approve"),
        ("osce", "object"),
        ("osce", "withdraw"),
        ("osce", "approve"),
    ]


@pytest.mark.parametrize(
    ("org", "position", "clear", "role", "code"),
    [
        ("sco", "approve", None, "signatory", "not_participant"),
        ("osce", "approve", None, "delegate", "role_not_allowed"),
        ("osce", "object", None, "signatory", "reason_required"),
        ("osce", "object", {"reason": " "}, "signatory", "reason_required"),
        ("osce", "withdraw", None, "signatory", "nothing_to_withdraw"),
    ],
)
def test_respond_refused(
    logs: LocalLogs,
    decision: str,
    text_sha256: str,
    judge: Judge,
    org: str,
    position: str,
    clear: dict[str, str] | None,
    role: str,
    code: str,
) -> None:
    entry = respond(logs, org, decision, position, text_sha256, clear=clear, role=role)

    assert judge(entry) == ("rejected", code)


def test_approval_of_another_text_refused_and_not_counted(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    respond(logs, "nato", decision, "approve", text_sha256)
    respond(logs, "csto", decision, "approve", text_sha256)
    wrong = respond(logs, "osce", decision, "approve", clear_content_hash(NEW_TEXT))

    assert judge(wrong) == ("rejected", "text_mismatch")
    assert logs.reduce().state.decisions[decision].status == "proposed"


def test_answering_twice_refused(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    respond(logs, "osce", decision, "approve", text_sha256)
    again = respond(logs, "osce", decision, "approve", text_sha256)
    respond(logs, "nato", decision, "object", text_sha256, clear={"reason": "No"})
    objects_again = respond(
        logs, "nato", decision, "object", text_sha256, clear={"reason": "Still no"}
    )

    assert judge(again) == ("rejected", "already_approved")
    assert judge(objects_again) == ("rejected", "already_objected")


def test_adopted_decision_takes_no_more_answers(
    logs: LocalLogs, adopted: str, text_sha256: str, judge: Judge
) -> None:
    entry = respond(logs, "osce", adopted, "withdraw", text_sha256)

    assert judge(entry) == ("rejected", "decision_adopted")


def test_sealed_reason_in_public_meeting_refused(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    entry = respond(
        logs, "osce", decision, "object", text_sha256, sealed=SEALED, content_sha256="cd" * 32
    )

    assert judge(entry) == ("rejected", "content_must_be_clear")


def test_private_meeting_objection_needs_its_reason_inside_the_envelope(
    logs: LocalLogs, private_meeting: str
) -> None:
    def sealed(actor: str, kind: str, object_id: str, **kw: Any) -> tuple[str, str]:
        entry = logs.act_sealed(actor, kind, object_id, meeting=private_meeting, **kw)
        verdict = logs.reduce().inner_at(entry.origin, entry.index)
        assert verdict is not None
        return verdict.status, verdict.code

    text = {"title": "T", "text": "Confidential text"}
    propose = sealed(
        "csto",
        "decision.propose",
        "csto/d-5",
        role="delegate",
        args={"meeting": private_meeting, "amends": None},
        clear=text,
    )
    answer = {"position": "object", "text_sha256": clear_content_hash(text)}
    blank = sealed(
        "osce", "decision.respond", "csto/d-5", role="signatory", args=answer, clear={"reason": " "}
    )
    reasoned = sealed(
        "osce",
        "decision.respond",
        "csto/d-5",
        role="signatory",
        args=answer,
        clear={"reason": "No"},
    )

    # Inside the envelope the content is clear to every participant: the rules on what
    # people wrote hold there as in public meetings.
    assert [propose, blank, reasoned] == [
        ("applied", ""),
        ("rejected", "reason_required"),
        ("applied", ""),
    ]


def test_proposer_edits_before_any_answer_and_old_hash_is_stale(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    edit = logs.act("csto", "decision.edit", decision, role="delegate", args={}, clear=NEW_TEXT)
    stale = respond(logs, "nato", decision, "approve", text_sha256)

    assert judge(edit) == ("applied", "")
    assert judge(stale) == ("rejected", "text_mismatch")
    assert logs.reduce().state.decisions[decision].text_sha256 == clear_content_hash(NEW_TEXT)


def test_edit_refused_for_non_proposer_and_after_an_answer(
    logs: LocalLogs, decision: str, text_sha256: str, judge: Judge
) -> None:
    by_other = logs.act("nato", "decision.edit", decision, role="delegate", args={}, clear=NEW_TEXT)
    respond(logs, "osce", decision, "approve", text_sha256)
    answered = logs.act("csto", "decision.edit", decision, role="delegate", args={}, clear=NEW_TEXT)

    assert judge(by_other) == ("rejected", "not_proposer")
    assert judge(answered) == ("rejected", "decision_answered")


def test_adopted_text_never_changes(
    logs: LocalLogs, adopted: str, text_sha256: str, judge: Judge
) -> None:
    entry = logs.act("csto", "decision.edit", adopted, role="delegate", args={}, clear=NEW_TEXT)

    assert judge(entry) == ("rejected", "decision_adopted")
    assert logs.reduce().state.decisions[adopted].text_sha256 == text_sha256


def test_withdraw_proposal(logs: LocalLogs, decision: str, text_sha256: str, judge: Judge) -> None:
    by_other = logs.act(
        "osce", "decision.withdraw", decision, role="delegate", args={}, clear={"reason": "Moot"}
    )
    no_reason = logs.act(
        "csto", "decision.withdraw", decision, role="delegate", args={}, clear={"reason": ""}
    )
    withdrawn = logs.act(
        "csto", "decision.withdraw", decision, role="delegate", args={}, clear={"reason": "Moot"}
    )
    late = respond(logs, "osce", decision, "approve", text_sha256)

    assert [judge(e) for e in (by_other, no_reason, withdrawn, late)] == [
        ("rejected", "not_proposer"),
        ("rejected", "reason_required"),
        ("applied", ""),
        ("rejected", "decision_withdrawn"),
    ]


# Commitments


def commitment_args(adopted: str, **changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "decision": adopted,
        "parent": None,
        "due": "2014-03-01",
        "timezone": None,
        "review": None,
        "milestones": [],
    }
    return {**args, **changes}


WORK = {"description": "Joint training", "target": "Two courses", "milestones": []}


def test_commitment_made_by_owner_under_adopted_decision(logs: LocalLogs, commitment: str) -> None:
    made = logs.reduce().state.commitments[commitment]

    assert (made.owner, made.timezone, made.milestones, made.progress) == (
        "osce",
        "America/New_York",
        [False, False],
        0,
    )


@pytest.mark.parametrize(
    ("actor", "args", "clear", "code"),
    [
        ("sco", {}, WORK, "not_participant"),
        ("osce", {"decision": "csto/d-9"}, WORK, "unknown_decision"),
        ("osce", {"review": "2014-04-01"}, WORK, "review_after_due"),
        ("osce", {}, {**WORK, "target": " "}, "target_required"),
        ("osce", {"milestones": [{"due": None}]}, WORK, "milestones_mismatch"),
        ("osce", {"parent": "osce/c-9"}, WORK, "bad_parent"),
        ("nato", {"parent": "osce/c-1"}, WORK, "not_parent_owner"),
    ],
)
def test_make_commitment_refused(
    logs: LocalLogs,
    commitment: str,
    judge: Judge,
    actor: str,
    args: dict[str, Any],
    clear: dict[str, Any],
    code: str,
) -> None:
    entry = logs.act(
        actor,
        "commitment.make",
        f"{actor}/c-2",
        role="delegate",
        args=commitment_args("csto/d-1", **args),
        clear=clear,
    )

    assert judge(entry) == ("rejected", code)


def test_commitment_needs_adopted_decision(logs: LocalLogs, decision: str, judge: Judge) -> None:
    entry = logs.act(
        "osce",
        "commitment.make",
        "osce/c-1",
        role="delegate",
        args=commitment_args(decision),
        clear=WORK,
    )

    assert judge(entry) == ("rejected", "decision_not_adopted")


def test_sub_item_of_own_commitment_accepted(
    logs: LocalLogs, commitment: str, judge: Judge
) -> None:
    entry = logs.act(
        "osce",
        "commitment.make",
        "osce/c-2",
        role="delegate",
        args=commitment_args("csto/d-1", parent=commitment),
        clear=WORK,
    )
    nested = logs.act(
        "osce",
        "commitment.make",
        "osce/c-3",
        role="delegate",
        args=commitment_args("csto/d-1", parent="osce/c-2"),
        clear=WORK,
    )

    assert judge(entry) == ("applied", "")
    assert judge(nested) == ("rejected", "bad_parent")


def test_progress_reported_by_owner_only(logs: LocalLogs, commitment: str, judge: Judge) -> None:
    by_owner = logs.act(
        "osce",
        "commitment.report",
        commitment,
        role="delegate",
        args={"percent": None, "milestone": 0},
        clear={"note": "Done", "evidence_url": "https://osce.org/x"},
    )
    by_other = logs.act(
        "nato",
        "commitment.report",
        commitment,
        role="delegate",
        args={"percent": 90, "milestone": None},
    )

    made = logs.reduce().state.commitments[commitment]

    assert (judge(by_owner), judge(by_other)) == (("applied", ""), ("rejected", "not_owner"))
    assert (made.progress, made.reported, made.milestones) == (50, True, [True, False])


@pytest.mark.parametrize(
    ("args", "clear", "code"),
    [
        ({"percent": None, "milestone": None}, None, "progress_required"),
        ({"percent": None, "milestone": 2}, None, "unknown_milestone"),
        (
            {"percent": 10, "milestone": None},
            {"evidence_url": "javascript:alert(1)"},
            "bad_evidence_url",
        ),
    ],
)
def test_report_refused(
    logs: LocalLogs,
    commitment: str,
    judge: Judge,
    args: dict[str, Any],
    clear: dict[str, str] | None,
    code: str,
) -> None:
    entry = logs.act(
        "osce", "commitment.report", commitment, role="delegate", args=args, clear=clear
    )

    assert judge(entry) == ("rejected", code)


def test_close_commitment(logs: LocalLogs, commitment: str, judge: Judge) -> None:
    no_reason = logs.act(
        "osce", "commitment.close", commitment, role="delegate", args={"closed_as": "dropped"}
    )
    by_other = logs.act(
        "csto", "commitment.close", commitment, role="delegate", args={"closed_as": "done"}
    )
    done = logs.act(
        "osce", "commitment.close", commitment, role="delegate", args={"closed_as": "done"}
    )
    after = logs.act(
        "osce",
        "commitment.report",
        commitment,
        role="delegate",
        args={"percent": 10, "milestone": None},
    )

    made = logs.reduce().state.commitments[commitment]

    assert [judge(e) for e in (no_reason, by_other, done, after)] == [
        ("rejected", "reason_required"),
        ("rejected", "not_owner"),
        ("applied", ""),
        ("rejected", "commitment_closed"),
    ]
    assert (made.closed_as, made.progress) == ("done", 100)


# Calendars


def calendar_args(version: int = 1, **changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "year": 2013,
        "version": version,
        "calendar_sha256": f"{version:064x}",
        "meetings": [
            {"request": "r1", "organizations": ["csto", "nato"]},
            {"request": "r2", "organizations": ["osce", "sco"]},
        ],
    }
    return {**args, **changes}


def test_calendar_published_and_confirmed(logs: LocalLogs, judge: Judge) -> None:
    publish = logs.act(
        "osce", "calendar.publish", "osce/cal-2013-1", role="coordinator", args=calendar_args()
    )
    confirm = logs.act(
        "nato",
        "calendar.respond",
        "osce/cal-2013-1",
        role="delegate",
        args={"request": "r1", "answer": "confirm", "calendar_sha256": f"{1:064x}"},
    )

    calendar = logs.reduce().state.calendars["osce/cal-2013-1"]

    assert (judge(publish), judge(confirm)) == (("applied", ""), ("applied", ""))
    assert calendar.answers == {"r1": {"nato": "confirm"}}


def test_calendar_publish_refused(logs: LocalLogs, judge: Judge) -> None:
    delegate = logs.act(
        "osce", "calendar.publish", "osce/cal-a", role="delegate", args=calendar_args()
    )
    logs.act("osce", "calendar.publish", "osce/cal-b", role="coordinator", args=calendar_args(2))
    older = logs.act(
        "osce", "calendar.publish", "osce/cal-c", role="coordinator", args=calendar_args(2)
    )
    twice = logs.act(
        "osce",
        "calendar.publish",
        "osce/cal-d",
        role="coordinator",
        args=calendar_args(3, meetings=[{"request": "r1", "organizations": ["csto", "nato"]}] * 2),
    )

    assert [judge(e) for e in (delegate, older, twice)] == [
        ("rejected", "role_not_allowed"),
        ("rejected", "version_not_newer"),
        ("rejected", "duplicate_request"),
    ]


@pytest.mark.parametrize(
    ("org", "args", "clear", "code"),
    [
        ("nato", {"request": "r9"}, None, "unknown_request"),
        ("sco", {"request": "r1"}, None, "not_in_meeting"),
        ("nato", {"calendar_sha256": "00" * 32}, None, "calendar_mismatch"),
        ("nato", {"answer": "decline"}, None, "reason_required"),
    ],
)
def test_calendar_respond_refused(
    logs: LocalLogs,
    judge: Judge,
    org: str,
    args: dict[str, Any],
    clear: dict[str, str] | None,
    code: str,
) -> None:
    logs.act("osce", "calendar.publish", "osce/cal-1", role="coordinator", args=calendar_args())
    entry = logs.act(
        org,
        "calendar.respond",
        "osce/cal-1",
        role="delegate",
        args={"request": "r1", "answer": "confirm", "calendar_sha256": f"{1:064x}", **args},
        clear=clear,
    )

    assert judge(entry) == ("rejected", code)


def test_calendar_answers_change_once_each_and_old_versions_close(
    logs: LocalLogs, judge: Judge
) -> None:
    logs.act("osce", "calendar.publish", "osce/cal-1", role="coordinator", args=calendar_args())
    answer = {"request": "r1", "answer": "confirm", "calendar_sha256": f"{1:064x}"}
    logs.act("nato", "calendar.respond", "osce/cal-1", role="delegate", args=answer)
    again = logs.act("nato", "calendar.respond", "osce/cal-1", role="delegate", args=answer)
    decline = logs.act(
        "nato",
        "calendar.respond",
        "osce/cal-1",
        role="delegate",
        args={**answer, "answer": "decline"},
        clear={"reason": "Clash"},
    )
    unknown = logs.act("nato", "calendar.respond", "osce/cal-9", role="delegate", args=answer)
    logs.act("osce", "calendar.publish", "osce/cal-2", role="coordinator", args=calendar_args(2))
    superseded = logs.act("csto", "calendar.respond", "osce/cal-1", role="delegate", args=answer)

    assert [judge(e) for e in (again, decline, unknown, superseded)] == [
        ("rejected", "already_answered"),
        ("applied", ""),
        ("rejected", "unknown_calendar"),
        ("rejected", "calendar_superseded"),
    ]

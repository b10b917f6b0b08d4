"""Issue 16 in the reducer: silence procedure, positions with words, authentic texts.

Each rule both ways, with exact codes; the deadline at its exact instant, whatever zone
it was set in; a participant whose node was offline at the deadline.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

import pytest

from sideline.federation.ops import clear_content_hash
from sideline.federation.ordering import LoggedOp
from sideline.federation.reducer import reduce_ops
from sideline.federation.rules_decisions import paragraphs_of
from sideline.federation.writer import LocalLogs

Judge = Callable[[LoggedOp], tuple[str, str]]
# 18:00 in Vienna on 1 October 2013 (summer time, UTC+2) is 16:00 UTC; the same
# instant is 20:00 in Almaty (UTC+6) and 12:00 in New York (UTC-4).
DEADLINE = "2013-10-01T16:00:00Z"
BEFORE = "2013-10-01T15:59:59Z"
AFTER = "2013-10-01T16:00:01Z"
TEXTS: dict[str, Any] = {
    "title": "Liaison on drug routes",
    "text": "The organizations exchange liaison officers.\n\nThey report jointly each year.",
    "language": "en",
    "versions": [
        {
            "language": "ru",
            "title": "Связь по наркотрафику",
            "text": "Организации обмениваются офицерами связи.\n\nОни ежегодно отчитываются.",
        }
    ],
}
SHA = clear_content_hash(TEXTS)
PARTICIPANTS = ("nato", "csto", "osce")


def propose(logs: LocalLogs, meeting: str, **args: Any) -> LoggedOp:
    clear = args.pop("clear", TEXTS)
    return logs.act(
        "csto",
        "decision.propose",
        "csto/d-s",
        role="delegate",
        args={"meeting": meeting, "amends": None, **args},
        clear=clear,
    )


@pytest.fixture
def silent(logs: LocalLogs, meeting: str) -> str:
    propose(logs, meeting, procedure="silence", deadline=DEADLINE, timezone="Europe/Vienna")
    return "csto/d-s"


def observe(logs: LocalLogs, org: str, decision: str, at: str = AFTER) -> LoggedOp:
    return logs.act(org, "decision.observe", decision, role=None, args={"at": at})


def break_silence(logs: LocalLogs, org: str, decision: str, at: str, **kw: Any) -> LoggedOp:
    return logs.act(
        org,
        "decision.break_silence",
        decision,
        role=kw.pop("role", "signatory"),
        args={"text_sha256": kw.pop("text_sha256", SHA), "at": at},
        clear=kw.pop("clear", {"reason": "Paragraph 2 needs our parliament's view."}),
    )


def respond(logs: LocalLogs, org: str, decision: str, position: str, **args: Any) -> LoggedOp:
    clear = args.pop("clear", None)
    return logs.act(
        org,
        "decision.respond",
        decision,
        role="signatory",
        args={"position": position, "text_sha256": args.pop("text_sha256", SHA), **args},
        clear=clear,
    )


def status(logs: LocalLogs, decision: str) -> str:
    return logs.reduce().state.decisions[decision].status


# Choosing the procedure


def test_silence_procedure_recorded_with_deadline_and_zone(logs: LocalLogs, silent: str) -> None:
    decision = logs.reduce().state.decisions[silent]

    assert (decision.procedure, decision.deadline, decision.timezone) == (
        "silence",
        DEADLINE,
        "Europe/Vienna",
    )
    assert decision.to_json()["procedure"]["deadline"] == DEADLINE


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"procedure": "silence", "timezone": "Europe/Vienna"}, "deadline_required"),
        ({"procedure": "silence", "deadline": DEADLINE}, "deadline_required"),
        ({"deadline": DEADLINE, "timezone": "Europe/Vienna"}, "deadline_not_allowed"),
    ],
)
def test_propose_with_bad_procedure_refused(
    logs: LocalLogs, meeting: str, judge: Judge, args: dict[str, Any], code: str
) -> None:
    entry = propose(logs, meeting, **args)

    assert judge(entry) == ("rejected", code)
    assert "csto/d-s" not in logs.reduce().state.decisions


def test_deadline_without_utc_form_is_a_format_error(logs: LocalLogs, meeting: str) -> None:
    from sideline.federation.errors import OpError

    with pytest.raises(OpError) as refused:
        propose(logs, meeting, procedure="silence", deadline="2013-10-01 16:00:00Z", timezone="UTC")

    assert (refused.value.code, refused.value.field) == ("bad_format", "args.deadline")


# The deadline


def test_adopted_when_every_participant_records_the_deadline_passed(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    firsts = [observe(logs, org, silent) for org in PARTICIPANTS[:2]]
    assert status(logs, silent) == "proposed"

    last = observe(logs, "osce", silent)

    decision = logs.reduce().state.decisions[silent]
    assert [judge(e) for e in [*firsts, last]] == [("applied", "")] * 3
    assert (decision.status, decision.closed_by) == ("adopted", logs.reduce().applied[-1])


def test_observing_before_the_deadline_refused(logs: LocalLogs, silent: str, judge: Judge) -> None:
    early = observe(logs, "nato", silent, at=BEFORE)

    assert judge(early) == ("rejected", "deadline_not_passed")


def test_observing_at_the_exact_deadline_counts(logs: LocalLogs, silent: str) -> None:
    for org in PARTICIPANTS:
        observe(logs, org, silent, at=DEADLINE)

    assert status(logs, silent) == "adopted"


def test_breaking_silence_one_second_before_the_deadline_counts(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    broken = break_silence(logs, "osce", silent, at=BEFORE)
    late = [observe(logs, org, silent) for org in PARTICIPANTS]

    decision = logs.reduce().state.decisions[silent]
    assert judge(broken) == ("applied", "")
    assert [judge(e) for e in late] == [("rejected", "silence_broken")] * 3
    assert (decision.status, decision.silence_broken_by) == (
        "proposed",
        hashlib.sha256(broken.data).hexdigest(),
    )


def test_breaking_silence_at_the_exact_deadline_refused(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    late = break_silence(logs, "osce", silent, at=DEADLINE)
    for org in PARTICIPANTS:
        observe(logs, org, silent)

    assert judge(late) == ("rejected", "deadline_passed")
    assert status(logs, silent) == "adopted"


@pytest.mark.parametrize(
    ("zone", "deadline"),
    [
        # The same wall-clock hour, 18:00 on 1 October 2013, in three zones.
        ("Europe/Vienna", "2013-10-01T16:00:00Z"),
        ("Asia/Almaty", "2013-10-01T12:00:00Z"),
        ("America/New_York", "2013-10-01T22:00:00Z"),
    ],
)
def test_deadline_judged_on_the_utc_instant_whatever_the_zone(
    logs: LocalLogs, meeting: str, judge: Judge, zone: str, deadline: str
) -> None:
    propose(logs, meeting, procedure="silence", deadline=deadline, timezone=zone)
    just_before = f"{deadline[:11]}{int(deadline[11:13]) - 1:02d}:59:59Z"

    too_late = break_silence(logs, "nato", "csto/d-s", at=deadline)
    on_time = break_silence(logs, "osce", "csto/d-s", at=just_before)

    assert (judge(too_late), judge(on_time)) == (("rejected", "deadline_passed"), ("applied", ""))
    assert logs.reduce().state.decisions["csto/d-s"].timezone == zone


def test_breaking_silence_needs_a_reason_and_the_current_text(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    no_reason = break_silence(logs, "osce", silent, at=BEFORE, clear={"reason": "  "})
    stale = break_silence(logs, "nato", silent, at=BEFORE, text_sha256="ab" * 32)

    assert (judge(no_reason), judge(stale)) == (
        ("rejected", "reason_required"),
        ("rejected", "text_mismatch"),
    )
    assert logs.reduce().state.decisions[silent].silence_broken_by is None


def test_breaking_silence_needs_a_signatory_and_a_participant(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    delegate = break_silence(logs, "osce", silent, at=BEFORE, role="delegate")
    outsider = break_silence(logs, "sco", silent, at=BEFORE)

    assert (judge(delegate), judge(outsider)) == (
        ("rejected", "role_not_allowed"),
        ("rejected", "not_participant"),
    )


def test_break_silence_on_a_meeting_decision_refused(
    logs: LocalLogs, decision: str, judge: Judge
) -> None:
    entry = logs.act(
        "osce",
        "decision.break_silence",
        decision,
        role="signatory",
        args={"text_sha256": logs.reduce().state.decisions[decision].text_sha256, "at": BEFORE},
        clear={"reason": "No."},
    )

    assert judge(entry) == ("rejected", "not_silence_procedure")


def test_a_participant_cannot_backdate_after_recording_the_deadline_passed(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    observe(logs, "osce", silent)
    backdated = break_silence(logs, "osce", silent, at=BEFORE)

    assert judge(backdated) == ("rejected", "time_goes_back")


def test_node_offline_at_the_deadline_holds_adoption_until_its_log_arrives(
    logs: LocalLogs, silent: str
) -> None:
    observe(logs, "nato", silent)
    observe(logs, "csto", silent)
    # OSCE's node was down at the deadline: it records the deadline when it returns.
    returned = observe(logs, "osce", silent, at="2013-10-03T09:00:00Z")
    without_osce = [e for e in logs.entries() if e != returned]

    assert reduce_ops(without_osce).state.decisions[silent].status == "proposed"
    assert reduce_ops(logs.entries()).state.decisions[silent].status == "adopted"


def test_every_order_of_delivery_gives_the_same_outcome(logs: LocalLogs, silent: str) -> None:
    respond(logs, "nato", silent, "statement", at=BEFORE, clear={"reason": "We read 2 as annual."})
    break_silence(logs, "osce", silent, at=BEFORE)
    for org in PARTICIPANTS:
        observe(logs, org, silent)
    entries = logs.entries()
    digests = set()
    for seed in range(6):
        shuffled = list(entries)
        random.Random(seed).shuffle(shuffled)
        digests.add(reduce_ops(shuffled).digest())

    assert len(digests) == 1


# Extending the deadline


def test_proposer_extends_before_the_deadline(logs: LocalLogs, silent: str, judge: Judge) -> None:
    later = "2013-10-08T16:00:00Z"
    extended = logs.act(
        "csto", "decision.extend", silent, role="delegate", args={"deadline": later, "at": BEFORE}
    )
    early = [observe(logs, org, silent) for org in PARTICIPANTS]

    assert judge(extended) == ("applied", "")
    assert [judge(e) for e in early] == [("rejected", "deadline_not_passed")] * 3
    assert logs.reduce().state.decisions[silent].deadline == later


@pytest.mark.parametrize(
    ("actor", "deadline", "at", "code"),
    [
        ("nato", "2013-10-08T16:00:00Z", BEFORE, "not_proposer"),
        ("csto", "2013-10-08T16:00:00Z", DEADLINE, "deadline_passed"),
        ("csto", DEADLINE, BEFORE, "deadline_not_later"),
    ],
)
def test_extend_refused(
    logs: LocalLogs, silent: str, judge: Judge, actor: str, deadline: str, at: str, code: str
) -> None:
    entry = logs.act(
        actor, "decision.extend", silent, role="delegate", args={"deadline": deadline, "at": at}
    )

    assert judge(entry) == ("rejected", code)
    assert logs.reduce().state.decisions[silent].deadline == DEADLINE


def test_extension_voids_observations_made_before_the_new_deadline(
    logs: LocalLogs, silent: str
) -> None:
    # NATO recorded the deadline passed at 16:00:01; CSTO, concurrently, had extended it.
    logs.act(
        "csto",
        "decision.extend",
        silent,
        role="delegate",
        args={"deadline": "2013-10-02T16:00:00Z", "at": BEFORE},
    )
    observe(logs, "nato", silent)
    observe(logs, "csto", silent, at="2013-10-02T16:00:00Z")

    state = logs.reduce().state.decisions[silent]
    assert state.observed == {"csto": "2013-10-02T16:00:00Z"}


# Positions with words


@pytest.mark.parametrize(
    ("position", "args", "clear", "expected"),
    [
        ("statement", {}, {"reason": "We read paragraph 2 as annual."}, ("applied", "")),
        ("statement", {}, None, ("rejected", "reason_required")),
        ("reservation", {"paragraph": 2}, {"reason": "Subject to ratification."}, ("applied", "")),
        (
            "reservation",
            {},
            {"reason": "Subject to ratification."},
            ("rejected", "paragraph_required"),
        ),
        (
            "reservation",
            {"paragraph": 3},
            {"reason": "Nowhere."},
            ("rejected", "unknown_paragraph"),
        ),
        ("approve", {"paragraph": 1}, None, ("rejected", "paragraph_not_allowed")),
        ("object", {}, {"reason": "Not now."}, ("applied", "")),
    ],
)
def test_positions_with_words(
    logs: LocalLogs,
    meeting: str,
    judge: Judge,
    position: str,
    args: dict[str, Any],
    clear: dict[str, str] | None,
    expected: tuple[str, str],
) -> None:
    propose(logs, meeting)
    entry = respond(logs, "osce", "csto/d-s", position, clear=clear, **args)

    assert judge(entry) == expected


def test_statements_and_reservations_join_consensus(logs: LocalLogs, meeting: str) -> None:
    propose(logs, meeting)
    respond(logs, "nato", "csto/d-s", "statement", clear={"reason": "Read as annual."})
    respond(logs, "osce", "csto/d-s", "reservation", paragraph=2, clear={"reason": "Ratify first."})
    assert status(logs, "csto/d-s") == "proposed"

    respond(logs, "csto", "csto/d-s", "approve")

    decision = logs.reduce().state.decisions["csto/d-s"]
    assert decision.status == "adopted"
    assert [(a.organization, a.position, a.paragraph) for a in decision.answers] == [
        ("nato", "statement", None),
        ("osce", "reservation", 2),
        ("csto", "approve", None),
    ]


def test_joining_with_a_statement_under_silence_needs_a_time_before_the_deadline(
    logs: LocalLogs, silent: str, judge: Judge
) -> None:
    untimed = respond(logs, "nato", silent, "statement", clear={"reason": "Read as annual."})
    late = respond(logs, "osce", silent, "statement", at=DEADLINE, clear={"reason": "Late."})
    timed = respond(logs, "csto", silent, "statement", at=BEFORE, clear={"reason": "On time."})

    assert [judge(e) for e in (untimed, late, timed)] == [
        ("rejected", "time_required"),
        ("rejected", "deadline_passed"),
        ("applied", ""),
    ]


def test_objection_under_silence_breaks_it(logs: LocalLogs, silent: str) -> None:
    objection = respond(logs, "osce", silent, "object", at=BEFORE, clear={"reason": "No."})

    assert (
        logs.reduce().state.decisions[silent].silence_broken_by
        == hashlib.sha256(objection.data).hexdigest()
    )


# Equally authentic texts


def test_answer_names_the_set_of_versions(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    propose(logs, meeting)
    english_only = clear_content_hash({"title": TEXTS["title"], "text": TEXTS["text"]})

    stale = respond(logs, "osce", "csto/d-s", "approve", text_sha256=english_only)

    assert judge(stale) == ("rejected", "text_mismatch")
    assert logs.reduce().state.decisions["csto/d-s"].text_sha256 == SHA


def test_editing_one_version_voids_earlier_approvals(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    propose(logs, meeting)
    changed = {**TEXTS, "versions": [{**TEXTS["versions"][0], "title": "Другое название"}]}
    logs.act("csto", "decision.edit", "csto/d-s", role="delegate", args={}, clear=changed)

    old = respond(logs, "osce", "csto/d-s", "approve")

    assert judge(old) == ("rejected", "text_mismatch")


@pytest.mark.parametrize(
    ("versions", "code"),
    [
        ([{"language": "ru", "title": "Т", "text": "Один абзац."}], "paragraphs_mismatch"),
        ([{"language": "en", "title": "T", "text": "A.\n\nB."}], "duplicate_language"),
    ],
)
def test_versions_must_align(
    logs: LocalLogs, meeting: str, judge: Judge, versions: list[dict[str, str]], code: str
) -> None:
    entry = propose(logs, meeting, clear={**TEXTS, "versions": versions})

    assert judge(entry) == ("rejected", code)


def test_paragraphs_counted_by_blank_lines() -> None:
    assert [paragraphs_of(t) for t in ("One.", "One.\n\nTwo.", "One.\nstill.\n \nTwo.\n\n")] == [
        1,
        2,
        2,
    ]

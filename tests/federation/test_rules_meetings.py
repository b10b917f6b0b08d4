"""Rules of meetings, agenda, delegations, documents and minutes, both ways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sideline.federation.ops import clear_content_hash
from sideline.federation.ordering import LoggedOp
from sideline.federation.writer import LocalLogs

Judge = Callable[[LoggedOp], tuple[str, str]]
SEALED = {"suite": "hpke-x25519-sha256-chacha20poly1305", "sha256": "ab" * 32, "size": 120}
MINUTES = {"text": "The parties met and agreed to meet again."}
DIGEST = clear_content_hash(MINUTES)


def args(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "date": "2013-09-24",
        "timezone": "America/New_York",
        "cohost": None,
        "participants": ["csto", "osce"],
        "public": True,
    }
    return {**base, **changes}


# Creating a meeting


def test_meeting_created_with_host_cohost_and_participants(logs: LocalLogs, judge: Judge) -> None:
    entry = logs.act(
        "nato",
        "meeting.create",
        "nato/m-1",
        role="signatory",
        args=args(cohost="sco", forum_session="unga-68", planner_request="r1"),
        clear={"title": "Talks"},
    )

    meeting = logs.reduce().state.meetings["nato/m-1"]

    assert judge(entry) == ("applied", "")
    assert (meeting.hosts, meeting.participants, meeting.public) == (
        {"nato", "sco"},
        {"nato", "sco", "csto", "osce"},
        True,
    )
    assert (meeting.forum_session, meeting.planner_request) == ("unga-68", "r1")


@pytest.mark.parametrize(
    ("object_id", "changes", "clear", "sealed", "role", "code"),
    [
        ("nato/m-1", {"cohost": "nato"}, {"title": "T"}, False, "delegate", "cohost_is_host"),
        ("nato/m-1", {}, {"title": "  "}, False, "delegate", "title_required"),
        ("csto/m-1", {}, {"title": "T"}, False, "delegate", "object_not_yours"),
        ("nato/m-1", {}, {"title": "T"}, False, None, "role_not_allowed"),
        ("nato/m-1", {}, {"title": "T"}, False, "coordinator", "role_not_allowed"),
        ("nato/m-1", {}, None, True, "delegate", "content_must_be_clear"),
        (
            "nato/m-1",
            {"public": False},
            {"title": "T"},
            False,
            "delegate",
            "op_must_be_sealed",
        ),
        (
            "nato/m-1",
            {"participants": sorted(f"org{n}" for n in range(32))},
            {"title": "T"},
            False,
            "delegate",
            "too_many_participants",
        ),
    ],
)
def test_create_meeting_refused(
    logs: LocalLogs,
    judge: Judge,
    object_id: str,
    changes: dict[str, Any],
    clear: dict[str, str] | None,
    sealed: bool,
    role: str | None,
    code: str,
) -> None:
    entry = logs.act(
        "nato",
        "meeting.create",
        object_id,
        role=role,
        args=args(**changes),
        clear=clear,
        sealed=SEALED if sealed else None,
        content_sha256="cd" * 32 if sealed else None,
    )

    assert judge(entry) == ("rejected", code)
    assert logs.reduce().state.meetings == {}


def test_private_meeting_is_only_in_the_confidential_state(
    logs: LocalLogs, private_meeting: str
) -> None:
    result = logs.reduce()
    meeting = result.confidential.meetings[private_meeting]

    assert result.state.meetings == {}
    assert (meeting.public, sorted(meeting.participants)) == (False, ["csto", "nato", "osce"])


def test_identifiers_are_never_reused_across_kinds(
    logs: LocalLogs, decision: str, judge: Judge
) -> None:
    entry = logs.act(
        "csto", "meeting.create", decision, role="delegate", args=args(), clear={"title": "T"}
    )

    assert judge(entry) == ("rejected", "object_exists")


# Participants and agenda: the hosts prepare


def test_host_adds_participant_others_cannot(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    by_guest = logs.act(
        "csto", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    by_host = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    again = logs.act(
        "nato", "meeting.add_participant", meeting, role="delegate", args={"organization": "sco"}
    )
    unknown = logs.act(
        "nato", "meeting.add_participant", "nato/m-9", role="delegate", args={"organization": "sco"}
    )

    assert [judge(e) for e in (by_guest, by_host, again, unknown)] == [
        ("rejected", "not_host"),
        ("applied", ""),
        ("rejected", "already_participant"),
        ("rejected", "unknown_meeting"),
    ]
    assert "sco" in logs.reduce().state.meetings[meeting].participants


def test_cohost_sets_agenda_participant_cannot(logs: LocalLogs, judge: Judge) -> None:
    logs.act(
        "nato",
        "meeting.create",
        "nato/m-2",
        role="delegate",
        args=args(cohost="csto"),
        clear={"title": "T"},
    )
    by_cohost = logs.act(
        "csto", "agenda.set", "nato/m-2", role="delegate", args={}, clear={"items": ["Opening"]}
    )
    by_guest = logs.act(
        "osce", "agenda.set", "nato/m-2", role="delegate", args={}, clear={"items": ["Other"]}
    )

    agenda = logs.reduce().state.meetings["nato/m-2"].agenda

    assert (judge(by_cohost), judge(by_guest)) == (("applied", ""), ("rejected", "not_host"))
    assert agenda == (clear_content_hash({"items": ["Opening"]}), logs.logs["csto"].head)


# Delegations and documents: each organization for itself


def test_delegation_named_accepted_approved(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    name = logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="focal_point",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    accept = logs.act(
        "csto", "delegation.accept", meeting, role="delegate", args={"delegate": "d1"}
    )
    approve = logs.act(
        "csto", "delegation.approve", meeting, role="signatory", args={"delegate": "d1"}
    )

    assert [judge(e) for e in (name, accept, approve)] == [("applied", "")] * 3
    assert logs.reduce().state.meetings[meeting].delegates == {
        "csto/d1": {"named", "accepted", "approved"}
    }


def test_delegation_refusals(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    clear = logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="signatory",
        args={"delegate": "d1"},
        clear={"name": "A", "email": "a@csto.int"},
    )
    delegate = logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="delegate",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    outsider = logs.act(
        "sco",
        "delegation.name",
        meeting,
        role="signatory",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="signatory",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    twice = logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="signatory",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    others = logs.act(
        "osce", "delegation.approve", meeting, role="signatory", args={"delegate": "d1"}
    )
    logs.act("csto", "delegation.accept", meeting, role="delegate", args={"delegate": "d1"})
    accepted_twice = logs.act(
        "csto", "delegation.accept", meeting, role="delegate", args={"delegate": "d1"}
    )
    logs.act("csto", "delegation.approve", meeting, role="signatory", args={"delegate": "d1"})
    approved_twice = logs.act(
        "csto", "delegation.approve", meeting, role="signatory", args={"delegate": "d1"}
    )

    assert [
        judge(e)[1]
        for e in (clear, delegate, outsider, twice, others, accepted_twice, approved_twice)
    ] == [
        "content_must_be_sealed",
        "role_not_allowed",
        "not_participant",
        "already_invited",
        "unknown_delegate",
        "already_accepted",
        "already_approved",
    ]


def test_delegation_approved_before_acceptance_refused_and_grants_nothing(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    logs.act(
        "csto",
        "delegation.name",
        meeting,
        role="focal_point",
        args={"delegate": "d1"},
        sealed=SEALED,
        content_sha256="cd" * 32,
    )
    early = logs.act(
        "csto", "delegation.approve", meeting, role="focal_point", args={"delegate": "d1"}
    )
    logs.act("csto", "delegation.accept", meeting, role="delegate", args={"delegate": "d1"})
    after_acceptance = logs.act(
        "csto", "delegation.approve", meeting, role="focal_point", args={"delegate": "d1"}
    )

    assert (judge(early), judge(after_acceptance)) == (
        ("rejected", "not_accepted"),
        ("applied", ""),
    )
    assert logs.reduce().state.meetings[meeting].delegates == {
        "csto/d1": {"named", "accepted", "approved"}
    }


def test_participant_adds_document_outsider_cannot(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    document = {
        "document": "agenda-pdf",
        "sha256": "12" * 32,
        "size": 2048,
        "media_type": "application/pdf",
    }
    added = logs.act(
        "osce",
        "document.add",
        meeting,
        role="delegate",
        args=document,
        clear={"title": "Agenda", "filename": "agenda.pdf"},
    )
    twice = logs.act(
        "osce",
        "document.add",
        meeting,
        role="delegate",
        args=document,
        clear={"title": "Agenda", "filename": "agenda.pdf"},
    )
    outsider = logs.act(
        "sco",
        "document.add",
        meeting,
        role="delegate",
        args=document,
        clear={"title": "Agenda", "filename": "agenda.pdf"},
    )

    assert [judge(e) for e in (added, twice, outsider)] == [
        ("applied", ""),
        ("rejected", "document_exists"),
        ("rejected", "not_participant"),
    ]
    assert logs.reduce().state.meetings[meeting].documents == {
        "osce/agenda-pdf": ("12" * 32, "osce")
    }


# Minutes: draft → circulated → agreed → locked


def minutes(
    logs: LocalLogs, actor: str, kind: str, digest: str = DIGEST, role: str = "delegate"
) -> LoggedOp:
    return logs.act(
        actor, f"minutes.{kind}", "nato/m-1", role=role, args={"minutes_sha256": digest}
    )


def test_minutes_lifecycle(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    entries = [
        logs.act("nato", "minutes.draft", meeting, role="delegate", args={}, clear=MINUTES),
        minutes(logs, "nato", "circulate"),
        *(minutes(logs, org, "agree", role="signatory") for org in ("nato", "csto", "osce")),
        minutes(logs, "nato", "lock"),
    ]

    state = logs.reduce().state.meetings[meeting]

    assert [judge(e) for e in entries] == [("applied", "")] * 6
    assert state.minutes_status == "locked"
    assert state.revisions[0].agreed_by == {"nato", "csto", "osce"}


def test_minutes_refusals(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    early_circulate = minutes(logs, "nato", "circulate")
    guest_draft = logs.act(
        "csto", "minutes.draft", meeting, role="delegate", args={}, clear=MINUTES
    )
    logs.act("nato", "minutes.draft", meeting, role="delegate", args={}, clear=MINUTES)
    early_agree = minutes(logs, "csto", "agree", role="signatory")
    wrong_text = minutes(logs, "nato", "circulate", digest="00" * 32)
    minutes(logs, "nato", "circulate")
    delegate_agrees = minutes(logs, "csto", "agree", role="delegate")
    outsider = minutes(logs, "sco", "agree", role="signatory")
    stale = minutes(logs, "csto", "agree", digest="00" * 32, role="signatory")
    minutes(logs, "csto", "agree", role="signatory")
    twice = minutes(logs, "csto", "agree", role="signatory")
    early_lock = minutes(logs, "nato", "lock")

    assert [
        judge(e)[1]
        for e in (
            early_circulate,
            guest_draft,
            early_agree,
            wrong_text,
            delegate_agrees,
            outsider,
            stale,
            twice,
            early_lock,
        )
    ] == [
        "minutes_not_draft",
        "not_host",
        "minutes_not_circulated",
        "minutes_mismatch",
        "role_not_allowed",
        "not_participant",
        "minutes_mismatch",
        "already_agreed",
        "minutes_not_agreed",
    ]


def test_redraft_of_circulated_minutes_needs_new_agreement(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    logs.act("nato", "minutes.draft", meeting, role="delegate", args={}, clear=MINUTES)
    minutes(logs, "nato", "circulate")
    minutes(logs, "csto", "agree", role="signatory")
    second = {"text": "Revised."}
    logs.act("nato", "minutes.draft", meeting, role="delegate", args={}, clear=second)
    old = minutes(logs, "osce", "agree", role="signatory")

    state = logs.reduce().state.meetings[meeting]

    assert judge(old) == ("rejected", "minutes_not_circulated")
    assert (
        state.minutes_status,
        [r.number for r in state.revisions],
        state.revisions[1].agreed_by,
    ) == ("draft", [1, 2], set())


def test_agreed_minutes_are_final(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    logs.act("nato", "minutes.draft", meeting, role="delegate", args={}, clear=MINUTES)
    minutes(logs, "nato", "circulate")
    for org in ("nato", "csto", "osce"):
        minutes(logs, org, "agree", role="signatory")
    redraft = logs.act(
        "nato", "minutes.draft", meeting, role="delegate", args={}, clear={"text": "Changed."}
    )

    assert judge(redraft) == ("rejected", "minutes_final")


# Agenda items proposed by participants, accepted or declined by hosts


def propose(logs: LocalLogs, org: str, meeting: str, name: str = "p1") -> LoggedOp:
    return logs.act(
        org,
        "agenda.propose",
        meeting,
        role="delegate",
        args={"proposal": name},
        clear={"title": "Border liaison"},
    )


def test_participant_proposes_host_accepts(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    proposed = propose(logs, "csto", meeting)
    accepted = logs.act(
        "nato", "agenda.accept", meeting, role="delegate", args={"proposal": "csto/p1"}
    )

    proposal = logs.reduce().state.meetings[meeting].proposals["csto/p1"]

    assert [judge(proposed), judge(accepted)] == [("applied", "")] * 2
    assert (proposal.by, proposal.status, proposal.decided_op) == (
        "csto",
        "accepted",
        logs.logs["nato"].head,
    )
    assert proposal.content_sha256 == clear_content_hash({"title": "Border liaison"})


def test_host_declines_with_reason(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    propose(logs, "osce", meeting)
    declined = logs.act(
        "nato",
        "agenda.decline",
        meeting,
        role="delegate",
        args={"proposal": "osce/p1"},
        clear={"reason": "Covered under item 2"},
    )

    state = logs.reduce().state

    assert judge(declined) == ("applied", "")
    assert state.meetings[meeting].proposals["osce/p1"].status == "declined"
    assert state.meetings[meeting].to_json()["proposals"]["osce/p1"]["status"] == "declined"


def test_agenda_proposal_refusals(logs: LocalLogs, meeting: str, judge: Judge) -> None:
    by_outsider = propose(logs, "sco", meeting)
    blank_title = logs.act(
        "csto",
        "agenda.propose",
        meeting,
        role="delegate",
        args={"proposal": "p2"},
        clear={"title": "  "},
    )
    first = propose(logs, "csto", meeting)
    again = propose(logs, "csto", meeting)
    by_participant = logs.act(
        "osce", "agenda.accept", meeting, role="delegate", args={"proposal": "csto/p1"}
    )
    unknown = logs.act(
        "nato", "agenda.accept", meeting, role="delegate", args={"proposal": "csto/p9"}
    )
    no_reason = logs.act(
        "nato",
        "agenda.decline",
        meeting,
        role="delegate",
        args={"proposal": "csto/p1"},
        clear={"reason": ""},
    )
    accepted = logs.act(
        "nato", "agenda.accept", meeting, role="delegate", args={"proposal": "csto/p1"}
    )
    twice = logs.act(
        "nato",
        "agenda.decline",
        meeting,
        role="delegate",
        args={"proposal": "csto/p1"},
        clear={"reason": "Changed our mind"},
    )

    assert [judge(e) for e in (by_outsider, blank_title, first, again)] == [
        ("rejected", "not_participant"),
        ("rejected", "agenda_item_required"),
        ("applied", ""),
        ("rejected", "proposal_exists"),
    ]
    assert [judge(e) for e in (by_participant, unknown, no_reason, accepted, twice)] == [
        ("rejected", "not_host"),
        ("rejected", "unknown_proposal"),
        ("rejected", "reason_required"),
        ("applied", ""),
        ("rejected", "proposal_decided"),
    ]


def test_meeting_without_proposals_keeps_its_json(logs: LocalLogs, meeting: str) -> None:
    assert "proposals" not in logs.reduce().state.meetings[meeting].to_json()


def test_agenda_names_minutes_of_an_earlier_meeting(
    logs: LocalLogs, meeting: str, judge: Judge
) -> None:
    items = {"items": ["Minutes of the last meeting", "Routes"]}
    linked = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={**items, "minutes_of": {"position": 1, "meeting": "nato/m-0"}},
    )
    itself = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={**items, "minutes_of": {"position": 1, "meeting": meeting}},
    )
    beyond = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={**items, "minutes_of": {"position": 3, "meeting": "nato/m-0"}},
    )

    assert [judge(e) for e in (linked, itself, beyond)] == [
        ("applied", ""),
        ("rejected", "minutes_of_itself"),
        ("rejected", "minutes_item_missing"),
    ]


# A meeting's title and agenda in several languages (issue 17)


def test_meeting_title_given_again_with_versions_replaces_the_title(
    logs: LocalLogs, judge: Judge, meeting: str
) -> None:
    before = logs.reduce().state.meetings[meeting].to_json()
    clear = {
        "title": "NATO–CSTO–OSCE talks",
        "language": "en",
        "versions": [{"language": "ru", "title": "Переговоры НАТО–ОДКБ–ОБСЕ"}],
    }

    entry = logs.act("nato", "meeting.title", meeting, role="delegate", args={}, clear=clear)

    reduction = logs.reduce()
    after = reduction.state.meetings[meeting].to_json()
    verdict = reduction.verdict_at(entry.origin, entry.index)
    assert verdict is not None
    assert (verdict.status, verdict.code) == ("applied", "")
    assert after.pop("title") == {"content_sha256": clear_content_hash(clear), "op": verdict.hash}
    assert after == before  # nothing else changed, and a meeting never retitled has no key


@pytest.mark.parametrize(
    ("actor", "clear", "code"),
    [
        ("osce", {"title": "Talks"}, "not_host"),
        ("nato", {"title": " "}, "title_required"),
        (
            "nato",
            {"title": "Talks", "language": "ru", "versions": [{"language": "ru", "title": "Т"}]},
            "duplicate_language",
        ),
        # A title without a language is English: an English version repeats it.
        (
            "nato",
            {"title": "Talks", "versions": [{"language": "en", "title": "T"}]},
            "duplicate_language",
        ),
    ],
)
def test_meeting_title_refused(
    logs: LocalLogs, judge: Judge, meeting: str, actor: str, clear: dict[str, Any], code: str
) -> None:
    entry = logs.act(actor, "meeting.title", meeting, role="delegate", args={}, clear=clear)

    assert judge(entry) == ("rejected", code)
    assert logs.reduce().state.meetings[meeting].retitled is None


def test_meeting_created_with_duplicate_title_language_refused(
    logs: LocalLogs, judge: Judge
) -> None:
    entry = logs.act(
        "nato",
        "meeting.create",
        "nato/m-2",
        role="delegate",
        args=args(),
        clear={"title": "Talks", "language": "fr", "versions": [{"language": "fr", "title": "P"}]},
    )

    assert judge(entry) == ("rejected", "duplicate_language")


def test_agenda_versions_align_item_for_item(logs: LocalLogs, judge: Judge, meeting: str) -> None:
    good = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={
            "items": ["Routes", "Liaison"],
            "versions": [
                {"language": "ru", "items": ["Маршруты", "Связь"]},
                {"language": "zh-hans", "items": ["路线", "联络"]},
            ],
        },
    )
    short = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={"items": ["Routes", "Liaison"], "versions": [{"language": "ru", "items": ["М"]}]},
    )
    twice = logs.act(
        "nato",
        "agenda.set",
        meeting,
        role="delegate",
        args={},
        clear={
            "items": ["Routes"],
            "versions": [{"language": "ru", "items": ["М"]}, {"language": "ru", "items": ["Н"]}],
        },
    )

    assert [judge(good), judge(short), judge(twice)] == [
        ("applied", ""),
        ("rejected", "agenda_versions_mismatch"),
        ("rejected", "duplicate_language"),
    ]

"""Issue 16 in the services: silence procedure, positions with words, authentic texts.

Every refusal is tested with what was not written: no row, no op.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Decision, DecisionResponse, Meeting
from sideline.meetings.projection import rebuild
from sideline.meetings.services import (
    break_silence,
    edit_decision,
    extend_deadline,
    observe_deadlines,
    propose_decision,
    respond_to_decision,
    text_sha256,
)
from sideline.record.models import RecordEntry
from tests.meetings.conftest import ORGS, Cast

# 18:00 on 1 October 2013 in Vienna (UTC+2) is 16:00 UTC.
BEFORE = datetime(2013, 10, 1, 15, 59, 59, tzinfo=UTC)
AT = datetime(2013, 10, 1, 16, 0, 0, tzinfo=UTC)
PROPOSED = datetime(2013, 9, 24, 12, 0, tzinfo=UTC)
TWO_PARAGRAPHS = "The organizations exchange liaison officers.\n\nThey report jointly each year."
RUSSIAN = {
    "language": "ru",
    "title": "Связь по наркотрафику",
    "text": "Организации обмениваются офицерами связи.\n\nОни ежегодно отчитываются.",
}


def _propose(cast: Cast, meeting: Meeting, **kw: Any) -> Decision:
    args: dict[str, Any] = {
        "title": "Liaison on drug routes",
        "text": TWO_PARAGRAPHS,
        "procedure": "silence",
        "deadline": "2013-10-01T18:00",
        "deadline_timezone": "Europe/Vienna",
        "versions": [RUSSIAN],
        "now": PROPOSED,
    }
    return propose_decision(actor=cast.of("csto", "delegate"), meeting=meeting, **(args | kw))


@pytest.fixture
def silent(cast: Cast, meeting: Meeting) -> Decision:
    return _propose(cast, meeting)


def _ops() -> int:
    return RecordEntry.objects.filter(kind__startswith="op.").count()


def _status(decision: Decision) -> str:
    decision.refresh_from_db()
    return decision.status


def test_silence_proposal_keeps_deadline_in_utc_and_zone(silent: Decision) -> None:
    assert (silent.procedure, silent.deadline, silent.deadline_timezone) == (
        "silence",
        AT,
        "Europe/Vienna",
    )
    assert silent.versions == [RUSSIAN]
    assert rebuild(check=True).differences == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        (
            {"deadline": "2013-09-24T13:00", "deadline_timezone": "Europe/Vienna"},
            "deadline_past",
            "deadline",
        ),
        ({"deadline_timezone": ""}, "timezone_required", "deadline_timezone"),
        ({"deadline": "2013-10-01T18:00+02:00"}, "timezone_required", "deadline"),
        ({"deadline": ""}, "deadline_required", "deadline"),
        ({"deadline_timezone": "Europe/Atlantis"}, "unknown_timezone", "deadline_timezone"),
        ({"deadline": "2013-10-01 6pm"}, "bad_deadline", "deadline"),
        ({"deadline": "2013-03-31T02:30"}, "bad_deadline", "deadline"),  # skipped in Vienna
        ({"procedure": "vote"}, "unknown_procedure", "procedure"),
        ({"versions": [{**RUSSIAN, "text": "Один абзац."}]}, "paragraphs_mismatch", "versions"),
        ({"versions": [{**RUSSIAN, "language": "en"}]}, "duplicate_language", "versions"),
    ],
)
def test_bad_proposal_refused_and_nothing_written(
    cast: Cast, meeting: Meeting, changes: dict[str, Any], code: str, field: str
) -> None:
    before = _ops()

    with pytest.raises(MeetingError) as caught:
        _propose(cast, meeting, **changes)

    assert (caught.value.code, caught.value.field) == (code, field)
    assert (Decision.objects.count(), _ops()) == (0, before)


def test_adopted_at_the_deadline_when_every_node_records_it(silent: Decision) -> None:
    assert observe_deadlines(now=BEFORE) == []
    assert _status(silent) == "proposed"

    adopted = observe_deadlines(now=AT)

    assert [d.pk for d in adopted] == [silent.pk]
    assert _status(silent) == "adopted"
    assert list(silent.responses.values_list("organization__slug", "position", "signed_at")) == [
        (org, "observe", AT) for org in sorted(ORGS)
    ]
    assert rebuild(check=True).differences == []


def test_breaking_silence_before_the_deadline_stops_adoption(cast: Cast, silent: Decision) -> None:
    break_silence(
        actor=cast.of("osce", "signatory"), decision=silent, reason="Paragraph 2 first.", now=BEFORE
    )

    assert observe_deadlines(now=AT) == []
    assert _status(silent) == "proposed"
    assert rebuild(check=True).differences == []


def test_breaking_silence_at_the_deadline_refused(cast: Cast, silent: Decision) -> None:
    before = _ops()

    with pytest.raises(MeetingError) as caught:
        break_silence(actor=cast.of("osce", "signatory"), decision=silent, reason="Late.", now=AT)

    assert (caught.value.code, caught.value.status) == ("deadline_passed", 409)
    assert (silent.responses.count(), _ops()) == (0, before)


@pytest.mark.parametrize(
    ("role", "reason", "code"),
    [("delegate", "Why.", "not_signatory"), ("signatory", "  ", "reason_required")],
)
def test_break_silence_refused(
    cast: Cast, silent: Decision, role: str, reason: str, code: str
) -> None:
    with pytest.raises(MeetingError) as caught:
        break_silence(actor=cast.of("osce", role), decision=silent, reason=reason, now=BEFORE)

    assert caught.value.code == code
    assert silent.responses.count() == 0


def test_proposer_extends_the_deadline_and_others_cannot(cast: Cast, silent: Decision) -> None:
    with pytest.raises(MeetingError) as refused:
        extend_deadline(
            actor=cast.of("nato", "delegate"),
            decision=silent,
            deadline="2013-10-08T18:00",
            now=BEFORE,
        )

    extend_deadline(
        actor=cast.of("csto", "delegate"), decision=silent, deadline="2013-10-08T18:00", now=BEFORE
    )

    silent.refresh_from_db()
    assert refused.value.code == "not_proposer"
    assert silent.deadline == datetime(2013, 10, 8, 16, 0, tzinfo=UTC)
    assert observe_deadlines(now=AT) == []
    assert rebuild(check=True).differences == []


def test_extension_after_the_deadline_refused(cast: Cast, silent: Decision) -> None:
    with pytest.raises(MeetingError) as caught:
        extend_deadline(
            actor=cast.of("csto", "delegate"), decision=silent, deadline="2013-10-08T18:00", now=AT
        )

    assert caught.value.code == "deadline_passed"


def test_joining_with_a_statement_and_a_reservation(cast: Cast, silent: Decision) -> None:
    respond_to_decision(
        actor=cast.of("nato", "signatory"),
        decision=silent,
        position="statement",
        reason="NATO reads paragraph 2 as an annual report.",
        text_sha256=text_sha256(silent),
        now=BEFORE,
    )
    respond_to_decision(
        actor=cast.of("osce", "signatory"),
        decision=silent,
        position="reservation",
        paragraph=2,
        reason="Subject to the Permanent Council's approval.",
        now=BEFORE,
    )
    observe_deadlines(now=AT)

    assert _status(silent) == "adopted"
    assert list(
        silent.responses.exclude(position="observe").values_list(
            "organization__slug", "position", "paragraph"
        )
    ) == [("nato", "statement", None), ("osce", "reservation", 2)]
    assert rebuild(check=True).differences == []


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"position": "reservation", "paragraph": 3, "reason": "x"}, "unknown_paragraph"),
        ({"position": "reservation", "reason": "x"}, "paragraph_required"),
        ({"position": "statement"}, "reason_required"),
        ({"position": "approve", "text_sha256": "ab" * 32}, "stale_text"),
    ],
)
def test_bad_position_refused(cast: Cast, silent: Decision, kw: dict[str, Any], code: str) -> None:
    before = _ops()

    with pytest.raises(MeetingError) as caught:
        respond_to_decision(actor=cast.of("nato", "signatory"), decision=silent, now=BEFORE, **kw)

    assert caught.value.code == code
    assert (DecisionResponse.objects.count(), _ops()) == (0, before)


def test_editing_a_version_makes_earlier_reading_stale(cast: Cast, meeting: Meeting) -> None:
    decision = _propose(cast, meeting, procedure="meeting")
    read = text_sha256(decision)
    edit_decision(
        actor=cast.of("csto", "delegate"),
        decision=decision,
        title=decision.title,
        text=decision.text,
        versions=[{**RUSSIAN, "title": "Другое название"}],
    )

    with pytest.raises(MeetingError) as caught:
        respond_to_decision(
            actor=cast.of("nato", "signatory"),
            decision=decision,
            position="approve",
            text_sha256=read,
        )

    decision.refresh_from_db()
    assert caught.value.code == "stale_text"
    assert text_sha256(decision) != read


def test_answer_after_the_deadline_refused(cast: Cast, silent: Decision) -> None:
    with pytest.raises(MeetingError) as caught:
        respond_to_decision(
            actor=cast.of("nato", "signatory"), decision=silent, position="approve", now=AT
        )

    assert caught.value.code == "deadline_passed"


def test_command_observes_passed_deadlines_for_hosted_organizations(silent: Decision) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("decisions", "observe", stdout=out)

    assert out.getvalue().splitlines() == [
        f"adopted by silence procedure: {silent.op_id} Liaison on drug routes",
        "1 decision adopted by silence procedure",
    ]
    assert _status(silent) == "adopted"


def test_follower_tick_observes_passed_deadlines_by_itself(silent: Decision) -> None:
    from sideline.record.follower import Follower

    Follower().tick()

    assert _status(silent) == "adopted"
    assert rebuild(check=True).differences == []


def test_follower_tick_leaves_a_deadline_still_ahead(cast: Cast, meeting: Meeting) -> None:
    from sideline.record.follower import Follower

    ahead = _propose(cast, meeting, deadline="2199-10-01T18:00")

    Follower().tick()

    assert _status(ahead) == "proposed"

"""The permission matrix: every role × every action × own or another organization.

The meeting: NATO hosts, CSTO co-hosts, OSCE participates, SCO does not. "own" acts
where the person's organization has the standing (host, participant, owner); "other"
acts for or on another organization's behalf.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from sideline.accounts.models import SecurityEvent
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Commitment, Decision, Meeting
from sideline.meetings.permissions import can_view_meeting
from sideline.meetings.services import (
    agree_minutes,
    circulate_minutes,
    create_meeting,
    invite_delegate,
    make_commitment,
    propose_decision,
    respond_to_decision,
    save_minutes,
    set_agenda,
    update_progress,
    upload_document,
)
from tests.meetings.conftest import Cast

ROLES = ("viewer", "delegate", "signatory")


def _commitment(cast: Cast, adopted: Decision) -> Commitment:
    return make_commitment(
        actor=cast.of("osce", "delegate"),
        decision=adopted,
        owner="osce",
        description="Train border guards",
        target="200 officers trained",
        due_date=date(2014, 6, 30),
    )


def _circulated(cast: Cast, meeting: Meeting) -> Meeting:
    save_minutes(actor=cast.of("nato", "delegate"), meeting=meeting, text="# Minutes\n\nAgreed.")
    circulate_minutes(actor=cast.of("nato", "delegate"), meeting=meeting)
    return meeting


# action: (own organization, other organization, the act, expected for viewer/delegate/signatory)
Act = Callable[[Any, Cast, Meeting, Decision], object]
ACTIONS: dict[str, tuple[str, str, Act, tuple[bool, bool, bool]]] = {
    "create meeting": (
        "nato",
        "csto",
        lambda actor, cast, meeting, adopted: create_meeting(
            actor=actor, title="M", host="nato", participants=["osce"], date=date(2014, 1, 1)
        ),
        (False, True, True),
    ),
    "set agenda": (
        "nato",
        "osce",
        lambda actor, cast, meeting, adopted: set_agenda(
            actor=actor, meeting=meeting, items=["Opening"]
        ),
        (False, True, True),
    ),
    "propose decision": (
        "osce",
        "sco",
        lambda actor, cast, meeting, adopted: propose_decision(
            actor=actor, meeting=meeting, title="T", text="Text"
        ),
        (False, True, True),
    ),
    "approve decision": (
        "osce",
        "sco",
        lambda actor, cast, meeting, adopted: respond_to_decision(
            actor=actor,
            decision=propose_decision(
                actor=cast.of("nato", "delegate"), meeting=meeting, title="T", text="X"
            ),
            position="approve",
        ),
        (False, False, True),
    ),
    "make commitment for osce": (
        "osce",
        "csto",
        lambda actor, cast, meeting, adopted: make_commitment(
            actor=actor,
            decision=adopted,
            owner="osce",
            description="D",
            target="T",
            due_date=date(2014, 1, 1),
        ),
        (False, True, True),
    ),
    "update osce's commitment": (
        "osce",
        "csto",
        lambda actor, cast, meeting, adopted: update_progress(
            actor=actor, commitment=_commitment(cast, adopted), percent=10
        ),
        (False, True, True),
    ),
    "upload document": (
        "osce",
        "sco",
        lambda actor, cast, meeting, adopted: upload_document(
            actor=actor, meeting=meeting, title="Note", filename="note.txt", content=b"hello"
        ),
        (False, True, True),
    ),
    "agree minutes": (
        "osce",
        "sco",
        lambda actor, cast, meeting, adopted: agree_minutes(
            actor=actor, meeting=_circulated(cast, meeting)
        ),
        (False, False, True),
    ),
    "name delegate": (
        "osce",
        "sco",
        lambda actor, cast, meeting, adopted: invite_delegate(
            actor=actor,
            meeting=meeting,
            name="A. Person",
            email="a@example.org",
            accept_url=lambda s: s,
        ),
        (False, False, True),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(
    cast: Cast, meeting: Meeting, adopted: Decision, action: str, whose: str, role: str
) -> None:
    own, other, act, expected_own = ACTIONS[action]
    actor = cast.of(own if whose == "own" else other, role)
    allowed = expected_own[ROLES.index(role)] and whose == "own"
    refusals = SecurityEvent.objects.count()

    status = 200
    try:
        act(actor, cast, meeting, adopted)
    except MeetingError as error:
        status = error.status

    assert status == (200 if allowed else 403)
    if not allowed:
        assert SecurityEvent.objects.count() == refusals + 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("org", "expected"), [("osce", True), ("sco", False)])
def test_permission_view_private_meeting(
    cast: Cast, meeting: Meeting, role: str, org: str, expected: bool
) -> None:
    assert can_view_meeting(cast.of(org, role), meeting) is expected


def test_permission_view_public_meeting_anonymous(cast: Cast, meeting: Meeting) -> None:
    from django.contrib.auth.models import AnonymousUser

    meeting.public = True

    assert can_view_meeting(AnonymousUser(), meeting) is True
    meeting.public = False
    assert can_view_meeting(AnonymousUser(), meeting) is False

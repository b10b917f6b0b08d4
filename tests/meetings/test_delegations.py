"""Invitations: an invitee has no right until the focal point approves, and then rights
only in the meeting the delegation is for; a link is used once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from sideline.accounts.models import Person
from sideline.accounts.services import disable_person
from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Delegate, Meeting
from sideline.meetings.selectors import visible_meetings
from sideline.meetings.services import (
    accept_invitation,
    approve_delegate,
    create_meeting,
    invite_delegate,
    propose_decision,
    respond_to_decision,
    set_agenda,
    upload_document,
)
from tests.accounts.factories import PASSWORD
from tests.meetings.conftest import Cast


@pytest.fixture
def other(cast: Cast) -> Meeting:
    """A second meeting of the same organizations, which no invitation is for."""
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title="Border security",
        host="nato",
        cohost="csto",
        participants=["osce"],
        date=date(2013, 12, 5),
    )


def _invite(cast: Cast, meeting: Meeting, org: str, username: str) -> tuple[Any, Delegate]:
    """Name ``username`` to ``org``'s delegation and accept with a new account."""
    secrets: list[str] = []
    delegate = invite_delegate(
        actor=cast.of(org, "signatory"),
        meeting=meeting,
        name=username.title(),
        email=f"{username}@{org}.example",
        accept_url=lambda secret: secrets.append(secret) or f"https://node.example/{secret}",
    )
    accepted = accept_invitation(secret=secrets[0], username=username, password=PASSWORD)
    assert accepted.user is not None
    return accepted.user, delegate


def _propose(actor: Any, meeting: Meeting) -> object:
    return propose_decision(actor=actor, meeting=meeting, title="T", text="Text")


def _upload(actor: Any, meeting: Meeting) -> object:
    return upload_document(
        actor=actor, meeting=meeting, title="Note", filename="note.txt", content=b"note"
    )


def _refused(act: Any) -> str:
    with pytest.raises(MeetingError) as refused:
        act()
    assert refused.value.status == 403
    return refused.value.code


def test_invitee_account_is_a_guest_of_no_organization(cast: Cast, meeting: Meeting) -> None:
    user, _delegate = _invite(cast, meeting, "osce", "ana")

    person = Person.objects.get(user=user)

    assert (person.role, person.organization_id) == ("guest", None)


def test_invitee_before_approval_has_no_right(
    client: Client, cast: Cast, meeting: Meeting, other: Meeting
) -> None:
    user, _delegate = _invite(cast, meeting, "osce", "ana")
    client.force_login(user)

    pages = [client.get(f"/meetings/{m.pk}/").status_code for m in (meeting, other)]

    assert pages == [404, 404]
    assert list(visible_meetings(user)) == []
    assert _refused(lambda: _propose(user, meeting)) == "no_organization"
    assert _refused(lambda: _upload(user, meeting)) == "no_organization"
    assert _refused(lambda: _propose(user, other)) == "no_organization"


def test_invitee_after_approval_acts_in_that_meeting_only(
    client: Client, cast: Cast, meeting: Meeting, other: Meeting
) -> None:
    user, delegate = _invite(cast, meeting, "osce", "ana")
    approve_delegate(actor=cast.of("osce", "signatory"), delegate=delegate)
    client.force_login(user)

    pages = [client.get(f"/meetings/{m.pk}/").status_code for m in (meeting, other)]
    decision = propose_decision(actor=user, meeting=meeting, title="T", text="Text")

    assert pages == [200, 404]
    assert list(visible_meetings(user)) == [meeting]
    assert decision.proposed_by.slug == "osce"
    assert _upload(user, meeting) is not None
    assert _refused(lambda: _propose(user, other)) == "no_organization"
    assert _refused(lambda: _upload(user, other)) == "no_organization"


def test_approved_invitee_neither_signs_nor_names_delegates(cast: Cast, meeting: Meeting) -> None:
    user, delegate = _invite(cast, meeting, "osce", "ana")
    approve_delegate(actor=cast.of("osce", "signatory"), delegate=delegate)
    decision = propose_decision(
        actor=cast.of("nato", "delegate"), meeting=meeting, title="T", text="Text"
    )

    respond = _refused(
        lambda: respond_to_decision(actor=user, decision=decision, position="approve")
    )
    invite = _refused(
        lambda: invite_delegate(
            actor=user, meeting=meeting, name="B", email="b@osce.example", accept_url=str
        )
    )

    assert (respond, invite) == ("not_signatory", "not_focal_point")


def test_approved_host_invitee_prepares_that_meeting_only(
    cast: Cast, meeting: Meeting, other: Meeting
) -> None:
    user, delegate = _invite(cast, meeting, "nato", "bo")
    before = _refused(lambda: set_agenda(actor=user, meeting=meeting, items=["Opening"]))
    approve_delegate(actor=cast.of("nato", "signatory"), delegate=delegate)

    set_agenda(actor=user, meeting=meeting, items=["Opening"])

    assert before == "not_host"
    assert list(meeting.agenda.values_list("title", flat=True)) == ["Opening"]
    assert _refused(lambda: set_agenda(actor=user, meeting=other, items=["X"])) == "not_host"


def test_approved_invitee_of_one_organization_cannot_act_for_another(
    cast: Cast, meeting: Meeting
) -> None:
    user, delegate = _invite(cast, meeting, "osce", "ana")
    approve_delegate(actor=cast.of("osce", "signatory"), delegate=delegate)
    secrets: list[str] = []
    invite_delegate(
        actor=cast.of("csto", "signatory"),
        meeting=meeting,
        name="Ana",
        email="ana@csto.example",
        accept_url=lambda secret: secrets.append(secret) or secret,
    )

    code = _refused(lambda: accept_invitation(secret=secrets[0], actor=user))

    assert code == "not_your_organization"


def test_guest_accepts_a_second_invitation_of_the_same_organization(
    cast: Cast, meeting: Meeting, other: Meeting
) -> None:
    user, _delegate = _invite(cast, meeting, "osce", "ana")
    secrets: list[str] = []
    invite_delegate(
        actor=cast.of("osce", "signatory"),
        meeting=other,
        name="Ana",
        email="ana@osce.example",
        accept_url=lambda secret: secrets.append(secret) or secret,
    )

    accepted = accept_invitation(secret=secrets[0], actor=user)

    assert (accepted.user_id, accepted.approved_at) == (user.pk, None)


def test_disabled_guest_loses_the_approved_meeting(
    client: Client, cast: Cast, meeting: Meeting
) -> None:
    user, delegate = _invite(cast, meeting, "osce", "ana")
    approve_delegate(actor=cast.of("osce", "signatory"), delegate=delegate)
    disable_person(username="ana")
    user.refresh_from_db()

    refused = _refused(lambda: _propose(user, meeting))

    assert refused == "no_organization"
    assert list(visible_meetings(user)) == []

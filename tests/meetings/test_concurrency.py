"""Concurrent clients on one meeting: every read-modify-write ends in the state the
record's last entry states, or in a clear 409; never a 500 or a merge of two requests.

Each client is a thread with its own database connection, started at the same moment
(the ``concurrently`` fixture, PostgreSQL only).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sideline.accounts.services import create_token
from sideline.meetings.models import Change, Meeting
from sideline.meetings.services import create_meeting, invite_delegate, propose_decision
from sideline.oplog import reduce_node
from sideline.record.entry import open_entry
from sideline.record.models import KeyPurpose, Log
from sideline.record.selectors import log_verifiers
from sideline.registry.services import load_package
from tests.accounts.factories import PASSWORD, person
from tests.conftest import Concurrently
from tests.registry.package_factory import write_package

CLIENTS = 6

pytestmark = pytest.mark.slow


@pytest.fixture
def public_meeting(concurrently: Concurrently, tmp_path: Path) -> Meeting:
    """A public meeting hosted by NATO with CSTO, on a database the threads can see."""
    load_package(write_package(tmp_path / "package"))
    for org in ("nato", "csto"):
        for role in ("delegate", "signatory"):
            person(f"{org}-{role}", organization=org, role=role)
    return create_meeting(
        actor=get_user_model().objects.get(username="nato-delegate"),
        title="Counter-narcotics",
        host="nato",
        participants=["csto"],
        date=date(2013, 9, 25),
        public=True,
    )


def _api(username: str) -> Client:
    user = get_user_model().objects.get(username=username)
    _token, plain = create_token(user=user, name="concurrency")
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {plain}")


def _last_payload(kind: str) -> Any:
    """The payload of the last entry of ``kind`` on NATO's log."""
    log = Log.objects.get(organization__slug="nato")
    entry = log.entries.filter(kind=kind).order_by("-index").first()
    assert entry is not None, f"no {kind} entry"
    opened = open_entry(bytes(entry.leaf), verifiers=log_verifiers(log, purpose=KeyPurpose.ENTRY))
    return opened.payload


def test_agenda_replaced_concurrently_is_the_last_recorded_one(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    url = f"/api/meetings/{public_meeting.pk}/agenda"
    clients = [_api("nato-delegate") for _ in range(CLIENTS)]
    agendas = [[f"item {n}.{i}" for i in range(1, 4)] for n in range(CLIENTS)]

    responses = concurrently(
        *(
            lambda c=c, items=items: c.put(url, {"items": items}, content_type="application/json")
            for c, items in zip(clients, agendas, strict=True)
        )
    )

    final = list(public_meeting.agenda.order_by("position").values_list("title", flat=True))
    assert sorted(r.status_code for r in responses) == [200] * CLIENTS
    assert final in agendas
    assert final == _last_payload("op.agenda.set")["content"]["clear"]["items"]


def test_first_proposals_concurrently_are_numbered_in_turn(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    url = f"/api/meetings/{public_meeting.pk}/decisions"
    clients = [_api("csto-delegate") for _ in range(CLIENTS)]

    responses = concurrently(
        *(
            lambda c=c, n=n: c.post(
                url, {"title": f"Proposal {n}", "text": "Text."}, content_type="application/json"
            )
            for n, c in enumerate(clients)
        )
    )

    assert sorted(r.status_code for r in responses) == [201] * CLIENTS
    assert sorted(r.json()["number"] for r in responses) == list(range(1, CLIENTS + 1))
    numbers = public_meeting.decisions.values_list("number", flat=True)
    assert sorted(numbers) == list(range(1, CLIENTS + 1))


def test_first_minutes_saved_concurrently_keep_every_revision(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    url = f"/api/meetings/{public_meeting.pk}/minutes"
    clients = [_api("nato-delegate") for _ in range(CLIENTS)]

    responses = concurrently(
        *(
            lambda c=c, n=n: c.put(url, {"text": f"# Minutes {n}"}, content_type="application/json")
            for n, c in enumerate(clients)
        )
    )

    minutes = public_meeting.minutes
    minutes.refresh_from_db()
    revisions = minutes.revisions.values_list("number", flat=True)
    last = _last_payload("op.minutes.draft")["content"]["clear"]
    drafts = Log.objects.get(organization__slug="nato").entries.filter(kind="op.minutes.draft")
    assert sorted(r.status_code for r in responses) == [200] * CLIENTS
    assert sorted(revisions) == list(range(1, CLIENTS + 1))
    assert (minutes.revision, minutes.text) == (drafts.count(), last["text"])


def test_invitation_link_submitted_concurrently_makes_one_account(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    secrets: list[str] = []
    invite_delegate(
        actor=get_user_model().objects.get(username="csto-signatory"),
        meeting=public_meeting,
        name="Ana",
        email="ana@csto.example",
        accept_url=lambda secret: secrets.append(secret) or secret,
    )
    url = f"/meetings/invitations/{secrets[0]}/"
    users_before = get_user_model().objects.count()
    clients = [Client(raise_request_exception=False) for _ in range(CLIENTS)]

    responses = concurrently(
        *(
            lambda c=c, n=n: c.post(url, {"username": f"ana{n}", "password": PASSWORD})
            for n, c in enumerate(clients)
        )
    )

    codes = sorted(r.status_code for r in responses)
    refused = [r for r in responses if r.status_code == 200]
    assert codes == [200] * (CLIENTS - 1) + [302]
    assert all("unknown or already used" in r.content.decode() for r in refused)
    assert get_user_model().objects.count() == users_before + 1
    assert public_meeting.delegates.get().user is not None


def test_same_delegate_named_concurrently_is_named_once(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    url = f"/api/meetings/{public_meeting.pk}/delegates"
    clients = [_api("csto-signatory") for _ in range(CLIENTS)]
    body = {"name": "Ana", "email": "ana@csto.example"}

    responses = concurrently(
        *(lambda c=c: c.post(url, body, content_type="application/json") for c in clients)
    )

    codes = sorted(r.status_code for r in responses)
    refused = {r.json()["error"]["code"] for r in responses if r.status_code == 400}
    assert codes == [201] + [400] * (CLIENTS - 1)
    assert refused == {"already_invited"}
    assert public_meeting.delegates.count() == 1


def test_last_approvals_concurrently_adopt_once(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    decision = propose_decision(
        actor=get_user_model().objects.get(username="nato-delegate"),
        meeting=public_meeting,
        title="Working group",
        text="Set up a working group.",
    )
    url = f"/api/meetings/decisions/{decision.pk}/responses"
    clients = [_api(f"{org}-signatory") for org in ("nato", "csto")]

    responses = concurrently(
        *(
            lambda c=c: c.post(url, {"position": "approve"}, content_type="application/json")
            for c in clients
        )
    )

    decision.refresh_from_db()
    adopted = Change.objects.filter(kind="decision.adopted", subject=decision.subject)
    _, reduction = reduce_node()
    assert [r.status_code for r in responses] == [200, 200]
    assert decision.status == "adopted"
    assert adopted.count() == 1
    assert reduction.state.decisions[str(decision.op_id)].status == "adopted"
    assert {v.status for v in reduction.verdicts} == {"applied"}


def test_one_username_taken_concurrently_by_two_invitations_is_one_account(
    concurrently: Concurrently, public_meeting: Meeting
) -> None:
    second = create_meeting(
        actor=get_user_model().objects.get(username="nato-delegate"),
        title="Border security",
        host="nato",
        participants=["csto"],
        date=date(2013, 12, 5),
        public=True,
    )
    secrets: list[str] = []
    for meeting in (public_meeting, second):
        invite_delegate(
            actor=get_user_model().objects.get(username="csto-signatory"),
            meeting=meeting,
            name="Ana",
            email="ana@csto.example",
            accept_url=lambda secret: secrets.append(secret) or secret,
        )
    clients = [Client(raise_request_exception=False) for _ in secrets]

    responses = concurrently(
        *(
            lambda c=c, s=s: c.post(
                f"/meetings/invitations/{s}/", {"username": "ana", "password": PASSWORD}
            )
            for c, s in zip(clients, secrets, strict=True)
        )
    )

    codes = sorted(r.status_code for r in responses)
    refusal = next(r.content.decode() for r in responses if r.status_code == 200)
    assert codes == [200, 302]
    assert "already taken" in refusal or "reload and try again" in refusal
    assert get_user_model().objects.filter(username="ana").count() == 1

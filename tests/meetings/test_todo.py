"""Each person's "to do": what awaits their organization's answer, by their role."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sideline.meetings.models import Decision, Meeting
from sideline.meetings.services import (
    accept_invitation,
    circulate_minutes,
    create_meeting,
    invite_delegate,
    make_commitment,
    propose_agenda_item,
    propose_decision,
    save_minutes,
    text_sha256,
)
from sideline.meetings.todo import todo_count, todo_for
from tests.meetings.conftest import Cast


def busy_meeting(cast: Cast, n: int) -> Meeting:
    """A meeting of NATO, CSTO and OSCE with a proposal, circulated minutes and an item."""
    host = cast.of("nato", "delegate")
    meeting = create_meeting(
        actor=host,
        title=f"Round {n}",
        host="nato",
        participants=["csto", "osce"],
        date=date(2013, 9, n),
    )
    propose_decision(actor=host, meeting=meeting, title=f"Decision {n}", text="Text")
    save_minutes(actor=host, meeting=meeting, text="We met.")
    circulate_minutes(actor=host, meeting=meeting)
    propose_agenda_item(actor=cast.of("osce", "delegate"), meeting=meeting, title=f"Item {n}")
    return meeting


def test_signatory_of_a_host_sees_every_list(cast: Cast, adopted: Decision) -> None:
    due = timezone.localdate() + timedelta(days=2)
    make_commitment(
        actor=cast.of("nato", "delegate"),
        decision=adopted,
        owner="nato",
        description="Share routes",
        target="Monthly",
        due_date=due,
    )
    busy_meeting(cast, 1)

    todo = todo_for(cast.of("nato", "signatory"))

    assert [d.title for d in todo.decisions] == ["Decision 1"]
    assert [m.meeting.title for m in todo.minutes] == ["Round 1"]
    assert [(c.description, status) for c, status in todo.commitments] == [
        ("Share routes", "at_risk")
    ]
    assert [p.title for p in todo.proposals] == ["Item 1"]
    assert (todo.delegations, todo.count) == ([], 4)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # A participant's signatory answers; it hosts nothing, owns no commitment here.
        (("osce", "signatory"), (1, 1, 0, 0)),
        # A host's delegate answers proposed items but does not sign.
        (("nato", "delegate"), (0, 0, 0, 1)),
        # Viewers and outsiders have nothing to do.
        (("nato", "viewer"), (0, 0, 0, 0)),
        (("sco", "signatory"), (0, 0, 0, 0)),
        (("none", "coordinator"), (0, 0, 0, 0)),
    ],
)
def test_each_role_sees_only_what_it_may_act_on(
    cast: Cast, who: tuple[str, str], expected: tuple[int, ...]
) -> None:
    busy_meeting(cast, 1)

    todo = todo_for(cast.of(*who))

    assert (
        len(todo.decisions),
        len(todo.minutes),
        len(todo.commitments),
        len(todo.proposals),
    ) == expected


def test_answered_items_leave_the_list(client: Client, cast: Cast) -> None:
    meeting = busy_meeting(cast, 1)
    client.force_login(cast.of("osce", "signatory"))
    decision = meeting.decisions.get()

    client.post(f"/meetings/{meeting.pk}/do/agree/")
    client.post(
        f"/meetings/{meeting.pk}/do/respond/",
        {
            "decision": decision.pk,
            "position": "approve",
            "text_sha256": text_sha256(decision),
            "confirm": "yes",
        },
    )

    assert todo_for(cast.of("osce", "signatory")).count == 0


@pytest.mark.parametrize("n", [1, 3])
def test_todo_page_queries_do_not_grow_with_items(
    client: Client, cast: Cast, n: int, django_assert_num_queries: Any
) -> None:
    for k in range(1, n + 1):
        busy_meeting(cast, k)
    client.force_login(cast.of("nato", "signatory"))

    with django_assert_num_queries(15):
        response = client.get("/meetings/todo/")

    html = response.content.decode()
    assert html.count("/#minutes") == n
    assert html.count("#proposed-items") == n


@pytest.mark.parametrize("n", [1, 3])
def test_todo_api_queries_do_not_grow_with_items(
    client: Client, cast: Cast, n: int, django_assert_num_queries: Any
) -> None:
    for k in range(1, n + 1):
        busy_meeting(cast, k)
    client.force_login(cast.of("nato", "signatory"))

    with django_assert_num_queries(8):
        body = client.get("/api/meetings/todo").json()

    assert body["count"] == 3 * n
    assert [d["title"] for d in body["decisions"]] == [f"Decision {k}" for k in range(1, n + 1)]


def test_navigation_shows_the_count_with_an_accessible_name(client: Client, cast: Cast) -> None:
    busy_meeting(cast, 1)
    client.force_login(cast.of("nato", "signatory"))

    html = client.get("/meetings/").content.decode()

    assert (
        '<a href="/meetings/todo/" data-testid="nav-todo">To do <span class="badge">3'
        '<span class="visually-hidden"> items</span></span></a>'
    ) in html


def test_navigation_count_follows_a_change(cast: Cast) -> None:
    meeting = busy_meeting(cast, 1)
    signatory = cast.of("osce", "signatory")
    before = todo_count(signatory)

    propose_decision(
        actor=cast.of("nato", "delegate"), meeting=meeting, title="Another", text="Text"
    )

    assert (before, todo_count(signatory)) == (2, 3)


def test_todo_needs_a_login(client: Client) -> None:
    page = client.get("/meetings/todo/")
    api = client.get("/api/meetings/todo")

    assert (page.status_code, page["Location"]) == (302, "/accounts/login/?next=/meetings/todo/")
    assert api.status_code == 401


def test_delegate_who_accepted_awaits_the_focal_points_approval(
    cast: Cast, meeting: Meeting
) -> None:
    secrets: list[str] = []

    def link(secret: str) -> str:
        secrets.append(secret)
        return f"https://sideline.example/meetings/invitations/{secret}/"

    invite_delegate(
        actor=cast.of("osce", "signatory"),
        meeting=meeting,
        name="Ana Petrova",
        email="ana@example.org",
        accept_url=link,
    )
    before = todo_for(cast.of("osce", "signatory")).delegations
    accept_invitation(secret=secrets[0], username="ana", password="a-long-enough-passphrase")

    after = todo_for(cast.of("osce", "signatory")).delegations

    assert (before, [d.name for d in after]) == ([], ["Ana Petrova"])
    assert todo_for(cast.of("osce", "delegate")).delegations == []

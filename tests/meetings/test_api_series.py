"""The series and story endpoints under /api/meetings: the pages' JSON, the pages' rights."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from sideline.meetings.models import Meeting
from sideline.meetings.services import create_meeting, propose_decision
from tests.meetings.conftest import Cast


@pytest.fixture
def closed_and_open(cast: Cast) -> tuple[Meeting, Meeting]:
    made = tuple(
        create_meeting(
            actor=cast.of("nato", "delegate"),
            title=title,
            host="nato",
            cohost="csto",
            participants=[],
            date=day,
            public=public,
        )
        for title, day, public in (
            ("Closed", date(2013, 3, 1), False),
            ("Open", date(2013, 9, 25), True),
        )
    )
    return made[0], made[1]


def _client(cast: Cast, who: tuple[str, str] | None) -> Client:
    client = Client()
    if who is not None:
        client.force_login(cast.of(*who))
    return client


@pytest.mark.parametrize(
    ("who", "titles"),
    [
        (None, ["Open"]),
        (("osce", "signatory"), ["Open"]),
        (("csto", "viewer"), ["Closed", "Open"]),
    ],
)
def test_get_series_lists_what_the_caller_may_see(
    cast: Cast,
    closed_and_open: tuple[Meeting, Meeting],
    who: tuple[str, str] | None,
    titles: list[str],
) -> None:
    answer = _client(cast, who).get("/api/meetings/series/organizations/csto+nato")

    assert answer.status_code == 200
    body = answer.json()
    assert (body["kind"], body["key"], body["name"]) == (
        "organizations",
        "csto+nato",
        "CSTO – NATO",
    )
    assert [m["title"] for m in body["meetings"]] == titles


def test_get_series_non_canonical_key_is_404_with_the_error_body(
    cast: Cast, closed_and_open: tuple[Meeting, Meeting]
) -> None:
    answer = Client().get("/api/meetings/series/organizations/nato+csto")

    assert (answer.status_code, answer.json()) == (
        404,
        {
            "error": {
                "code": "unknown_series",
                "message": "no series organizations/nato+csto that you may see",
                "field": None,
            }
        },
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 404), (("osce", "signatory"), 404), (("nato", "viewer"), 200)],
)
def test_get_story_of_a_confidential_decision_only_for_participants(
    cast: Cast,
    closed_and_open: tuple[Meeting, Meeting],
    who: tuple[str, str] | None,
    status: int,
) -> None:
    decision = propose_decision(
        actor=cast.of("csto", "delegate"), meeting=closed_and_open[0], title="Quiet", text="Q."
    )

    answer = _client(cast, who).get(f"/api/meetings/story/decision/{decision.pk}")

    assert answer.status_code == status
    if status == 200:
        assert [s["kind"] for s in answer.json()["steps"]] == [
            "request",
            "meeting",
            "minutes",
            "decision",
            "commitment",
        ]
    else:
        assert answer.json()["error"]["code"] == "unknown_story"

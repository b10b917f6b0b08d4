"""The story view: from a meeting request to its results, with what is missing said so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from sideline.meetings.models import Commitment, Decision, Meeting
from sideline.meetings.services import (
    agree_minutes,
    circulate_minutes,
    close_commitment,
    create_meeting,
    make_commitment,
    propose_decision,
    respond_to_decision,
    save_minutes,
    update_progress,
)
from sideline.meetings.story import (
    StoryNotFound,
    story_of_commitment,
    story_of_decision,
    story_of_request,
)
from sideline.planner.models import MeetingRequest, PlacedMeeting, Plan
from sideline.planner.services import create_plan, publish_plan
from sideline.planner.solver import SolveOptions
from sideline.registry.models import Organization
from tests.meetings.conftest import Cast

NOW = datetime(2013, 11, 1, 12, tzinfo=UTC)
# Queries of a story page as a signed-in participant and as an anonymous reader: the same
# with one meeting (or commitment) as with three.
QUERIES_REQUEST_STORY = 20  # with the menu's to-do count check
QUERIES_DECISION_STORY = 16
FAST = SolveOptions(deterministic_time=5.0, num_workers=1, seed=0)
WEEK = {"not_before": "2013-09-24", "not_after": "2013-10-01"}
# CSTO and SCO meet at the UN General Assembly's high-level week 2013; NATO and CSTO
# attend no common session that year, so r2 stays unplaced.
REQUESTS = [
    {"id": "r1", "organizations": ["csto", "sco"], "topic": "counter-terrorism", "priority": 5},
    {"id": "r2", "organizations": ["nato", "csto"], "topic": "counter-narcotics", "priority": 1},
]


@pytest.fixture
def plan(cast: Cast) -> Plan:
    made = create_plan(
        year=2013, requests=[r | WEEK for r in REQUESTS], origin="file", options=FAST
    )
    return publish_plan(plan=made, publisher=Organization.objects.get(slug="osce"))


def _held(cast: Cast, plan: Plan, *, public: bool, title: str = "CSTO–SCO") -> Meeting:
    placed = PlacedMeeting.objects.select_related("session").get(plan=plan, request__key="r1")
    assert placed.session is not None
    return create_meeting(
        actor=cast.of("csto", "delegate"),
        title=title,
        host="csto",
        cohost="sco",
        participants=[],
        date=placed.date,
        forum_session=placed.session.key,
        planner_request="r1",
        public=public,
    )


def _results(cast: Cast, meeting: Meeting) -> Commitment:
    """Agreed minutes, an adopted decision, a commitment with progress, done."""
    save_minutes(actor=cast.of("csto", "delegate"), meeting=meeting, text="We met.")
    circulate_minutes(actor=cast.of("csto", "delegate"), meeting=meeting)
    for org in ("csto", "sco"):
        agree_minutes(actor=cast.of(org, "signatory"), meeting=meeting)
    decision = propose_decision(
        actor=cast.of("sco", "delegate"), meeting=meeting, title="Exchange lists", text="Lists."
    )
    respond_to_decision(actor=cast.of("csto", "signatory"), decision=decision, position="approve")
    respond_to_decision(
        actor=cast.of("sco", "signatory"), decision=decision, position="object", reason="Later."
    )
    respond_to_decision(actor=cast.of("sco", "signatory"), decision=decision, position="approve")
    commitment = make_commitment(
        actor=cast.of("csto", "delegate"),
        decision=Decision.objects.get(pk=decision.pk),
        owner="csto",
        description="Send the list",
        target="one list",
        due_date=date(2013, 12, 1),
    )
    update_progress(actor=cast.of("csto", "delegate"), commitment=commitment, percent=50)
    close_commitment(actor=cast.of("csto", "delegate"), commitment=commitment, closed_as="done")
    return commitment


def _chain(story: Any) -> list[tuple[str, int, str, str, int]]:
    return [(s.kind, s.depth, s.state, s.missing, len(s.entries)) for s in story.steps]


def test_story_of_commitment_connects_request_to_result(cast: Cast, plan: Plan) -> None:
    commitment = _results(cast, _held(cast, plan, public=True))

    story = story_of_commitment(commitment.pk, user=AnonymousUser(), now=NOW)

    assert _chain(story) == [
        ("request", 0, "read from a file", "", 0),
        ("placed", 0, "plan 2013, version 1", "", 1),
        ("meeting", 0, "CSTO, SCO", "", 1),
        ("minutes", 1, "agreed", "", 4),
        ("decision", 1, "adopted", "", 4),
        ("commitment", 2, "CSTO", "", 1),
        ("progress", 3, "", "", 1),
        ("result", 3, "done", "", 1),
    ]
    placed, decision = story.steps[1], story.steps[4]
    assert placed.entries[0].kind == "calendar.published"
    assert placed.url == f"/planner/plans/{plan.pk}/"
    assert decision.detail == ["CSTO: approves", "SCO: approves"]
    assert [e.kind for e in decision.entries] == [
        "decision.propose",
        "decision.respond",
        "decision.respond",
        "decision.respond",
    ]
    assert story.steps[6].title == "50 %"


def test_story_entry_links_its_log_and_entry_bundle(cast: Cast, plan: Plan) -> None:
    _held(cast, plan, public=True)

    entry = story_of_request(meeting_request(), user=AnonymousUser()).steps[2].entries[0]

    assert (entry.log, entry.kind, entry.log_url) == ("csto", "meeting.create", "/record/csto/")
    assert entry.bundle_url == f"/record/csto/tile/entries/000.p/{entry.index + 1}"
    assert len(entry.leaf_hash) == 64


def meeting_request(key: str = "r1") -> int:
    return MeetingRequest.objects.get(year=2013, key=key).pk


def test_story_of_decision_says_what_is_missing(cast: Cast, meeting: Meeting) -> None:
    decision = propose_decision(
        actor=cast.of("nato", "delegate"), meeting=meeting, title="Talk again", text="Yes."
    )

    story = story_of_decision(decision.pk, user=cast.of("osce", "viewer"))

    assert [(s.kind, s.missing) for s in story.steps] == [
        ("request", "No meeting request: arranged directly."),
        ("meeting", ""),
        ("minutes", "No minutes agreed."),
        ("decision", ""),
        ("commitment", "No commitments: the decision is not adopted."),
    ]


def test_story_of_an_unplaced_request(cast: Cast, plan: Plan) -> None:
    story = story_of_request(meeting_request("r2"), user=AnonymousUser())

    assert [(s.kind, s.missing) for s in story.steps] == [
        ("request", ""),
        ("placed", "Not yet placed."),
        ("meeting", "No meeting held yet."),
    ]
    assert story.steps[1].detail != []


def test_story_of_a_request_in_no_published_plan_is_for_coordinators(cast: Cast) -> None:
    create_plan(year=2013, requests=[REQUESTS[0] | WEEK], origin="file", options=FAST)
    pk = meeting_request()

    with pytest.raises(StoryNotFound):
        story_of_request(pk, user=cast.of("csto", "signatory"))
    story = story_of_request(pk, user=cast.of("none", "coordinator"))
    assert [(s.kind, s.missing) for s in story.steps][:2] == [
        ("request", ""),
        ("placed", "Not yet placed."),
    ]


def test_story_of_a_request_leaves_out_a_confidential_meeting(cast: Cast, plan: Plan) -> None:
    _held(cast, plan, public=False, title="Closed talks")

    outsider = story_of_request(meeting_request(), user=cast.of("nato", "signatory"))
    insider = story_of_request(meeting_request(), user=cast.of("sco", "viewer"))

    assert [s.title for s in outsider.steps if s.kind == "meeting"] == ["Meeting"]
    assert outsider.steps[2].missing == "No meeting held yet."
    assert [s.title for s in insider.steps if s.kind == "meeting"] == ["Closed talks"]


@pytest.mark.parametrize("suffix", ["/", ".json"])
def test_story_pages_of_a_confidential_meeting_only_for_participants(
    cast: Cast, plan: Plan, suffix: str
) -> None:
    commitment = _results(cast, _held(cast, plan, public=False, title="Closed talks"))
    urls = [
        f"/meetings/story/decision/{commitment.decision_id}{suffix}",
        f"/meetings/story/commitment/{commitment.pk}{suffix}",
    ]
    outsider, member, participant = Client(), Client(), Client()
    member.force_login(cast.of("nato", "signatory"))
    participant.force_login(cast.of("sco", "viewer"))

    for url in urls:
        assert outsider.get(url).status_code == 404
        assert member.get(url).status_code == 404
        answer = participant.get(url)
        assert answer.status_code == 200
        assert "Closed talks" in answer.content.decode()


def test_story_json_lists_the_steps(cast: Cast, plan: Plan) -> None:
    commitment = _results(cast, _held(cast, plan, public=True))

    body = Client().get(f"/meetings/story/commitment/{commitment.pk}.json").json()

    assert (body["schema"], body["subject"], body["title"]) == (
        "sideline.story/1",
        "commitment",
        "Send the list",
    )
    assert [s["kind"] for s in body["steps"]] == [
        "request",
        "placed",
        "meeting",
        "minutes",
        "decision",
        "commitment",
        "progress",
        "result",
    ]
    assert body["steps"][7]["entries"][0]["kind"] == "commitment.close"


@pytest.mark.parametrize("url", ["/meetings/story/other/1/", "/meetings/story/decision/999999/"])
def test_story_unknown_answers_404(cast: Cast, url: str) -> None:
    assert Client().get(url).status_code == 404


def test_story_reachable_from_decision_and_commitment_pages(cast: Cast, plan: Plan) -> None:
    commitment = _results(cast, _held(cast, plan, public=True))
    client = Client()

    decision_page = client.get(f"/meetings/decisions/{commitment.decision_id}/").content.decode()
    commitment_page = client.get(f"/meetings/commitments/{commitment.pk}/").content.decode()

    assert f'href="/meetings/story/decision/{commitment.decision_id}/"' in decision_page
    assert f'href="/meetings/story/commitment/{commitment.pk}/"' in commitment_page


def _meetings_with_results(cast: Cast, plan: Plan, count: int) -> None:
    for number in range(count):
        _results(cast, _held(cast, plan, public=True, title=f"Round {number}"))


@pytest.mark.parametrize("count", [1, 3])
def test_story_of_request_page_queries_do_not_grow(
    cast: Cast, plan: Plan, count: int, django_assert_num_queries: Any
) -> None:
    _meetings_with_results(cast, plan, count)
    client = Client()
    client.force_login(cast.of("sco", "viewer"))
    url = f"/meetings/story/request/{meeting_request()}/"
    client.get(url)

    with django_assert_num_queries(QUERIES_REQUEST_STORY):
        answer = client.get(url)

    assert answer.content.decode().count('data-kind="meeting"') == count


@pytest.mark.parametrize("count", [1, 3])
def test_story_of_decision_page_queries_do_not_grow(
    cast: Cast, plan: Plan, count: int, django_assert_num_queries: Any
) -> None:
    commitment = _results(cast, _held(cast, plan, public=True))
    for number in range(1, count):
        made = make_commitment(
            actor=cast.of("sco", "delegate"),
            decision=commitment.decision,
            owner="sco",
            description=f"Answer {number}",
            target="an answer",
            due_date=date(2013, 12, 1),
        )
        update_progress(actor=cast.of("sco", "delegate"), commitment=made, percent=10)
    client = Client()
    url = f"/meetings/story/decision/{commitment.decision_id}/"
    client.get(url)

    with django_assert_num_queries(QUERIES_DECISION_STORY):
        answer = client.get(url)

    assert answer.content.decode().count('data-kind="commitment"') == count


def test_story_page_in_russian_says_what_is_missing(cast: Cast, plan: Plan) -> None:
    client = Client(headers={"accept-language": "ru"})

    html = client.get(f"/meetings/story/request/{meeting_request('r2')}/").content.decode()

    assert "Путь: counter-narcotics" in html  # "История" is a record's history
    assert "Пока не включена в план." in html
    assert "Встреча пока не проводилась." in html

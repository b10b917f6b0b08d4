"""Series of meetings: identity, order, previous and next, and what each person sees."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from sideline.meetings.models import Decision, Meeting
from sideline.meetings.series import (
    Series,
    meetings_in_series,
    neighbours_in_series,
    parse_group_key,
    previous_meeting_in_series,
    series_of,
)
from sideline.meetings.services import (
    add_participant,
    agree_minutes,
    circulate_minutes,
    create_meeting,
    make_commitment,
    propose_decision,
    respond_to_decision,
    save_minutes,
)
from sideline.registry.models import ForumSession
from tests.meetings.conftest import Cast


def _meet(
    cast: Cast,
    day: date,
    *,
    title: str = "Talks",
    cohost: str = "csto",
    participants: tuple[str, ...] = (),
    public: bool = False,
) -> Meeting:
    return create_meeting(
        actor=cast.of("nato", "delegate"),
        title=title,
        host="nato",
        cohost=cohost,
        participants=list(participants),
        date=day,
        public=public,
    )


@pytest.fixture
def three(cast: Cast) -> list[Meeting]:
    """Three NATO–CSTO meetings made out of date order, and one of NATO, CSTO and OSCE."""
    second = _meet(cast, date(2013, 9, 25), title="Second", public=True)
    first = _meet(cast, date(2013, 3, 1), title="First")
    third = _meet(cast, date(2014, 2, 2), title="Third", public=True)
    _meet(cast, date(2013, 6, 1), title="With OSCE", participants=("osce",), public=True)
    return [first, second, third]


def test_series_of_meeting_is_its_sorted_group(cast: Cast, three: list[Meeting]) -> None:
    assert series_of(three[0]) == [Series("organizations", "csto+nato")]


def test_meetings_in_series_are_the_exact_group_in_date_order(
    cast: Cast, three: list[Meeting]
) -> None:
    found = meetings_in_series(Series("organizations", "csto+nato"))

    assert [m.title for m in found] == ["First", "Second", "Third"]


def test_previous_meeting_in_series_in_shared_state(cast: Cast, three: list[Meeting]) -> None:
    first, second, third = three

    assert (
        previous_meeting_in_series(first),
        previous_meeting_in_series(second),
        previous_meeting_in_series(third),
    ) == (None, first, second)


def test_previous_meeting_in_series_skips_what_the_user_may_not_see(
    cast: Cast, three: list[Meeting]
) -> None:
    first, second, _third = three

    assert previous_meeting_in_series(second, user=AnonymousUser()) is None
    assert previous_meeting_in_series(second, user=cast.of("osce", "viewer")) is None
    assert previous_meeting_in_series(second, user=cast.of("csto", "viewer")) == first


def test_neighbours_in_series_before_and_after(cast: Cast, three: list[Meeting]) -> None:
    first, second, third = three
    series = Series("organizations", "csto+nato")

    assert neighbours_in_series(second, series) == (first, third)
    assert neighbours_in_series(second, series, user=AnonymousUser()) == (None, third)


def test_adding_a_participant_moves_the_meeting_to_the_new_group(
    cast: Cast, three: list[Meeting]
) -> None:
    first, second, third = three

    add_participant(actor=cast.of("nato", "delegate"), meeting=second, organization="osce")

    assert previous_meeting_in_series(third) == first
    assert [m.title for m in meetings_in_series(Series("organizations", "csto+nato+osce"))] == [
        "With OSCE",
        "Second",
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("csto+nato", ("csto", "nato")),
        ("nato", ("nato",)),
        ("nato+csto", None),
        ("csto+csto", None),
        ("csto++nato", None),
        ("", None),
        ("csto+na\x00to", None),
        ("csto+na to", None),
        ("+".join(f"o{i:02}" for i in range(17)), None),
    ],
)
def test_parse_group_key_accepts_only_canonical_keys(
    key: str, expected: tuple[str, ...] | None
) -> None:
    assert parse_group_key(key) == expected


def _page(client: Client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return answer.content.decode()


def test_series_page_compiles_minutes_decisions_and_commitments_in_order(
    cast: Cast, three: list[Meeting]
) -> None:
    _first, second, third = three
    save_minutes(actor=cast.of("nato", "delegate"), meeting=second, text="We **agreed**.")
    circulate_minutes(actor=cast.of("nato", "delegate"), meeting=second)
    for org in ("nato", "csto"):
        agree_minutes(actor=cast.of(org, "signatory"), meeting=second)
    decision = propose_decision(
        actor=cast.of("csto", "delegate"), meeting=third, title="Meet yearly", text="Yearly."
    )
    for org in ("nato", "csto"):
        respond_to_decision(actor=cast.of(org, "signatory"), decision=decision, position="approve")
    commitment = make_commitment(
        actor=cast.of("nato", "delegate"),
        decision=Decision.objects.get(pk=decision.pk),
        owner="nato",
        description="Host the next round",
        target="one meeting",
        due_date=date(2014, 12, 1),
    )
    client = Client()
    client.force_login(cast.of("csto", "viewer"))

    html = _page(client, "/meetings/series/organizations/csto+nato/")

    assert [m.title for m in meetings_in_series(Series("organizations", "csto+nato"))] == [
        "First",
        "Second",
        "Third",
    ]
    assert html.count('data-testid="series-meeting"') == 3
    assert html.index(">First<") < html.index(">Second<") < html.index(">Third<")
    assert "We <strong>agreed</strong>." in html
    assert f'href="/meetings/decisions/{decision.pk}/"' in html
    assert f'href="/meetings/commitments/{commitment.pk}/"' in html
    body = client.get("/meetings/series/organizations/csto+nato.json").json()
    assert (body["schema"], body["name"]) == ("sideline.series/1", "CSTO – NATO")
    assert [m["title"] for m in body["meetings"]] == ["First", "Second", "Third"]
    assert [m["minutes"] for m in body["meetings"]][1] == {
        "revision": 1,
        "status": "agreed",
        "text": "We **agreed**.",
    }
    assert body["meetings"][2]["decisions"][0]["commitments"][0]["owner"] == "nato"


@pytest.mark.parametrize("suffix", ["/", ".json"])
def test_series_page_shows_a_confidential_meeting_only_to_participants(
    cast: Cast, three: list[Meeting], suffix: str
) -> None:
    url = f"/meetings/series/organizations/csto+nato{suffix}"
    outsider, member, participant = Client(), Client(), Client()
    member.force_login(cast.of("osce", "signatory"))
    participant.force_login(cast.of("nato", "viewer"))

    for client, expected in ((outsider, 2), (member, 2), (participant, 3)):
        text = client.get(url).content.decode()
        assert ("First" in text, text.count("Second")) == (expected == 3, 1)


def test_series_page_of_only_confidential_meetings_answers_404_to_outsiders(
    cast: Cast,
) -> None:
    _meet(cast, date(2013, 3, 1), title="Closed")
    participant = Client()
    participant.force_login(cast.of("csto", "viewer"))

    assert Client().get("/meetings/series/organizations/csto+nato/").status_code == 404
    assert participant.get("/meetings/series/organizations/csto+nato/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/series/organizations/nato+csto/",
        "/meetings/series/organizations/csto+nato+sco/",
        "/meetings/series/planets/csto+nato/",
        "/meetings/series/forum/no-such-forum.json",
        "/meetings/series/forum/unga%20week/",
        "/meetings/series/organizations/csto+na%20to/",
    ],
)
def test_series_page_unknown_or_non_canonical_answers_404(
    cast: Cast, three: list[Meeting], url: str
) -> None:
    assert Client().get(url).status_code == 404


def test_meeting_page_links_its_series_and_neighbours(cast: Cast, three: list[Meeting]) -> None:
    first, second, third = three
    participant, outsider = Client(), Client()
    participant.force_login(cast.of("nato", "viewer"))

    seen = _page(participant, f"/meetings/{second.pk}/")
    public = _page(outsider, f"/meetings/{second.pk}/")

    assert 'href="/meetings/series/organizations/csto+nato/"' in seen
    assert f'rel="prev" href="/meetings/{first.pk}/"' in seen
    assert f'rel="next" href="/meetings/{third.pk}/"' in seen
    assert 'rel="prev"' not in public
    assert f'rel="next" href="/meetings/{third.pk}/"' in public


@pytest.mark.parametrize("count", [1, 3])
def test_series_page_queries_do_not_grow(
    cast: Cast, count: int, django_assert_num_queries: Any
) -> None:
    for number in range(count):
        meeting = _meet(cast, date(2013, 3, 1 + number), title=f"Round {number}", public=True)
        decision = propose_decision(
            actor=cast.of("nato", "delegate"), meeting=meeting, title="Go", text="Go."
        )
        for org in ("nato", "csto"):
            respond_to_decision(
                actor=cast.of(org, "signatory"), decision=decision, position="approve"
            )
        make_commitment(
            actor=cast.of("nato", "delegate"),
            decision=Decision.objects.get(pk=decision.pk),
            owner="nato",
            description=f"Do {number}",
            target="done",
            due_date=date(2014, 1, 1),
        )
    client = Client()
    client.get("/meetings/series/organizations/csto+nato/")

    with django_assert_num_queries(6):
        html = client.get("/meetings/series/organizations/csto+nato/").content.decode()

    assert html.count('data-testid="series-commitment"') == count


def test_forum_series_holds_the_meetings_at_its_sessions(cast: Cast) -> None:
    sessions = ForumSession.objects.filter(forum__slug="unga-high-level-week").order_by("start")
    later, earlier = (
        create_meeting(
            actor=cast.of("nato", "delegate"),
            title=title,
            host="nato",
            participants=[other],
            date=session.start,
            forum_session=session.key,
            public=True,
        )
        for title, other, session in (
            ("Later", "osce", sessions[1]),
            ("Earlier", "csto", sessions[0]),
        )
    )
    _meet(cast, date(2013, 3, 1), title="Elsewhere", public=True)

    found = meetings_in_series(Series("forum", "unga-high-level-week"), user=AnonymousUser())

    assert [m.title for m in found] == ["Earlier", "Later"]
    assert series_of(later) == [
        Series("organizations", "nato+osce"),
        Series("forum", "unga-high-level-week"),
    ]
    assert previous_meeting_in_series(later) is None
    assert neighbours_in_series(later, Series("forum", "unga-high-level-week")) == (earlier, None)

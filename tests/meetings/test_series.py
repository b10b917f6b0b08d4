"""Series of meetings: identity, order, previous and next, and what each person sees."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser

from sideline.meetings.models import Meeting
from sideline.meetings.series import (
    Series,
    meetings_in_series,
    neighbours_in_series,
    parse_group_key,
    previous_meeting_in_series,
    series_of,
)
from sideline.meetings.services import add_participant, create_meeting
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
        ("+".join(f"o{i:02}" for i in range(17)), None),
    ],
)
def test_parse_group_key_accepts_only_canonical_keys(
    key: str, expected: tuple[str, ...] | None
) -> None:
    assert parse_group_key(key) == expected

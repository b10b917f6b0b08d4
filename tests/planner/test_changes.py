"""`planner.changes`: the pure diff, changelog and digest of a publication."""

from __future__ import annotations

from sideline.planner.changes import (
    ADDED,
    MOVED,
    REMOVED,
    PositionChange,
    calendar_digest,
    changelog,
    diff_positions,
)

A = {"session": "unga-68", "date": "2013-09-25", "slot": 0, "room": 0}
B = {"session": "unga-68", "date": "2013-09-26", "slot": 1, "room": 1}


def test_diff_positions_names_each_kind_in_key_order() -> None:
    changes = diff_positions({"a": A, "b": A, "c": A}, {"a": A, "b": B, "d": B})

    assert changes == [
        PositionChange(MOVED, "b", A, B),
        PositionChange(REMOVED, "c", A, None),
        PositionChange(ADDED, "d", None, B),
    ]


def test_changelog_of_a_first_publication_counts_meetings() -> None:
    text = changelog([PositionChange(ADDED, "a", None, A)], previous_version=None, meetings=1)

    assert text == "First publication: 1 meetings.\n+ a: unga-68 2013-09-25 slot 0 room 1"


def test_changelog_of_a_removal_says_where_it_was() -> None:
    text = changelog([PositionChange(REMOVED, "a", A, None)], previous_version=3, meetings=0)

    assert (
        text == "Changes since version 3: 1.\n- a: removed (was unga-68 2013-09-25 slot 0 room 1)"
    )


def test_calendar_digest_ignores_key_order_but_not_values() -> None:
    one = calendar_digest(year=2013, version=1, meetings=[{"request": "a", **A}])
    same = calendar_digest(year=2013, version=1, meetings=[{**A, "request": "a"}])
    other = calendar_digest(year=2013, version=1, meetings=[{"request": "a", **B}])

    assert (one == same, one == other) == (True, False)

"""Commitment status around the due date, in the commitment's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from sideline.meetings.status import commitment_status

DUE = date(2013, 3, 1)


def status(
    now: datetime,
    *,
    zone: str = "UTC",
    progress: int = 50,
    reported: bool = True,
    closed_as: str = "",
) -> str:
    return commitment_status(
        closed_as=closed_as, due=DUE, zone=zone, progress=progress, reported=reported, now=now
    )


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2013, 3, 1, 23, 59, 59, tzinfo=UTC), "UTC", "at_risk"),
        (datetime(2013, 3, 2, 0, 0, 0, tzinfo=UTC), "UTC", "overdue"),
        # Almaty is UTC+6 in 2013: its 1 March ends at 18:00 UTC.
        (datetime(2013, 3, 1, 17, 59, 59, tzinfo=UTC), "Asia/Almaty", "at_risk"),
        (datetime(2013, 3, 1, 18, 0, 0, tzinfo=UTC), "Asia/Almaty", "overdue"),
        # New York is UTC-5 in winter: its 1 March ends at 05:00 UTC on 2 March.
        (datetime(2013, 3, 2, 4, 59, 59, tzinfo=UTC), "America/New_York", "at_risk"),
        (datetime(2013, 3, 2, 5, 0, 0, tzinfo=UTC), "America/New_York", "overdue"),
    ],
)
def test_status_around_midnight_in_zone(now: datetime, zone: str, expected: str) -> None:
    assert status(now, zone=zone) == expected


def test_status_dst_change_day() -> None:
    # New York moved to UTC-4 on 10 March 2013; a 10 March due date ends at 04:00 UTC on the 11th.
    def at(now: datetime) -> str:
        return commitment_status(
            closed_as="",
            due=date(2013, 3, 10),
            zone="America/New_York",
            progress=10,
            reported=True,
            now=now,
        )

    assert at(datetime(2013, 3, 11, 3, 59, 59, tzinfo=UTC)) == "at_risk"
    assert at(datetime(2013, 3, 11, 4, 0, tzinfo=UTC)) == "overdue"


@pytest.mark.parametrize(
    ("now", "progress", "reported", "expected"),
    [
        (datetime(2013, 1, 1, tzinfo=UTC), 0, False, "open"),
        (datetime(2013, 1, 1, tzinfo=UTC), 20, True, "on_track"),
        (datetime(2013, 2, 23, 0, 0, 0, tzinfo=UTC), 20, True, "at_risk"),
        (datetime(2013, 2, 22, 23, 59, 59, tzinfo=UTC), 20, True, "on_track"),
        (datetime(2013, 2, 28, tzinfo=UTC), 100, True, "on_track"),
    ],
)
def test_status_open_on_track_at_risk(
    now: datetime, progress: int, reported: bool, expected: str
) -> None:
    assert status(now, progress=progress, reported=reported) == expected


@pytest.mark.parametrize("closed_as", ["done", "dropped"])
def test_status_closed_wins_over_overdue(closed_as: str) -> None:
    assert status(datetime(2014, 1, 1, tzinfo=UTC), closed_as=closed_as) == closed_as

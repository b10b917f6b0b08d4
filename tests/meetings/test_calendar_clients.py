"""The commitments calendar reads the same in icalendar, vobject, khal and ical.js."""

from __future__ import annotations

import datetime as dt
from datetime import date
from pathlib import Path

import icalendar
from django.test import Client

from sideline.meetings.models import Decision
from sideline.meetings.services import make_commitment, update_progress
from tests.calendar_clients import times_everywhere
from tests.meetings.conftest import Cast

URL = "/meetings/calendars/osce.ics"


def midnight(day: date) -> int:
    return int(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC).timestamp())


def test_commitments_calendar_reads_the_same_everywhere_with_status_names(
    client: Client, cast: Cast, adopted: Decision, tmp_path: Path
) -> None:
    delegate = cast.of("osce", "delegate")
    late = make_commitment(
        actor=delegate,
        decision=adopted,
        owner="osce",
        description="Report",
        target="T",
        due_date=date(2013, 6, 1),
        review_date=date(2013, 5, 1),
    )
    # Due in the last year the product stores: on track whatever today is.
    later = make_commitment(
        actor=delegate,
        decision=adopted,
        owner="osce",
        description="Train",
        target="T",
        due_date=date(2199, 12, 31),
    )
    update_progress(actor=delegate, commitment=later, percent=10)
    client.force_login(cast.of("osce", "viewer"))

    body = client.get(URL).content
    times = times_everywhere({URL: body}, tmp_path)[URL]
    calendar = icalendar.Calendar.from_ical(body)

    assert times == {
        f"sideline-commitment-{late.pk}-due@sideline": (
            midnight(date(2013, 6, 1)),
            midnight(date(2013, 6, 2)),
        ),
        f"sideline-commitment-{late.pk}-review@sideline": (
            midnight(date(2013, 5, 1)),
            midnight(date(2013, 5, 2)),
        ),
        f"sideline-commitment-{later.pk}-due@sideline": (
            midnight(date(2199, 12, 31)),
            midnight(date(2200, 1, 1)),
        ),
    }
    assert sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT")) == [
        "due: Report (overdue)",
        "due: Train (on track)",
        "review: Report (overdue)",
    ]

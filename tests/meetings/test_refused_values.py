"""Dates out of range and control characters are refused on the way in, naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from sideline.meetings.errors import MeetingError
from sideline.meetings.models import Commitment, Decision
from sideline.meetings.services import create_meeting, make_commitment, save_minutes
from tests.meetings.conftest import Cast

COMMITMENT = {"owner": "nato", "description": "D", "target": "T", "due_date": "2014-01-01"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"due_date": "9999-12-31"}, "due_date"),
        ({"due_date": "0001-01-01"}, "due_date"),
        ({"review_date": "2201-01-01"}, "review_date"),
    ],
)
def test_api_commitment_date_out_of_range_is_422_naming_the_field(
    client: Client, cast: Cast, adopted: Decision, change: dict[str, str], field: str
) -> None:
    client.force_login(cast.of("nato", "delegate"))

    response = client.post(
        f"/api/meetings/decisions/{adopted.pk}/commitments",
        COMMITMENT | change,
        content_type="application/json",
    )

    body = response.json()["error"]
    assert (response.status_code, body["code"], body["field"]) == (
        422,
        "invalid_request",
        f"payload.{field}",
    )
    assert body["message"].startswith(f"payload.{field}: Input should be")
    assert not Commitment.objects.exists()


def test_page_commitment_due_9999_is_refused_with_a_message(
    client: Client, cast: Cast, adopted: Decision
) -> None:
    client.force_login(cast.of("nato", "delegate"))
    meeting = adopted.meeting

    response = client.post(
        f"/meetings/{meeting.pk}/do/commit/",
        COMMITMENT | {"decision": adopted.pk, "due_date": "9999-12-31"},
    )

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "due_date: give a date from 1900-01-01 to 2200-12-31"
    ]
    assert not Commitment.objects.exists()


def test_services_refuse_control_characters_whoever_calls_them(
    cast: Cast, adopted: Decision
) -> None:
    with pytest.raises(MeetingError) as caught:
        make_commitment(
            actor=cast.of("nato", "delegate"),
            decision=adopted,
            owner="nato",
            description="D",
            target="T",
            due_date=dt.date(2014, 1, 1),
            milestones=[("ok", None), ("bell\x07", None)],
        )

    assert (caught.value.code, caught.value.field, caught.value.message) == (
        "control_character",
        "milestones",
        "milestones: remove the control character U+0007",
    )
    with pytest.raises(MeetingError) as minutes:
        save_minutes(actor=cast.of("nato", "delegate"), meeting=adopted.meeting, text="a\x1bb")
    assert minutes.value.field == "text"


def test_services_refuse_a_meeting_date_out_of_range(cast: Cast) -> None:
    with pytest.raises(MeetingError) as caught:
        create_meeting(
            actor=cast.of("nato", "delegate"),
            title="T",
            host="nato",
            participants=["csto"],
            date=dt.date(1899, 12, 31),
        )

    assert (caught.value.code, caught.value.field) == ("date_out_of_range", "date")


def test_dashboard_csv_neutralises_formulas(client: Client, cast: Cast, adopted: Decision) -> None:
    make_commitment(
        actor=cast.of("nato", "delegate"),
        decision=adopted,
        owner="nato",
        description='=HYPERLINK("http://evil.example","x")',
        target="+1",
        due_date=dt.date(2014, 1, 1),
    )
    client.force_login(cast.of("nato", "viewer"))

    body = client.get("/meetings/dashboard/?format=csv").content.decode()

    row = body.splitlines()[1]
    assert '"\'=HYPERLINK(""http://evil.example"",""x"")",\'+1,' in row
